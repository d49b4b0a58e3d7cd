import { describe, expect, it } from 'vitest';
import { runMM1 } from '../examples/mm1';

describe('M/M/1 validation', () => {
  // Seed 1 is the example's default seed, not one picked for a small error. At 1,000,000
  // customers the run-to-run spread of the mean is about 1% (docs/engine.md lists seeds 1–8).
  it('rho = 0.8, 1,000,000 customers: mean response within 2% of 1/(mu - lambda)', () => {
    const r = runMM1({ seed: 1, customers: 1_000_000, rho: 0.8 });
    expect(r.customers).toBe(1_000_000);
    expect(r.theoryNs).toBeCloseTo(5_000, 9); // 1 / (1/µs − 0.8/µs)
    expect(Math.abs(r.relError)).toBeLessThan(0.02);
  }, 60_000);
});
