import { describe, expect, it } from 'vitest';
import { DistributionError, distMean, type DistSpec, makeSampler } from './distribution';
import { Rng } from './rng';

const N = 200_000;

function moments(spec: DistSpec, seed = 11): { mean: number; sd: number; min: number; max: number; ints: boolean } {
  const f = makeSampler(spec);
  const r = new Rng(seed, 'dist');
  let s = 0;
  let s2 = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let ints = true;
  for (let i = 0; i < N; i++) {
    const x = f(r);
    s += x;
    s2 += x * x;
    if (x < min) min = x;
    if (x > max) max = x;
    if (!Number.isInteger(x)) ints = false;
  }
  const mean = s / N;
  return { mean, sd: Math.sqrt(s2 / N - mean * mean), min, max, ints };
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('distributions (seeded, 200k draws)', () => {
  it('fixed', () => {
    const m = moments({ kind: 'fixed', value: 1234 });
    expect(m).toMatchObject({ mean: 1234, min: 1234, max: 1234, ints: true });
  });

  it('uniform: mean (a+b)/2, sd (b-a)/sqrt(12), within [a, b]', () => {
    const m = moments({ kind: 'uniform', min: 1_000, max: 9_000 });
    expect(rel(m.mean, 5_000)).toBeLessThan(0.005);
    expect(rel(m.sd, 8_000 / Math.sqrt(12))).toBeLessThan(0.01);
    expect(m.min).toBeGreaterThanOrEqual(1_000);
    expect(m.max).toBeLessThanOrEqual(9_000);
    expect(m.ints).toBe(true);
  });

  it('exponential: mean = sd = the given mean', () => {
    const m = moments({ kind: 'exponential', mean: 10_000 });
    expect(rel(m.mean, 10_000)).toBeLessThan(0.01);
    expect(rel(m.sd, 10_000)).toBeLessThan(0.015);
    expect(m.min).toBeGreaterThanOrEqual(0);
    expect(m.ints).toBe(true);
  });

  it('exponential with min clamps', () => {
    expect(moments({ kind: 'exponential', mean: 1_000, min: 500 }).min).toBe(500);
  });

  it('normal: mean and sd', () => {
    const m = moments({ kind: 'normal', mean: 50_000, stddev: 5_000 });
    expect(rel(m.mean, 50_000)).toBeLessThan(0.002);
    expect(rel(m.sd, 5_000)).toBeLessThan(0.01);
  });

  it('lognormal: mean and sd are those of the distribution itself', () => {
    const m = moments({ kind: 'lognormal', mean: 20_000, stddev: 10_000 });
    expect(rel(m.mean, 20_000)).toBeLessThan(0.01);
    expect(rel(m.sd, 10_000)).toBeLessThan(0.03);
    expect(m.min).toBeGreaterThan(0);
  });

  it('empirical: stays within the samples and its mean is distMean (interpolated), not the sample mean', () => {
    const spec: DistSpec = { kind: 'empirical', samples: [100, 0, 0, 1000] };
    const m = moments(spec);
    expect(m.min).toBeGreaterThanOrEqual(0);
    expect(m.max).toBeLessThanOrEqual(1000);
    // segments [0,0], [0,100], [100,1000] equally likely: mean (0 + 50 + 550) / 3 = 200
    expect(distMean(spec)).toBeCloseTo(200, 9);
    expect(rel(m.mean, 200)).toBeLessThan(0.01);
    expect(moments({ kind: 'empirical', samples: [77] }).mean).toBe(77);
  });

  it('distMean of the closed forms', () => {
    expect(distMean({ kind: 'fixed', value: 3 })).toBe(3);
    expect(distMean({ kind: 'uniform', min: 2, max: 4 })).toBe(3);
    expect(distMean({ kind: 'exponential', mean: 5 })).toBe(5);
    expect(distMean({ kind: 'lognormal', mean: 6, stddev: 1 })).toBe(6);
  });

  it('the same seed gives the same draws', () => {
    const f = makeSampler({ kind: 'lognormal', mean: 1e4, stddev: 3e3 });
    const a = new Rng(5);
    const b = new Rng(5);
    for (let i = 0; i < 100; i++) expect(f(a)).toBe(f(b));
  });

  it('rejects nonsense parameters with DistributionError', () => {
    const bad: DistSpec[] = [
      { kind: 'fixed', value: -1 },
      { kind: 'uniform', min: 5, max: 1 },
      { kind: 'exponential', mean: 0 },
      { kind: 'normal', mean: 1, stddev: -1 },
      { kind: 'lognormal', mean: 0, stddev: 1 },
      { kind: 'empirical', samples: [] },
      { kind: 'empirical', samples: [1, -2] },
    ];
    for (const s of bad) expect(() => makeSampler(s), JSON.stringify(s)).toThrow(DistributionError);
  });
});
