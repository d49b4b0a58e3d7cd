import { describe, expect, it } from 'vitest';
import { callerCompTable } from '../src/table';

describe('caller-comp-table', () => {
  it('patched and 6.19 beat stock, and the gain rises with depth', () => {
    const [qd1, qd16] = callerCompTable({ qds: [1, 16], runtime: '20ms' });
    if (qd1 === undefined || qd16 === undefined) throw new Error('rows');
    const gain = (r: typeof qd1) => r.patched / r.stock - 1;
    expect(gain(qd1)).toBeGreaterThan(0);
    expect(gain(qd16)).toBeGreaterThan(0.2);
    expect(gain(qd16)).toBeGreaterThan(gain(qd1));
    expect(qd16.inline / qd16.stock - 1).toBeGreaterThan(0.2);
    // the series measured 155K stock at QD1
    expect(qd1.stock).toBeGreaterThan(140_000);
    expect(qd1.stock).toBeLessThan(170_000);
  });

  it('is deterministic for a seed', () => {
    const run = () => callerCompTable({ qds: [4], runtime: '5ms', seed: 3 });
    expect(run()).toEqual(run());
  });
});
