import type { TraceRecord } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { drawCase, type FuzzCase } from './case';
import { checkContexts, checkTime } from './checks';
import type { WriteRecord } from './driver';
import { expectedContent } from './readback';

const rec = (ts: number, name: string, kind: string, ctx: string, args?: Record<string, string | number>): TraceRecord => ({ ph: 'i', ts, cpu: 0, ctx, kind, pid: 1, name, ...(args ? { args } : {}) });
const collect = (): { fails: string[]; fail: (inv: number, m: string) => void } => {
  const fails: string[] = [];
  return { fails, fail: (_, m) => fails.push(m) };
};

describe('time check', () => {
  it('catches the clock going back, events past the clock and completions before issue', () => {
    const { fails, fail } = collect();
    const w: WriteRecord = { id: 1, block: 0, submittedAt: 50, results: [4096], completedAt: 40 };
    checkTime([rec(10, 'a', 'task', 'x'), rec(5, 'b', 'task', 'x')], 100, 1000, [w], [], fail);
    checkTime([rec(200, 'a', 'task', 'x')], 100, 1000, [], [], fail);
    expect(fails).toHaveLength(3);
  });
});

describe('context check', () => {
  const c: FuzzCase = { ...drawCase(1), policy: 'workqueue', engine: 'uring', irqmode: 'hardirq' };
  const done = (via: string, kind: string, ctx: string, ret = 4096): TraceRecord => rec(1, 'iomap_dio_complete', kind, ctx, { ino: 7, via, ret });
  it('accepts kworker completions and submit-time ones in the issuer', () => {
    const { fails, fail } = collect();
    checkContexts(c, [done('workqueue', 'task', 'kworker/0:1'), done('submit', 'task', 'issuer'), done('submit', 'task', 'issuer', -11)], 7, 2, true, fail);
    expect(fails).toEqual([]);
  });
  it('rejects inline completion under the workqueue policy, a workqueue completion in an interrupt, and a missing completion', () => {
    const { fails, fail } = collect();
    checkContexts(c, [done('end_io', 'hardirq', 'nullb0q0'), done('workqueue', 'softirq', 'BLOCK')], 7, 3, true, fail);
    expect(fails).toHaveLength(3);
  });
});

describe('read-back expectations with a racing shrink', () => {
  const w = (id: number, block: number, sub: number, done: number): WriteRecord => ({ id, block, submittedAt: sub, results: [4096], completedAt: done });
  it('zeros after a cut, data after a rewrite, either when they overlap', () => {
    const e = expectedContent([w(1, 5, 0, 10), w(2, 6, 30, 40), w(3, 7, 15, 25)], [{ start: 20, end: 28, size: 4096, ret: 0 }], 4096);
    expect(e(5)).toEqual([0]);
    expect(e(6)).toEqual([2]);
    expect(e(7)).toEqual([3, 0]);
    expect(e(9)).toEqual([0]);
    expect(expectedContent([w(1, 0, 0, 10)], [{ start: 20, end: 28, size: 4096, ret: 0 }], 4096)(0)).toEqual([1]); // below the cut
  });
});
