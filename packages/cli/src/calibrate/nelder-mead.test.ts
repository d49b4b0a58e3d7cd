import { describe, expect, it } from 'vitest';
import { clamp01, halton, nelderMead } from './nelder-mead';

describe('nelderMead in the unit cube', () => {
  it('finds the minimum of a shifted quadratic inside the cube', () => {
    const target = [0.2, 0.7, 0.45];
    const f = (x: readonly number[]) => x.reduce((a, v, i) => a + (v - (target[i] as number)) ** 2, 0);
    const r = nelderMead(f, [0.5, 0.5, 0.5], { step: 0.25, maxEvals: 2000, tol: 1e-12 });
    r.x.forEach((v, i) => expect(v).toBeCloseTo(target[i] as number, 3));
  });
  it('stops at the bound when the minimum lies outside, without leaving the cube', () => {
    const r = nelderMead((x) => (x[0] as number) * 3 + ((x[1] as number) - 2) ** 2, [0.5, 0.5], { step: 0.25, maxEvals: 500 });
    expect(r.x[0]).toBeLessThan(0.01);
    expect(r.x[1]).toBeGreaterThan(0.99);
    for (const v of r.x) expect(v >= 0 && v <= 1).toBe(true);
  });
  it('spends no more than its budget and is deterministic', () => {
    let n = 0;
    const f = (x: readonly number[]) => (n++, Math.sin(10 * (x[0] as number)) + (x[1] as number));
    const a = nelderMead(f, [0.3, 0.3], { step: 0.2, maxEvals: 25 });
    expect(n).toBeLessThanOrEqual(25 + 2);
    expect(nelderMead(f, [0.3, 0.3], { step: 0.2, maxEvals: 25 })).toEqual(a);
  });
  it('projects coordinates into [0, 1]', () => {
    expect([clamp01(-0.2), clamp01(1.3), clamp01(0.5)]).toEqual([0, 1, 0.5]);
  });
  it('Halton points are spread over the cube', () => {
    const pts = Array.from({ length: 8 }, (_, k) => halton(k, 2));
    expect(pts[0]).toEqual([0.5, 1 / 3]);
    expect(new Set(pts.map((p) => p.map((v) => Math.floor(v * 2)).join())).size).toBe(4);
  });
});
