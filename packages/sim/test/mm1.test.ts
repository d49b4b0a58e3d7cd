import { describe, expect, it } from 'vitest';
import { runMM1 } from '../examples/mm1';

describe('M/M/1 validation', () => {
  it('rho = 0.8, 1,000,000 customers: mean response within 2% of 1/(mu - lambda)', () => {
    const r = runMM1({ seed: 7, customers: 1_000_000, rho: 0.8 });
    expect(r.customers).toBe(1_000_000);
    expect(Math.abs(r.relError)).toBeLessThan(0.02);
  }, 60_000);
});
