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

/** Records latencies in ns. */
export class LatencyHistogram {
  private h: Histogram;
  private n = 0;
  private sum = 0;
  /** Welford's running mean and sum of squared deviations (no cancellation for large, tight values). */
  private wMean = 0;
  private m2 = 0;
  private lo = Number.POSITIVE_INFINITY;
  private hi = 0;

  constructor() {
    this.h = LatencyHistogram.make();
  }

  private static make(): Histogram {
    return build({ useWebAssembly: false, numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1, highestTrackableValue: 2, autoResize: true });
  }

  /** Record one latency (ns, ≥ 0). */
  record(ns: number): void {
    this.n++;
    this.sum += ns;
    const d = ns - this.wMean;
    this.wMean += d / this.n;
    this.m2 += d * (ns - this.wMean);
    if (ns < this.lo) this.lo = ns;
    if (ns > this.hi) this.hi = ns;
    this.h.recordValue(ns < 1 ? 1 : ns);
  }

  get count(): number {
    return this.n;
  }
  get min(): number {
    return this.n === 0 ? 0 : this.lo;
  }
  get max(): number {
    return this.hi;
  }
  get mean(): number {
    return this.n === 0 ? 0 : this.sum / this.n;
  }
  /** Sample standard deviation (fio divides by N−1). */
  get stddev(): number {
    if (this.n < 2) return 0;
    const v = this.m2 / (this.n - 1);
    return v > 0 ? Math.sqrt(v) : 0;
  }

  /** The value at percentile `p` (0–100). */
  percentile(p: number): number {
    return this.n === 0 ? 0 : this.h.getValueAtPercentile(p);
  }

  /** fio-shaped summary with the given percentile list. */
  summary(percentiles: readonly number[] = FIO_PERCENTILES): LatencySummary {
    const base = { min: this.min, max: this.max, mean: this.mean, stddev: this.stddev, N: this.n };
    if (this.n === 0) return base;
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
    if (this.n === 0) return out;
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
    if (o.n === 0) return;
    this.h.add(o.h);
    // Chan et al.: combine two (n, mean, M2) triples
    const n = this.n + o.n;
    const d = o.wMean - this.wMean;
    this.m2 += o.m2 + (d * d * this.n * o.n) / n;
    this.wMean += (d * o.n) / n;
    this.n = n;
    this.sum += o.sum;
    this.lo = Math.min(this.lo, o.lo);
    this.hi = Math.max(this.hi, o.hi);
  }

  reset(): void {
    this.h = LatencyHistogram.make();
    this.n = 0;
    this.sum = 0;
    this.wMean = 0;
    this.m2 = 0;
    this.lo = Number.POSITIVE_INFINITY;
    this.hi = 0;
  }
}
