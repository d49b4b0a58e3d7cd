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
    expect(() => bb.store('+1-')).toThrow(BadblocksParseError);
    expect(() => bb.store('+a-b')).toThrow(BadblocksParseError);
    expect(() => bb.store('+1-2-3')).toThrow(BadblocksParseError);
    expect(() => bb.store('+08-9')).toThrow(BadblocksParseError); // 08 is not octal
    expect(bb.count).toBe(0);
  });

  it('numbers parse like kstrtoull(base 0): decimal, 0x hex, 0 octal; surrounding whitespace is stripped', () => {
    const bb = new Badblocks();
    bb.store('+0x10-0x1f\n');
    bb.store(' +010-011 ');
    expect(bb.list()).toEqual([
      [8, 9],
      [16, 31],
    ]);
    bb.store('-0-100');
    expect(bb.count).toBe(0);
  });
});
