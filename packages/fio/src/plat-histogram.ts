/**
 * fio's latency histogram (stat.h FIO_IO_U_PLAT_*, stat.c plat_val_to_idx(),
 * plat_idx_to_val(), calc_clat_percentiles()): 29 groups of 64 log-linear
 * buckets over ns values, each bucket at most 1/64 wide relative to its
 * value. Percentiles and json+ `bins` are bucket values, exactly as fio
 * reports them (e.g. a p99 of 173056 ns, never 173011), and recording is a
 * few integer operations. min / max / mean / stddev are exact running
 * values (fio's add_stat_sample()).
 * @module
 */
import { RunningMoments } from '@dio/sim';
import type { LatencySource } from './result';

/** FIO_IO_U_PLAT_BITS: bits of a sample kept exactly (the rest is the bucket's error). */
export const FIO_IO_U_PLAT_BITS = 6;
/** FIO_IO_U_PLAT_VAL: buckets per group. */
export const FIO_IO_U_PLAT_VAL = 1 << FIO_IO_U_PLAT_BITS;
/** FIO_IO_U_PLAT_GROUP_NR: groups. */
export const FIO_IO_U_PLAT_GROUP_NR = 29;
/** FIO_IO_U_PLAT_NR: buckets. */
export const FIO_IO_U_PLAT_NR = FIO_IO_U_PLAT_GROUP_NR * FIO_IO_U_PLAT_VAL;

/** stat.c: plat_val_to_idx() — the bucket of a sample (ns, ≥ 0). */
export function platValToIdx(val: number): number {
  if (val < FIO_IO_U_PLAT_VAL << 1) return val < 0 ? 0 : Math.floor(val);
  if (val < 0x8000_0000) {
    // the common case (under 2.1 s) in 32-bit integer operations
    const x = val | 0;
    const errorBits = 31 - Math.clz32(x) - FIO_IO_U_PLAT_BITS;
    return ((errorBits + 1) << FIO_IO_U_PLAT_BITS) + ((x >> errorBits) & (FIO_IO_U_PLAT_VAL - 1));
  }
  const v = Math.floor(val);
  // msb of v (v may exceed 2^32: ns up to days)
  const msb = v < 0x1_0000_0000 ? 31 - Math.clz32(v) : 32 + 31 - Math.clz32(Math.floor(v / 0x1_0000_0000));
  if (msb <= FIO_IO_U_PLAT_BITS) return v;
  const errorBits = msb - FIO_IO_U_PLAT_BITS;
  const base = (errorBits + 1) << FIO_IO_U_PLAT_BITS;
  const offset = (FIO_IO_U_PLAT_VAL - 1) & Math.floor(v / 2 ** errorBits);
  return Math.min(base + offset, FIO_IO_U_PLAT_NR - 1);
}

/** stat.c: plat_idx_to_val() — the value fio reports for a bucket (its middle). */
export function platIdxToVal(idx: number): number {
  if (idx < FIO_IO_U_PLAT_VAL << 1) return idx;
  const errorBits = (idx >> FIO_IO_U_PLAT_BITS) - 1;
  const base = 2 ** (errorBits + FIO_IO_U_PLAT_BITS);
  const k = idx % FIO_IO_U_PLAT_VAL;
  return Math.floor(base + (k + 0.5) * 2 ** errorBits);
}

/** Latency samples (ns) in fio's histogram, with exact running min / max / mean / stddev. */
export class PlatHistogram implements LatencySource {
  private readonly plat = new Float64Array(FIO_IO_U_PLAT_NR);
  private readonly m = new RunningMoments();

  /** stat.c: add_lat_sample() / add_clat_sample() — one sample, ns. */
  record(ns: number): void {
    this.m.record(ns);
    (this.plat[platValToIdx(ns)] as number)++;
  }

  /** stat.c: sum_thread_stats() — adds `o`'s samples (histogram and moments) to this one. */
  merge(o: PlatHistogram): void {
    this.m.merge(o.m);
    for (let i = 0; i < FIO_IO_U_PLAT_NR; i++) (this.plat[i] as number) += o.plat[i] as number;
  }

  /** Number of samples (fio's N). */
  get count(): number {
    return this.m.n;
  }
  /** Smallest sample (0 when none). */
  get min(): number {
    return this.m.min;
  }
  /** Largest sample (0 when none). */
  get max(): number {
    return this.m.hi;
  }
  /** Mean (0 when none). */
  get mean(): number {
    return this.m.mean;
  }
  /** Sample standard deviation, N−1 (0 below two samples). */
  get stddev(): number {
    return this.m.stddev;
  }

  /** calc_clat_percentiles() for one entry: the value of the first bucket where the running count reaches p% of N. */
  percentile(p: number): number {
    if (this.m.n === 0) return 0;
    const want = (p / 100) * this.m.n;
    let sum = 0;
    for (let i = 0; i < FIO_IO_U_PLAT_NR; i++) {
      sum += this.plat[i] as number;
      if (sum >= want) return platIdxToVal(i);
    }
    return platIdxToVal(FIO_IO_U_PLAT_NR - 1);
  }

  /** A copy of the bucket counts (FIO_IO_U_PLAT_NR of them), for histogram logs. */
  counts(): Float64Array {
    return this.plat.slice();
  }

  /** json+ `bins`: `[plat_idx_to_val(i), count]` for every non-empty bucket, in order. */
  bins(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < FIO_IO_U_PLAT_NR; i++) {
      const c = this.plat[i] as number;
      if (c > 0) out.push([platIdxToVal(i), c]);
    }
    return out;
  }
}
