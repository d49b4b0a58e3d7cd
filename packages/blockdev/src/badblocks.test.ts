import { describe, expect, it } from 'vitest';
import { Badblocks, BadblocksParseError } from './badblocks';

describe('Badblocks (configfs badblocks attribute)', () => {
  it('adds, merges and clears inclusive ranges', () => {
    const bb = new Badblocks();
    bb.store('+100-107');
    bb.store('+108-115');
    bb.store('+200-200');
    expect(bb.list()).toEqual([
      [100, 115],
      [200, 200],
    ]);
    bb.store('-104-111');
    expect(bb.show()).toBe('100-103\n112-115\n200-200\n');
    expect(bb.count).toBe(9);
  });

  it('check finds the first bad sector in a range', () => {
    const bb = new Badblocks();
    bb.store('+10-19');
    expect(bb.check(0, 10)).toBeNull();
    expect(bb.check(0, 11)).toEqual({ firstBad: 10, badSectors: 1 });
    expect(bb.check(12, 100)).toEqual({ firstBad: 12, badSectors: 8 });
    expect(bb.check(20, 8)).toBeNull();
  });

  it('rejects malformed commands', () => {
    const bb = new Badblocks();
    expect(() => bb.store('100-107')).toThrow(BadblocksParseError);
    expect(() => bb.store('+9-3')).toThrow(/before start/);
  });
});
