/**
 * fio's latency target (io_u.c: lat_target_init(), lat_target_check(),
 * lat_target_success(), __lat_target_failed()): the job starts at queue depth
 * 1 and, every latency_window, doubles its depth while latency_percentile %
 * of its I/Os complete within latency_target, bisects down when they do not,
 * and once the depth stops moving runs one last window at it (with fresh
 * statistics) and ends. With latency_percentile=100 one late I/O is a
 * failure at once, and a late I/O at depth 1 ends the job with ETIMEDOUT.
 * @module
 */
import type { JobFields } from '../draft';
import { def, type OptionDef } from '../option-def';
import { zParsed } from '../schemas';
import { parseTimeNs, type Parsed } from '../units';

/** `latency_target`, `latency_window`, `latency_percentile`. */
export interface FioLatencyTarget {
  /** latency_target in ns (0 = off). */
  readonly targetNs: number;
  /** latency_window in ns. */
  readonly windowNs: number;
  /** latency_percentile (default 100). */
  readonly percentile: number;
}

/** fio's defaults. */
export const DEFAULT_LATENCY_TARGET: FioLatencyTarget = { targetNs: 0, windowNs: 0, percentile: 100 };

function setLt(f: JobFields, patch: Partial<FioLatencyTarget>): void {
  f.latencyTarget = { ...f.latencyTarget, ...patch };
}

function parsePercent(s: string): Parsed<number> {
  const v = Number(s.trim().replace(/%$/, ''));
  return s.trim() !== '' && Number.isFinite(v) && v >= 0 && v <= 100 ? { ok: true, value: v } : { ok: false, error: `'${s}' is not a percentage between 0 and 100` };
}

/** The option definitions (times in µs when no unit is given, as fio). */
export const LATENCY_TARGET_OPTION_DEFS: readonly OptionDef[] = [
  def('latency_target', () => zParsed((s) => parseTimeNs(s, 'us')), (f, v) => setLt(f, { targetNs: v })),
  def('latency_window', () => zParsed((s) => parseTimeNs(s, 'us')), (f, v) => setLt(f, { windowNs: v })),
  def('latency_percentile', () => zParsed(parsePercent), (f, v) => setLt(f, { percentile: v })),
];

/** fio's ETIMEDOUT: a late I/O at depth 1 with latency_percentile=100. */
export const ETIMEDOUT = 110;

/** What the backend must do after a latency-target step. */
export type LatAction = 'none' | 'quiesce' | 'final' | 'fatal';

/** One job's depth search (td->latency_qd, _low, _high, ...). */
export class LatTarget {
  /** td->latency_qd: the depth the job may use now. */
  qd = 1;
  private high: number;
  private low = 1;
  private ts: number;
  private ios: number;
  private failed = 0;
  /** td->latency_end_run: the last window, at the depth found. */
  endRun = false;
  /** td->done: the search is over and the last window has run. */
  done = false;

  constructor(
    private readonly o: FioLatencyTarget,
    private readonly iodepth: number,
    now: number,
  ) {
    this.high = iodepth;
    this.ts = now;
    this.ios = 0;
  }

  // io_u.c: lat_new_cycle()
  private newCycle(now: number, ios: number): void {
    this.ts = now;
    this.ios = ios;
    this.failed = 0;
  }

  // io_u.c: __lat_target_failed(): false when already at depth 1 (fatal)
  private rampDown(now: number, ios: number): LatAction {
    if (this.qd === 1) return 'fatal';
    this.high = this.qd;
    if (this.qd === this.low) this.low--;
    this.qd = Math.floor((this.qd + this.low) / 2);
    this.newCycle(now, ios);
    return 'quiesce';
  }

  // io_u.c: io_completed(): a completion slower than latency_target
  /** An I/O completed with total latency `latNs`. */
  completed(latNs: number, now: number, ios: number): LatAction {
    if (latNs <= this.o.targetNs) return 'none';
    // lat_target_failed(): at 100 % a single late I/O fails the window
    if (this.o.percentile === 100) return this.rampDown(now, ios);
    this.failed++;
    return 'none';
  }

  // io_u.c: lat_target_check()
  /** The window check, with `ios` I/Os completed so far. */
  check(now: number, ios: number): LatAction {
    if (now - this.ts < this.o.windowNs) return 'none';
    const n = ios - this.ios;
    const success = n > 0 ? ((n - this.failed) / n) * 100 : 100;
    if (success >= this.o.percentile) return this.success(now, ios);
    const a = this.rampDown(now, ios);
    return a === 'fatal' ? 'none' : a;
  }

  // io_u.c: lat_target_success()
  private success(now: number, ios: number): LatAction {
    const qd = this.qd;
    this.low = this.qd;
    // double until a depth fails, then bisect between the last success and the failure
    if (this.high !== this.iodepth) this.qd = Math.floor((this.qd + this.high) / 2);
    else this.qd *= 2;
    if (this.qd > this.iodepth) this.qd = this.iodepth;
    let action: LatAction = 'none';
    if (this.qd === qd) {
      if (this.endRun) this.done = true;
      else {
        this.endRun = true;
        action = 'final';
      }
    }
    this.newCycle(now, action === 'final' ? 0 : ios);
    return action;
  }
}
