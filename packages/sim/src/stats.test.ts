import { describe, expect, it } from 'vitest';
import { makeSampler } from './distribution';
import { Rng } from './rng';
import { FIO_PERCENTILES, fioPercentileKey, LatencyHistogram } from './stats';

/** The exact percentile as HdrHistogram defines it: the smallest sample with at least p% of samples at or below it. */
function exactPercentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

function samples(n: number, seed = 1): number[] {
  const f = makeSampler({ kind: 'lognormal', mean: 50_000, stddev: 40_000 });
  const r = new Rng(seed);
  return Array.from({ length: n }, () => f(r));
}

describe('LatencyHistogram', () => {
  it('fio percentiles are within 0.1% of the exact ones; min/max/mean/stddev are exact', () => {
    const xs = samples(100_000);
    const h = new LatencyHistogram();
    for (const x of xs) h.record(x);
    const sorted = [...xs].sort((a, b) => a - b);
    const s = h.summary();
    for (const p of FIO_PERCENTILES) {
      const exact = exactPercentile(sorted, p);
      const got = s.percentile?.[fioPercentileKey(p)];
      expect(got, `p${p}`).toBeDefined();
      expect(Math.abs((got as number) - exact) / exact, `p${p}: ${got} vs ${exact}`).toBeLessThanOrEqual(0.001);
    }
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
    expect(s.N).toBe(100_000);
    expect(s.min).toBe(sorted[0]);
    expect(s.max).toBe(sorted.at(-1));
    expect(s.mean).toBeCloseTo(mean, 6);
    expect(s.stddev / sd).toBeCloseTo(1, 9);
  });

  it('percentile keys are formatted as fio prints them', () => {
    expect(fioPercentileKey(99)).toBe('99.000000');
    expect(fioPercentileKey(99.99)).toBe('99.990000');
    expect(fioPercentileKey(1)).toBe('1.000000');
    const h = new LatencyHistogram();
    h.record(1_000);
    expect(Object.keys(h.summary().percentile ?? {})).toEqual([
      '1.000000', '5.000000', '10.000000', '20.000000', '30.000000', '40.000000', '50.000000', '60.000000', '70.000000',
      '80.000000', '90.000000', '95.000000', '99.000000', '99.500000', '99.900000', '99.950000', '99.990000',
    ]);
    expect(Object.keys(h.summary([50, 99.9]).percentile ?? {})).toEqual(['50.000000', '99.900000']);
  });

  it('an empty histogram has no percentile key, as fio', () => {
    const s = new LatencyHistogram().summary();
    expect(s).toEqual({ min: 0, max: 0, mean: 0, stddev: 0, N: 0 });
    expect('percentile' in s).toBe(false);
  });

  it('stddev stays exact for large, tightly clustered values (no cancellation)', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 10_000; i++) h.record(1e12 + (i % 2 === 0 ? -10 : 10));
    expect(h.stddev).toBeCloseTo(10, 2);
  });

  it('bins() lists every non-empty bucket with its count (json+)', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 1_000; i++) h.record(1_000 + (i % 10) * 100);
    h.record(50_000);
    const bins = h.bins();
    expect(bins.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => [1_000 + i * 100, 100]));
    expect(bins).toHaveLength(11);
    expect(bins[10]![0] / 50_000).toBeCloseTo(1, 3);
    expect(bins.reduce((a, b) => a + b[1], 0)).toBe(1_001);
  });

  it('merge() equals recording everything in one histogram; reset() empties', () => {
    const xs = samples(20_000, 2);
    const all = new LatencyHistogram();
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    xs.forEach((x, i) => {
      all.record(x);
      (i % 3 === 0 ? a : b).record(x);
    });
    a.merge(b);
    a.merge(new LatencyHistogram());
    const sa = a.summary();
    const sb = all.summary();
    expect(sa.percentile).toEqual(sb.percentile);
    expect(sa.N).toBe(sb.N);
    expect(sa.min).toBe(sb.min);
    expect(sa.max).toBe(sb.max);
    expect(sa.mean).toBeCloseTo(sb.mean, 6);
    expect(sa.stddev).toBeCloseTo(sb.stddev, 6);
    a.reset();
    expect(a.count).toBe(0);
    expect(a.summary().N).toBe(0);
  });
});
