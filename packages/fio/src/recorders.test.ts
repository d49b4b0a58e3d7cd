import { describe, expect, it } from 'vitest';
import { IoDepthCounters } from './depth';
import { calcDist, calcLat } from './dist';
import { IoStat } from './io-stat';
import { LatencyBuckets } from './lat-buckets';
import { formatLatLog, latLogFileName } from './lat-log';

describe('recorders', () => {
  it('IoStat keeps min / max / mean / sample stddev', () => {
    const s = new IoStat();
    expect([s.samples, s.min, s.max, s.mean, s.stddev]).toEqual([0, 0, 0, 0, 0]);
    for (const v of [2, 4, 4, 4, 5, 5, 7, 9]) s.record(v);
    expect([s.samples, s.min, s.max, s.mean]).toEqual([8, 2, 9, 5]);
    expect(s.stddev).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it('IoDepthCounters buckets as io_u_mark_depth / _submit / _complete', () => {
    const d = new IoDepthCounters();
    for (const depth of [1, 2, 3, 4, 7, 8, 16, 32, 63, 64, 1000]) d.markDepth(depth);
    expect(d.level).toEqual([1, 2, 2, 1, 1, 2, 2]);
    for (const nr of [0, 1, 4, 5, 8, 9, 16, 17, 32, 33, 64, 65]) d.markSubmit(nr);
    expect(d.submit).toEqual([1, 2, 2, 2, 2, 2, 1]);
    expect(d.totalSubmit).toBe(12);
  });

  it('LatencyBuckets uses upper-bound labels (250 holds 100–249)', () => {
    const b = new LatencyBuckets();
    for (const ns of [0, 1, 2, 181, 249, 250, 999, 1000, 1999, 49_999, 999_999, 1_000_000, 1_999_999, 2_000_000, 999_999_999, 1_000_000_000, 2_000_000_000, 5e12]) b.record(ns);
    expect(b.ns).toEqual([2, 1, 0, 0, 0, 0, 2, 1, 0, 1]);
    expect(b.us).toEqual([2, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(b.ms).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2]);
  });

  it('percent helpers apply fio\'s floors', () => {
    expect(calcDist([1, 0, 999], 1000)).toEqual([0.1, 0, 99.9]);
    expect(calcDist([1], 0)).toEqual([0]);
    expect(calcLat([1, 0, 99_999], 100_000)).toEqual([0.01, 0, 99.999]);
  });

  it('formats latency logs as fio writes them', () => {
    const samples = [
      { timeMs: 0, valueNs: 76288, ddir: 1 as const, bs: 4096, offset: 8192, prio: 0 },
      { timeMs: 12.7, valueNs: 41216.9, ddir: 0 as const, bs: 4096, offset: 0, prio: 1 },
    ];
    expect(formatLatLog(samples)).toBe('0, 76288, 1, 4096, 0\n12, 41216, 0, 4096, 1\n');
    expect(formatLatLog(samples, { logOffset: true })).toBe('0, 76288, 1, 4096, 8192, 0\n12, 41216, 0, 4096, 0, 1\n');
    expect(latLogFileName('w', 'clat', 1)).toBe('w_clat.1.log');
    expect(latLogFileName('w', 'slat', 3, false)).toBe('w_slat.log');
  });
});
