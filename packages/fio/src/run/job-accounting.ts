/**
 * fio's completion accounting for one job (io_u.c: io_completed() /
 * account_io_completion(), stat.c: add_*_sample()): slat, clat and lat per
 * direction, the depth histograms, bandwidth and IOPS samples, the logs,
 * the verify check of a read back, and the latency target's verdicts.
 * @module
 */
import type { Simulator } from '@dio/sim';
import type { FioJob } from '../job';
import type { RecordingDirection, RecordingJobResult } from '../recording';
import type { JobData } from '../data/job-data';
import { ETIMEDOUT, type LatAction, type LatTarget } from '../pace/lat-target';
import type { IoU } from './io-u';
import type { JobLogger, LogDdir } from './job-logger';
import type { RunControl } from './run-control';

/** fio's bw_avg_time / iops_avg_time default: one bandwidth and IOPS sample per 500 ms. */
const AVG_TIME_NS = 500_000_000;

/** What fio reports with a verify failure's EILSEQ (td_verror() in io_u_sync_complete() / io_u_queued_complete()). */
const VERIFY_ERROR_SYNC = 'file:io_u.c:2152, func=io_u_sync_complete, error=Invalid or incomplete multibyte or wide character';
const VERIFY_ERROR_QUEUED = 'file:io_u.c:2190, func=io_u_queued_complete, error=Invalid or incomplete multibyte or wide character';

/** What the accounting of a job reads. */
export interface AccountingEnv {
  readonly sim: Simulator;
  readonly job: FioJob;
  readonly res: RecordingJobResult;
  readonly logs: JobLogger | null;
  readonly data: JobData;
  readonly ctl: RunControl;
  readonly lt: LatTarget | null;
  /** The job's files' names (for messages). */
  readonly paths: readonly string[];
  /** FIO_SYNCIO: which verify error text fio prints. */
  readonly syncIo: boolean;
  /** Whether slat is recorded (not for FIO_SYNCIO engines, nor io_uring sqthread_poll). */
  readonly recordSlat: boolean;
  /** The job's start, the end of its ramp time, and the end of its runtime (ns). */
  readonly start: number;
  readonly rampEnd: number;
  readonly end: number;
}

/** One job's statistics as its I/Os are submitted and complete. */
export class JobAccounting {
  /** Completed reads and writes (fio's io_blocks / this_io_bytes), for thinktime and rate_min. */
  readonly doneIos = [0, 0];
  readonly doneBytes = [0, 0];
  /** Set when a read back fails verify: the job ends (td_verror()). */
  verifyFailed = false;
  /** verify_io_u()'s user time, owed by completions (a plain call) and yielded after the reap. */
  checkNs = 0;
  /** The latency target's pending verdict. */
  ltAction: LatAction = 'none';
  // per direction (0 read, 1 write): bytes and I/Os in the current averaging window
  private readonly winBytes = [0, 0];
  private readonly winIos = [0, 0];
  private readonly bwAvgNs: number;
  private readonly iopsAvgNs: number;
  private readonly bwPerIo: boolean;
  private readonly iopsPerIo: boolean;
  private nextBw: number;
  private nextIops: number;
  private readonly doesRead: boolean;
  private readonly doesWrite: boolean;

  constructor(private readonly e: AccountingEnv) {
    const { job, logs, rampEnd } = e;
    // bw_avg_time / iops_avg_time: log_avg_msec when that log is written; a log
    // without log_avg_msec takes one sample per I/O instead (per_unit_log())
    const bwLog = logs?.has('bw') === true;
    const iopsLog = logs?.has('iops') === true;
    this.bwAvgNs = bwLog && job.logAvgMsec > 0 ? job.logAvgMsec * 1e6 : AVG_TIME_NS;
    this.iopsAvgNs = iopsLog && job.logAvgMsec > 0 ? job.logAvgMsec * 1e6 : AVG_TIME_NS;
    this.bwPerIo = bwLog && job.logAvgMsec === 0;
    this.iopsPerIo = iopsLog && job.logAvgMsec === 0;
    this.nextBw = this.bwPerIo ? Number.POSITIVE_INFINITY : rampEnd + this.bwAvgNs;
    this.nextIops = this.iopsPerIo ? Number.POSITIVE_INFINITY : rampEnd + this.iopsAvgNs;
    this.doesRead = job.rw !== 'write' && job.rw !== 'randwrite';
    this.doesWrite = job.rw !== 'read' && job.rw !== 'randread';
  }

  /** Completed I/Os, both directions. */
  get completed(): number {
    return (this.doneIos[0] as number) + (this.doneIos[1] as number);
  }

  /** Completed I/Os and bytes, both directions (steady state's input). */
  counts(): readonly [number, number] {
    return [this.completed, (this.doneBytes[0] as number) + (this.doneBytes[1] as number)];
  }

  /** reset_all_stats() + reset_io_stats(): the counters and the open windows start over. */
  resetCounts(): void {
    this.doneIos[0] = this.doneIos[1] = 0;
    this.doneBytes[0] = this.doneBytes[1] = 0;
    this.winBytes[0] = this.winBytes[1] = 0;
    this.winIos[0] = this.winIos[1] = 0;
  }

  /** The user ns owed for verify checks since the last call. */
  takeCheckNs(): number {
    const ns = this.checkNs;
    this.checkNs = 0;
    return ns;
  }

  private dirOf(io: IoU): RecordingDirection {
    return io.ddir === 'read' ? this.e.res.read : this.e.res.write;
  }

  // stat.c: __add_samples() — one sample per direction the job does each
  // interval; a log with log_avg_msec gets the interval's rate where it moved
  private addSamples(at: number, avgNs: number, win: number[], kind: 'bw' | 'iops'): void {
    const { res, logs, rampEnd, start } = this.e;
    const secs = avgNs / 1e9;
    const ms = avgNs / 1e6;
    if (at > rampEnd) {
      for (const w of [0, 1] as const) {
        if (w === 0 ? !this.doesRead : !this.doesWrite) continue;
        const amount = win[w] as number;
        const d = w === 0 ? res.read : res.write;
        if (kind === 'bw') d.bw.record(amount / 1024 / secs);
        else d.iops.record(amount / secs);
        if (logs !== null && amount > 0) logs.sample(kind, at - start, w, 0, 0, kind === 'bw' ? Math.floor(Math.floor((amount * 1000) / ms) / 1024) : Math.floor((amount * 1000) / ms));
      }
    }
    win[0] = win[1] = 0;
  }

  /** The bandwidth and IOPS samples due by `now`. */
  sample(now: number): void {
    const end = this.e.end;
    while (now >= this.nextBw && this.nextBw <= end) {
      this.addSamples(this.nextBw, this.bwAvgNs, this.winBytes, 'bw');
      this.nextBw += this.bwAvgNs;
    }
    while (now >= this.nextIops && this.nextIops <= end) {
      this.addSamples(this.nextIops, this.iopsAvgNs, this.winIos, 'iops');
      this.nextIops += this.iopsAvgNs;
    }
  }

  // io_u.c: io_completed() / account_io_completion()
  /** `io` completed at `now` (the queue has already taken it back). */
  complete(io: IoU, now: number): void {
    const { res, data, ctl, job, lt, logs, start, rampEnd } = this.e;
    if (io.ddir === 'read' && io.res === io.len && data.checks(io)) {
      // verify.c: verify_io_u() as the read's end_io
      const v = data.check(io, io.startTime - start);
      this.checkNs += data.checkNs(io.len);
      res.messages.push(...v.messages);
      if (v.error !== 0 && !this.verifyFailed) {
        this.verifyFailed = true;
        if (res.error === 0) {
          res.error = v.error;
          res.errorText = this.e.syncIo ? VERIFY_ERROR_SYNC : VERIFY_ERROR_QUEUED;
        }
        if (job.pace.exitallOnError) ctl.stopped = true;
      }
    }
    // io_u.c: io_completed() accounts only once ramp_time is over; I/Os still
    // in flight at the end are reaped by cleanup_pending_aio() and count, as in fio
    if (now < rampEnd) return;
    if (io.ddir === 'sync') {
      res.sync.totalIos++;
      res.sync.lat.record(now - io.issueTime);
      return;
    }
    const d = this.dirOf(io);
    if (io.res < 0) {
      if (res.error === 0) res.error = -io.res;
      if (job.pace.exitallOnError) ctl.stopped = true;
      return;
    }
    const w0 = io.ddir === 'read' ? 0 : 1;
    (this.doneIos[w0] as number)++;
    (this.doneBytes[w0] as number) += io.res;
    if (io.res < io.len) d.shortIos++;
    const clat = now - io.issueTime;
    const lat = now - io.startTime;
    if (lt !== null) {
      const a = lt.completed(lat, now, this.completed);
      if (a === 'fatal' && res.error === 0) {
        // io_u.c: lat_fatal()
        res.messages.push(`fio: latency of ${lat} nsec exceeds specified max (${job.latencyTarget.targetNs} nsec): ${this.e.paths[io.fileIndex] ?? ''} ${io.ddir} ${io.offset} ${io.len}`);
        res.error = ETIMEDOUT;
        res.errorText = 'file:io_u.c:1432, func=max latency exceeded, error=Connection timed out';
      } else if (a !== 'none') this.ltAction = a;
    }
    d.clat.record(clat);
    d.lat.record(lat);
    res.latency.record(clat);
    d.totalIos++;
    d.ioBytes += io.res;
    const w: LogDdir = io.ddir === 'read' ? 0 : 1;
    (this.winBytes[w] as number) += io.res;
    (this.winIos[w] as number)++;
    if (logs !== null) {
      const t = now - start;
      logs.sample('clat', t, w, io.len, io.offset, clat);
      logs.sample('lat', t, w, io.len, io.offset, lat);
      // stat.c: add_bw_sample() / add_iops_sample() for a log without log_avg_msec: this I/O's rate
      if (this.bwPerIo) {
        const rate = clat > 0 ? Math.floor((io.res * 1e6) / clat) : 0;
        d.bw.record(rate);
        logs.sample('bw', t, w, io.len, io.offset, rate);
      }
      if (this.iopsPerIo) {
        d.iops.record(1);
        logs.sample('iops', t, w, io.len, io.offset, 1);
      }
      logs.histSample(t, w, io.len, d.clat);
    }
  }

  /** `list` was handed to the kernel: the submit histogram and slat. */
  submitted(list: readonly IoU[]): void {
    const { sim, res, logs, rampEnd, start } = this.e;
    if (list.length === 0) return;
    if (sim.now >= rampEnd) res.depth.markSubmit(list.length);
    if (!this.e.recordSlat) return;
    for (const io of list) {
      if (io.issueTime < rampEnd || io.ddir === 'sync') continue;
      const slat = io.issueTime - io.startTime;
      this.dirOf(io).slat.record(slat);
      if (logs !== null) logs.sample('slat', io.issueTime - start, io.ddir === 'read' ? 0 : 1, io.len, io.offset, slat);
    }
  }
}
