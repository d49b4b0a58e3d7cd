/**
 * iolog.c / stat.c: fio's per-job log files — `write_lat_log` (slat, clat,
 * lat), `write_bw_log`, `write_iops_log` and `write_hist_log` — in fio
 * 3.33's formats, with `log_avg_msec` windows (mean or `log_max_value`
 * maximum), `log_offset`, `per_job_logs` and `log_hist_msec` /
 * `log_hist_coarseness`. Times are ms since the job started.
 * @module
 */
import type { FioJob } from '../job';
import { latLogFileName, logLine, type LatLogKind } from '../lat-log';
import { FIO_IO_U_PLAT_NR, type PlatHistogram } from '../plat-histogram';
import { type LogOpener, LogOut } from './log-sink';

/** The logs that hold one value per line. */
export type LogKind = LatLogKind | 'bw' | 'iops';

/** 0 read, 1 write (fio's DDIR_READ / DDIR_WRITE). */
export type LogDdir = 0 | 1;

/** stat.c: struct io_stat of a log's averaging window (avg_window[ddir]) and avg_last[ddir]. */
interface Window {
  n: number;
  mean: number;
  max: number;
  last: number;
}

/** What each log is called in messages (an unwritable path, …). */
const LOG_WHAT: Readonly<Record<LogKind, string>> = { slat: 'latency log', clat: 'latency log', lat: 'latency log', bw: 'bandwidth log', iops: 'IOPS log' };

/** A log file: its path, its text, and what it is (`latency log`, …). */
export type LogFile = readonly [path: string, text: string, what: string];

interface ValueLog {
  readonly out: LogOut;
  readonly windows: readonly [Window, Window];
}

const newWindow = (): Window => ({ n: 0, mean: 0, max: 0, last: 0 });

/**
 * The logs one job (clone) writes; `jobNumber` is fio's 1-based thread
 * number. With `open`, each log streams to its file as the job runs
 * (bounded memory); without, the lines are kept for `files()`.
 */
export class JobLogger {
  private readonly logs = new Map<LogKind, ValueLog>();
  private readonly hist: { readonly out: LogOut; readonly last: [number, number]; readonly before: [Float64Array, Float64Array] } | undefined;
  private readonly avgMsec: number;
  private readonly logMax: boolean;
  private readonly logOffset: boolean;
  private readonly histMsec: number;
  private readonly histStride: number;

  constructor(job: FioJob, jobNumber: number, open?: LogOpener) {
    this.avgMsec = job.logAvgMsec;
    this.logMax = job.logMaxValue;
    this.logOffset = job.logOffset;
    this.histMsec = job.logHistMsec;
    this.histStride = 1 << job.logHistCoarseness;
    const output = (path: string, what: string): LogOut => new LogOut(path, what, open === undefined ? null : open(path, what));
    const add = (kind: LogKind, prefix: string | undefined): void => {
      if (prefix === undefined) return;
      this.logs.set(kind, { out: output(latLogFileName(prefix, kind, jobNumber, job.perJobLogs), LOG_WHAT[kind]), windows: [newWindow(), newWindow()] });
    };
    for (const kind of ['slat', 'clat', 'lat'] as const) add(kind, job.writeLatLog);
    add('bw', job.writeBwLog);
    add('iops', job.writeIopsLog);
    this.hist = job.writeHistLog === undefined ? undefined : {
      out: output(latLogFileName(job.writeHistLog, 'clat_hist', jobNumber, job.perJobLogs), 'histogram log'),
      last: [0, 0],
      before: [new Float64Array(FIO_IO_U_PLAT_NR), new Float64Array(FIO_IO_U_PLAT_NR)],
    };
  }

  /** Whether `kind` is logged. */
  has(kind: LogKind): boolean {
    return this.logs.has(kind);
  }

  /**
   * stat.c: add_log_sample() — one value at `tNs`: a line of its own, or,
   * with `log_avg_msec`, into the direction's window, which becomes a line
   * (mean rounded, or maximum; block size and offset 0) once it spans
   * `log_avg_msec`.
   */
  sample(kind: LogKind, tNs: number, ddir: LogDdir, bs: number, offset: number, value: number): void {
    const log = this.logs.get(kind);
    if (log === undefined) return;
    const elapsed = Math.floor(tNs / 1e6);
    if (this.avgMsec === 0) {
      log.out.push(logLine(elapsed, value, ddir, bs, offset, 0, this.logOffset));
      return;
    }
    const w = log.windows[ddir];
    w.n++;
    w.mean += (value - w.mean) / w.n;
    if (value > w.max) w.max = value;
    if (elapsed - w.last < this.avgMsec) return;
    this.flushWindow(log, ddir, elapsed);
    w.last = elapsed - (elapsed % this.avgMsec);
  }

  /** stat.c: __add_stat_to_log() — the window as one line, if it holds samples. */
  private flushWindow(log: ValueLog, ddir: LogDdir, elapsed: number): void {
    const w = log.windows[ddir];
    if (w.n > 0) log.out.push(logLine(elapsed, this.logMax ? w.max : Math.floor(w.mean + 0.5), ddir, 0, 0, 0, this.logOffset));
    w.n = 0;
    w.mean = 0;
    w.max = 0;
  }

  /**
   * stat.c: add_clat_sample() with a histogram log — after a completion at
   * `tNs`, once `log_hist_msec` has passed since the direction's last line:
   * the clat histogram's counts since that line, 2^coarseness buckets summed
   * per column (iolog.c: flush_hist_samples()).
   */
  histSample(tNs: number, ddir: LogDdir, bs: number, clat: PlatHistogram): void {
    const h = this.hist;
    if (h === undefined || this.histMsec === 0) return;
    const elapsed = Math.floor(tNs / 1e6);
    if (elapsed - h.last[ddir] < this.histMsec) return;
    const now = clat.counts();
    const before = h.before[ddir];
    const cols: number[] = [];
    for (let j = 0; j < FIO_IO_U_PLAT_NR; j += this.histStride) {
      let sum = 0;
      for (let k = j; k < j + this.histStride; k++) sum += (now[k] as number) - (before[k] as number);
      cols.push(sum);
    }
    h.out.push(`${elapsed}, ${ddir}, ${bs}, ${cols.join(', ')}\n`);
    h.before[ddir] = now;
    h.last[ddir] = elapsed;
  }

  /** iolog.c: finalize_logs() — the latency logs' open windows become lines at the job's end. */
  finish(tNs: number): void {
    if (this.avgMsec === 0) return;
    const elapsed = Math.floor(tNs / 1e6);
    for (const kind of ['clat', 'slat', 'lat'] as const) {
      const log = this.logs.get(kind);
      if (log === undefined) continue;
      this.flushWindow(log, 0, elapsed);
      this.flushWindow(log, 1, elapsed);
    }
  }

  /** Write out what each log still holds and close its file (streamed logs; once, after `finish`). */
  close(): void {
    for (const l of this.logs.values()) l.out.close();
    this.hist?.out.close();
  }

  /** The files and their text, for logs kept in memory (a histogram log without `log_hist_msec` is empty, as in fio). */
  files(): LogFile[] {
    const outs = [...[...this.logs.values()].map((l) => l.out), ...(this.hist === undefined ? [] : [this.hist.out])];
    return outs.map((o) => [o.path, o.text(), o.what]);
  }
}

/** Whether `job` writes any log. */
export function wantsLogs(job: FioJob): boolean {
  return job.writeLatLog !== undefined || job.writeBwLog !== undefined || job.writeIopsLog !== undefined || job.writeHistLog !== undefined;
}

/**
 * Every log file of a run, in job order; logs of jobs that share a file
 * name (`per_job_logs=0`) go into that one file, one job after the other.
 */
export function logFiles(loggers: readonly (JobLogger | null)[]): LogFile[] {
  const files = new Map<string, LogFile>();
  for (const l of loggers) {
    for (const [path, text, what] of l?.files() ?? []) files.set(path, [path, (files.get(path)?.[1] ?? '') + text, what]);
  }
  return [...files.values()];
}
