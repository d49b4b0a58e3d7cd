/**
 * fio's struct io_stat: running min / max / mean / variance of samples
 * (Welford), as fio keeps for bandwidth and IOPS per averaging interval.
 * @module
 */

/** What fio's calc_lat() reads from an io_stat. */
export interface SampleSummary {
  /** Number of samples. */
  readonly samples: number;
  /** Smallest sample (0 when none). */
  readonly min: number;
  /** Largest sample (0 when none). */
  readonly max: number;
  /** Mean (0 when none). */
  readonly mean: number;
  /** Sample standard deviation, N−1 (0 when fewer than 2). */
  readonly stddev: number;
}

/** stat.c: add_stat_sample() — records samples and summarizes them as fio does. */
export class IoStat implements SampleSummary {
  private n = 0;
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;
  private m = 0;
  private s = 0;

  /** Records one sample. */
  record(v: number): void {
    this.n++;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
    const delta = v - this.m;
    this.m += delta / this.n;
    this.s += delta * (v - this.m);
  }

  /**
   * stat.c: sum_stat(…, pure_sum=true) — how fio merges the bandwidth and
   * IOPS stats of a reporting group: the first member's are taken as they
   * are, later members' min, max, mean, squared-deviation sum and sample
   * count add on (the group's rate is the sum of its jobs' rates). Checked
   * against fio 3.33: two jobs whose bw logs hold 6 samples each (min 43248
   * and 43664, max 50880 and 50976) report bw_min 86912, bw_max 101856,
   * bw_mean the sum of the means, bw_samples 12, bw_dev √((S₁+S₂)/11).
   */
  sumMerge(o: IoStat): void {
    if (o.n === 0) return;
    const first = this.n === 0;
    this.lo = first ? o.lo : this.lo + o.lo;
    this.hi = first ? o.hi : this.hi + o.hi;
    this.m = first ? o.m : this.m + o.m;
    this.s = first ? o.s : this.s + o.s;
    this.n += o.n;
  }

  /** Number of samples. */
  get samples(): number {
    return this.n;
  }
  /** Smallest sample (0 when none). */
  get min(): number {
    return this.n === 0 ? 0 : this.lo;
  }
  /** Largest sample (0 when none). */
  get max(): number {
    return this.n === 0 ? 0 : this.hi;
  }
  /** Mean (0 when none). */
  get mean(): number {
    return this.m;
  }
  /** Sample standard deviation (N−1), 0 below two samples. */
  get stddev(): number {
    return this.n < 2 ? 0 : Math.sqrt(this.s / (this.n - 1));
  }
}
