/**
 * Deterministic simulation testing in CI: a fixed range of seeds, each a
 * random stack and workload with every invariant checked.
 */
import { describe, expect, it } from 'vitest';
import { formatSummary, fuzz } from '../src/dst/fuzz';
import { runCase } from '../src/dst/run-case';

describe('fuzz seeds', () => {
  it('1,000 seeds pass every invariant', () => {
    const s = fuzz(1, 1000);
    console.log(formatSummary(s).join('\n'));
    expect(s.seeds).toBe(1000);
    expect(s.failed.map((f) => `seed ${f.seed}: ${f.failures[0]}`)).toEqual([]);
  }, 600_000);

  it('the same seed reproduces the identical event sequence (trace hash)', () => {
    for (const seed of [3, 44, 81]) expect(runCase(seed).traceHash).toBe(runCase(seed).traceHash);
    expect(runCase(3).traceHash).not.toBe(runCase(4).traceHash);
  });
});
