/**
 * iolog.c: flush_samples() — fio's `write_lat_log` files: one line per I/O,
 * `time (ms), value (ns), direction (0 read, 1 write, 2 trim), block size,
 * [offset,] priority`, in `<prefix>_slat.<jobnum>.log`, `_clat` and `_lat`.
 * @module
 */

/** Which latency a log holds. */
export type LatLogKind = 'slat' | 'clat' | 'lat';

/** One logged I/O. */
export interface LatLogSample {
  /** ms since the job started. */
  readonly timeMs: number;
  /** The latency, ns. */
  readonly valueNs: number;
  /** 0 read, 1 write, 2 trim. */
  readonly ddir: 0 | 1 | 2;
  /** Block size, bytes. */
  readonly bs: number;
  /** File offset, bytes (printed only with `log_offset=1`). */
  readonly offset: number;
  /** 1 when the I/O had real-time priority class, else 0. */
  readonly prio: number;
}

/** Options of `formatLatLog`. */
export interface LatLogOptions {
  /** `log_offset=1`: include the offset column. */
  readonly logOffset?: boolean;
}

/**
 * iolog.c: flush_samples() — one line of a latency, bandwidth or IOPS log
 * (`%lu, %ld, %u, %llu[, %llu], %u`): time in ms, value, direction, block
 * size, the offset with `log_offset=1`, priority.
 */
export function logLine(timeMs: number, value: number, ddir: number, bs: number, offset: number, prio: number, logOffset: boolean): string {
  const head = `${Math.floor(timeMs)}, ${Math.trunc(value)}, ${ddir}, ${bs}`;
  return logOffset ? `${head}, ${offset}, ${prio}\n` : `${head}, ${prio}\n`;
}

/** The lines of a latency log (`%lu, %ld, %u, %llu[, %llu], %u`). */
export function formatLatLog(samples: readonly LatLogSample[], opts: LatLogOptions = {}): string {
  let out = '';
  for (const s of samples) out += logLine(s.timeMs, s.valueNs, s.ddir, s.bs, s.offset, s.prio, opts.logOffset === true);
  return out;
}

/**
 * The file fio writes a log to: `<prefix>_<kind>.<jobNumber>.log`, or
 * `<prefix>_<kind>.log` when `per_job_logs=0` (`kind` is `slat`, `clat`,
 * `lat`, `bw`, `iops` or `clat_hist`). `jobNumber` is 1-based across all
 * jobs (clones included).
 */
export function latLogFileName(prefix: string, kind: LatLogKind | 'bw' | 'iops' | 'clat_hist', jobNumber: number, perJobLogs = true): string {
  return perJobLogs ? `${prefix}_${kind}.${jobNumber}.log` : `${prefix}_${kind}.log`;
}
