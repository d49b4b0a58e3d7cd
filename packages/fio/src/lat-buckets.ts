/**
 * fio's completion-latency distribution (io_u.c: io_u_mark_latency): counts
 * of clat in 10 nanosecond, 10 microsecond and 12 millisecond buckets,
 * labelled by their upper bound ("250" holds 100–249).
 * @module
 */

/** Bucket labels of `latency_ns` / `latency_us` (upper bounds). */
export const LAT_NU_LABELS: readonly string[] = ['2', '4', '10', '20', '50', '100', '250', '500', '750', '1000'];
/** Bucket labels of `latency_ms`. */
export const LAT_M_LABELS: readonly string[] = [...LAT_NU_LABELS, '2000', '>=2000'];

/** Counts per bucket: 10 ns, 10 µs and 12 ms buckets. */
export interface LatencyBucketCounts {
  /** io_u_lat_n: 0–999 ns. */
  readonly ns: readonly number[];
  /** io_u_lat_u: 1–999 µs. */
  readonly us: readonly number[];
  /** io_u_lat_m: 1 ms and up. */
  readonly ms: readonly number[];
}

function smallIndex(v: number): number {
  if (v >= 750) return 9;
  if (v >= 500) return 8;
  if (v >= 250) return 7;
  if (v >= 100) return 6;
  if (v >= 50) return 5;
  if (v >= 20) return 4;
  if (v >= 10) return 3;
  if (v >= 4) return 2;
  if (v >= 2) return 1;
  return 0;
}

/** Records clat samples into fio's buckets. */
export class LatencyBuckets implements LatencyBucketCounts {
  readonly ns: number[] = new Array<number>(10).fill(0);
  readonly us: number[] = new Array<number>(10).fill(0);
  readonly ms: number[] = new Array<number>(12).fill(0);

  /** io_u_mark_latency(): one completion latency in ns. */
  record(nsec: number): void {
    if (nsec < 1000) {
      const i = smallIndex(nsec);
      this.ns[i] = (this.ns[i] ?? 0) + 1;
    } else if (nsec < 1_000_000) {
      const i = smallIndex(Math.floor(nsec / 1000));
      this.us[i] = (this.us[i] ?? 0) + 1;
    } else {
      const msec = Math.floor(nsec / 1_000_000);
      const i = msec >= 2000 ? 11 : msec >= 1000 ? 10 : smallIndex(msec);
      this.ms[i] = (this.ms[i] ?? 0) + 1;
    }
  }
}
