import { describe, expect, it } from 'vitest';
import { Rng } from './rng';

const draw = (r: Rng, n: number): number[] => Array.from({ length: n }, () => r.u32());

describe('Rng', () => {
  it('same seed and stream give the same numbers; other seeds and streams differ', () => {
    expect(draw(new Rng(42), 100)).toEqual(draw(new Rng(42), 100));
    expect(draw(new Rng(42, 'blockdev'), 100)).toEqual(draw(new Rng(42).fork('blockdev'), 100));
    expect(draw(new Rng(42), 100)).not.toEqual(draw(new Rng(43), 100));
    expect(draw(new Rng(42).fork('a'), 100)).not.toEqual(draw(new Rng(42).fork('b'), 100));
    // seeds beyond 32 bits still matter
    expect(draw(new Rng(2 ** 40), 10)).not.toEqual(draw(new Rng(2 ** 40 + 2 ** 33), 10));
  });

  it('forked streams are independent of draws on other streams', () => {
    const root = new Rng(7);
    const a1 = root.fork('a');
    const ref = draw(a1, 20);
    const root2 = new Rng(7);
    const b = root2.fork('b');
    draw(b, 1000);
    draw(root2, 1000);
    expect(draw(root2.fork('a'), 20)).toEqual(ref);
    expect(root.fork('x').fork('y').stream).toBe('x/y');
  });

  it('nearby seeds start with unrelated streams', () => {
    const firsts = new Set<number>();
    for (let s = 0; s < 1000; s++) firsts.add(new Rng(s).u32() >>> 20);
    expect(firsts.size).toBeGreaterThan(600); // 1000 draws of 12 bits: ~880 distinct expected
  });

  it('float() is uniform on [0, 1): mean 1/2, variance 1/12', () => {
    const r = new Rng(1);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const x = r.float();
      s += x;
      s2 += x * x;
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    const mean = s / n;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(s2 / n - mean * mean).toBeCloseTo(1 / 12, 3);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
  });

  it('int(lo, hi) is inclusive and unbiased', () => {
    const r = new Rng(3);
    const counts = new Array<number>(6).fill(0);
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const x = r.int(10, 15);
      counts[x - 10]!++;
    }
    // chi-square with 5 dof: 99.9% quantile is 20.5
    const e = n / 6;
    const chi = counts.reduce((a, c) => a + ((c - e) * (c - e)) / e, 0);
    expect(chi).toBeLessThan(20.5);
    expect(() => r.int(2, 1)).toThrow(RangeError);
    expect(r.int(5, 5)).toBe(5);
  });

  it('rejects unsafe seeds', () => {
    expect(() => new Rng(1.5)).toThrow(RangeError);
    expect(() => new Rng(Number.NaN)).toThrow(RangeError);
  });

  it('fillBytes fills every byte deterministically', () => {
    const a = new Rng(9).fillBytes(new Uint8Array(7));
    const b = new Rng(9).fillBytes(new Uint8Array(7));
    expect(a).toEqual(b);
    expect(a.some((x) => x !== 0)).toBe(true);
  });
});
