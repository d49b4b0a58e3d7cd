/**
 * Deterministic simulation testing in CI: a fixed range of seeds, each a
 * random stack and workload with every invariant checked. The summary (seed
 * count, invariants, coverage, failing seeds with their repro) is printed.
 * DIO_FUZZ_SEEDS / DIO_FUZZ_FROM change the range.
 */
import { describe, expect, it } from 'vitest';
import { drawCase, type FuzzCase } from '../src/dst/case';
import { formatSummary, fuzz } from '../src/dst/fuzz';
import { runCase } from '../src/dst/run-case';

const SEEDS = Number(process.env.DIO_FUZZ_SEEDS ?? 1000);
const FROM = Number(process.env.DIO_FUZZ_FROM ?? 1);

describe('fuzz seeds', () => {
  it(`${SEEDS} seeds pass every invariant`, () => {
    const t0 = Date.now();
    const s = fuzz(FROM, SEEDS);
    console.log([...formatSummary(s), `${SEEDS} seeds in ${((Date.now() - t0) / 1000).toFixed(1)} s`].join('\n'));
    expect(s.seeds).toBe(SEEDS);
    expect(s.failed.map((f) => `seed ${f.seed}: ${f.failures[0]} (repro: pnpm dio fuzz --from ${f.seed} --seeds 1)`)).toEqual([]);
    if (SEEDS >= 1000) {
      // the invariants were exercised, not vacuously true
      const cov = s.coverage;
      for (const e of ['uring', 'uring-coop', 'uring-defer', 'uring-iopoll', 'libaio', 'sync']) expect(cov[`engine ${e}`] ?? 0).toBeGreaterThan(50);
      expect(cov['power cuts'] ?? 0).toBeGreaterThan(100);
      expect(cov['cuts enumerated exhaustively'] ?? 0).toBeGreaterThan(50);
      expect(cov['crash images checked'] ?? 0).toBeGreaterThan(500);
      expect(cov['runs with CQ overflow'] ?? 0).toBeGreaterThan(50);
      expect(cov['EIO completions'] ?? 0).toBeGreaterThan(10);
      expect(cov['blocks read back'] ?? 0).toBeGreaterThan(10_000);
      expect(cov['IOPOLL-reaped completions'] ?? 0).toBeGreaterThan(100);
      expect(s.deadlocksReported).toBeGreaterThan(5);
    }
  }, 900_000);

  it('the same seed reproduces the identical event sequence (trace hash)', () => {
    for (const seed of [3, 44, 81]) expect(runCase(seed).traceHash).toBe(runCase(seed).traceHash);
    expect(runCase(3).traceHash).not.toBe(runCase(4).traceHash);
    expect(fuzz(100, 20).traceHash).toBe(fuzz(100, 20).traceHash);
  });

  it('the case generator draws every dimension of the issue', () => {
    const cases = Array.from({ length: 1000 }, (_, i) => drawCase(i + 1));
    const seen = (f: (c: FuzzCase) => unknown): Set<unknown> => new Set(cases.map(f));
    expect(seen((c) => c.policy).size).toBe(3);
    expect(seen((c) => c.engine).size).toBe(6);
    expect([...seen((c) => c.qd)].sort()).toEqual([1, 16, 2, 4, 8]);
    expect(seen((c) => c.bs).size).toBe(4);
    expect(seen((c) => c.sync)).toEqual(new Set(['none', 'dsync', 'sync']));
    expect(seen((c) => c.writeCache).size).toBe(2);
    expect(seen((c) => c.fua).size).toBe(2);
    expect(seen((c) => c.layout)).toEqual(new Set(['written', 'unwritten', 'hole']));
    expect(seen((c) => c.extendShare > 0).size).toBe(2);
    expect(seen((c) => c.racer)).toEqual(new Set(['none', 'truncate', 'shrink', 'fallocate', 'fsync']));
    expect(seen((c) => c.irqmode)).toEqual(new Set(['hardirq', 'softirq', 'timer', 'none']));
    expect(seen((c) => c.badBlock).size).toBe(2);
    expect(seen((c) => c.spikes).size).toBe(2);
    expect(seen((c) => c.powerCutAt !== null && !c.writeCache).has(true)).toBe(true);
    expect(seen((c) => c.tear).size).toBe(2);
    expect(seen((c) => c.fair)).toEqual(new Set(['cfs', 'eevdf']));
    expect(seen((c) => c.scheduler)).toEqual(new Set(['none', 'mq-deadline']));
    expect(cases.some((c) => c.ringEntries < c.qd)).toBe(true);
    expect(cases.some((c) => c.selfFallocate && c.callerComp)).toBe(true);
    expect(cases.some((c) => c.selfFallocate && !c.callerComp)).toBe(true);
  });
});
