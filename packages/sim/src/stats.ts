/**
 * Latency statistics as fio reports them: exact min / max / mean / stddev
 * (fio keeps running sums) and percentiles from an HdrHistogram (3
 * significant digits, finer than fio's own ~1% log-linear buckets).
 * @module
 */
import { build, JsHistogram, type Histogram } from 'hdr-histogram-js';

/** fio's default `percentile_list`. */
export const FIO_PERCENTILES: readonly number[] = [
  1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99,
];

/** fio prints percentile keys with `%f`: 99 → "99.000000". */
export function fioPercentileKey(p: number): string {
  return p.toFixed(6);
}

/** A summary in fio's shape (`clat_ns` etc.). `percentile` is absent when N is 0, as in fio. */
export interface LatencySummary {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly stddev: number;
  readonly N: number;
  readonly percentile?: Readonly<Record<string, number>>;
}

/**
 * fio's exact running statistics of a sample stream: count, sum, min, max,
 * and Welford's running mean and sum of squared deviations (no cancellation
 * for large, tight values). The histograms keep one beside their buckets.
 */
export class RunningMoments {
  n = 0;
  sum = 0;
  /** Welford's running mean. */
  mean = 0;
  /** Welford's sum of squared deviations from the mean. */
  m2 = 0;
  lo = Number.POSITIVE_INFINITY;
  hi = 0;

  /** Add one sample. */
  record(x: number): void {
    const n = ++this.n;
    this.sum += x;
    const d = x - this.mean;
    this.mean += d / n;
    this.m2 += d * (x - this.mean);
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;
  }

  /** Add another stream's samples (Chan et al.: combine two (n, mean, M2) triples). */
  merge(o: RunningMoments): void {
    if (o.n === 0) return;
    const n = this.n + o.n;
    const d = o.mean - this.mean;
    this.m2 += o.m2 + (d * d * this.n * o.n) / n;
    this.mean += (d * o.n) / n;
    this.n = n;
    this.sum += o.sum;
    this.lo = Math.min(this.lo, o.lo);
    this.hi = Math.max(this.hi, o.hi);
  }

  /** Forget every sample. */
  reset(): void {
    this.n = 0;
    this.sum = 0;
    this.mean = 0;
    this.m2 = 0;
    this.lo = Number.POSITIVE_INFINITY;
    this.hi = 0;
  }

  /** Smallest sample (0 when none). */
  get min(): number {
    return this.n === 0 ? 0 : this.lo;
  }

  /** Sample standard deviation, N−1 as fio divides (0 below two samples). */
  get stddev(): number {
    if (this.n < 2) return 0;
    const v = this.m2 / (this.n - 1);
    return v > 0 ? Math.sqrt(v) : 0;
  }
}

/** Records latencies in ns. */
export class LatencyHistogram {
  private h: Histogram;
  private readonly m = new RunningMoments();

  constructor() {
    this.h = LatencyHistogram.make();
  }

  private static make(): Histogram {
    return build({ useWebAssembly: false, numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1, highestTrackableValue: 2, autoResize: true });
  }

  /** Record one latency (ns, ≥ 0). */
  record(ns: number): void {
    this.m.record(ns);
    this.h.recordValue(ns < 1 ? 1 : ns);
  }

  get count(): number {
    return this.m.n;
  }
  get min(): number {
    return this.m.min;
  }
  get max(): number {
    return this.m.hi;
  }
  get mean(): number {
    return this.m.n === 0 ? 0 : this.m.sum / this.m.n;
  }
  /** Sample standard deviation (fio divides by N−1). */
  get stddev(): number {
    return this.m.stddev;
  }

  /** The value at percentile `p` (0–100). */
  percentile(p: number): number {
    return this.m.n === 0 ? 0 : this.h.getValueAtPercentile(p);
  }

  /** fio-shaped summary with the given percentile list. */
  summary(percentiles: readonly number[] = FIO_PERCENTILES): LatencySummary {
    const base = { min: this.min, max: this.max, mean: this.mean, stddev: this.stddev, N: this.m.n };
    if (this.m.n === 0) return base;
    const pct: Record<string, number> = {};
    for (const p of percentiles) pct[fioPercentileKey(p)] = this.percentile(p);
    return { ...base, percentile: pct };
  }

  /**
   * Counts per bucket: `[value, count]` pairs for every non-empty bucket, in
   * increasing value order (fio's json+ `bins`). `value` is the bucket's
   * highest equivalent value, as `percentile()` reports.
   */
  bins(): [number, number][] {
    const out: [number, number][] = [];
    if (this.m.n === 0) return out;
    const h = this.h;
    if (!(h instanceof JsHistogram)) throw new Error('LatencyHistogram.bins: unexpected histogram implementation');
    const it = h.recordedValuesIterator;
    it.reset();
    while (it.hasNext()) {
      const v = it.next();
      if (v.countAddedInThisIterationStep > 0) out.push([h.highestEquivalentValue(v.valueIteratedTo), v.countAddedInThisIterationStep]);
    }
    return out;
  }

  /** Add another histogram's samples. */
  merge(o: LatencyHistogram): void {
    if (o.m.n === 0) return;
    this.h.add(o.h);
    this.m.merge(o.m);
  }

  reset(): void {
    this.h = LatencyHistogram.make();
    this.m.reset();
  }
}
