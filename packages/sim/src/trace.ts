/**
 * Trace records. Layers emit tracepoint-named events
 * (`block_rq_issue`, `workqueue_execute_start`, `io_uring_complete`, …);
 * the engine adds scheduling events and per-CPU execution slices. Recording
 * happens only when tracing is on: callers guard with `if (sim.tracing)`, so
 * with tracing off nothing is allocated.
 * @module
 */
import type { Ns } from './time';

/** Argument values a trace record may carry. */
export type TraceArgs = Readonly<Record<string, number | string | boolean>>;

/**
 * One record. `ph` follows the Chrome trace phases: `i` instant (a
 * tracepoint), `X` a slice of CPU time, `b`/`e` an async span (one per I/O),
 * `s`/`f` a flow arrow (bio → end_io → completion).
 */
export interface TraceRecord {
  readonly ph: 'i' | 'X' | 'b' | 'e' | 's' | 'f';
  readonly ts: Ns;
  /** Duration, for `X`. */
  dur?: Ns;
  /** CPU the event happened on (-1 when not on a CPU). */
  readonly cpu: number;
  /** The context: task name, or hardirq/softirq handler name. */
  readonly ctx: string;
  /** Context kind: 'task', 'hardirq', 'softirq', or '' when not on a CPU. */
  readonly kind: string;
  readonly pid: number;
  readonly name: string;
  /** Span / flow id, for `b`/`e`/`s`/`f`. */
  readonly id?: number;
  readonly args?: TraceArgs;
}

/** Collects records in memory. */
export class Tracer {
  readonly records: TraceRecord[] = [];
  /** Last slice per CPU, so back-to-back slices of one context merge. */
  private readonly lastSlice = new Map<number, TraceRecord>();

  add(r: TraceRecord): void {
    this.records.push(r);
  }

  /** Record a CPU slice `[ts, ts+dur)` for a context, merging with an adjacent one of the same context. */
  slice(cpu: number, ctx: string, kind: string, pid: number, ts: Ns, dur: Ns): void {
    if (dur <= 0) return;
    const last = this.lastSlice.get(cpu);
    if (last !== undefined && last.pid === pid && last.ctx === ctx && last.kind === kind && last.ts + (last.dur ?? 0) === ts) {
      last.dur = (last.dur ?? 0) + dur;
      return;
    }
    const r: TraceRecord = { ph: 'X', ts, dur, cpu, ctx, kind, pid, name: kind === 'task' ? ctx : `${kind}:${ctx}` };
    this.records.push(r);
    this.lastSlice.set(cpu, r);
  }

  clear(): void {
    this.records.length = 0;
    this.lastSlice.clear();
  }
}
