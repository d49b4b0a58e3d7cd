import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIO_IO_U_PLAT_NR, PlatHistogram, platIdxToVal, platValToIdx } from './plat-histogram';

const FIXTURE = JSON.parse(readFileSync(fileURLToPath(new URL('../test/fixtures/fio-3.33-randwrite-io_uring-qd4.json', import.meta.url)), 'utf8')) as {
  jobs: { write: { clat_ns: { percentile: Record<string, number> } } }[];
};

describe('fio latency histogram (FIO_IO_U_PLAT_BITS = 6)', () => {
  it('values below 128 ns are their own bucket; then 64 buckets per power of two', () => {
    for (let v = 0; v < 128; v++) expect(platValToIdx(v)).toBe(v);
    expect(platValToIdx(128)).toBe(128);
    expect(platValToIdx(129)).toBe(128);
    expect(platValToIdx(130)).toBe(129);
    expect(platValToIdx(256)).toBe(192);
    expect(platIdxToVal(128)).toBe(129); // bucket [128, 130): middle 129
    expect(platValToIdx(Number.MAX_SAFE_INTEGER)).toBe(FIO_IO_U_PLAT_NR - 1);
  });

  it('every percentile of the real fio 3.33 fixture is a bucket value (what fio prints)', () => {
    const pct = FIXTURE.jobs[0]?.write.clat_ns.percentile ?? {};
    expect(Object.keys(pct)).toHaveLength(17);
    for (const v of Object.values(pct)) expect(platIdxToVal(platValToIdx(v))).toBe(v);
  });

  it('a bucket holds its value and is at most 1/64 wide relative to it (up to 2^34 ns; fio clamps above)', () => {
    expect(platValToIdx(2 ** 34)).toBe(FIO_IO_U_PLAT_NR - 1);
    expect(platValToIdx(2 ** 34 - 1)).toBe(FIO_IO_U_PLAT_NR - 1);
    expect(platValToIdx(2 ** 33)).toBe(FIO_IO_U_PLAT_NR - 64);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 34 - 1 }), (v) => {
        const i = platValToIdx(v);
        const mid = platIdxToVal(i);
        expect(Math.abs(mid - v)).toBeLessThanOrEqual(Math.max(1, v / 128));
        expect(i).toBeGreaterThanOrEqual(0);
        expect(i).toBeLessThan(FIO_IO_U_PLAT_NR);
        if (v > 0) expect(platValToIdx(v - 1)).toBeLessThanOrEqual(i);
      }),
    );
  });

  it('percentiles follow calc_clat_percentiles(); bins list non-empty buckets; stats are exact', () => {
    const h = new PlatHistogram();
    for (let i = 1; i <= 100; i++) h.record(i * 1000);
    expect(h.count).toBe(100);
    expect(h.min).toBe(1000);
    expect(h.max).toBe(100_000);
    expect(h.mean).toBeCloseTo(50_500, 6);
    expect(h.stddev).toBeCloseTo(29_011.49, 1);
    // the 50th sample is 50000 ns: fio reports its bucket's value
    expect(h.percentile(50)).toBe(platIdxToVal(platValToIdx(50_000)));
    expect(h.percentile(100)).toBe(platIdxToVal(platValToIdx(100_000)));
    expect(h.percentile(1)).toBe(platIdxToVal(platValToIdx(1000)));
    const bins = h.bins();
    expect(bins.reduce((a, [, c]) => a + c, 0)).toBe(100);
    expect(bins.map(([v]) => v)).toEqual([...bins.map(([v]) => v)].sort((a, b) => a - b));
    expect(new PlatHistogram().percentile(99)).toBe(0);
    expect(new PlatHistogram().bins()).toEqual([]);
  });
});
