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
 * tracepoint), `X` a slice of CPU time, `B` a slice nested in a task's `X`
 * slice (a kernel function such as task_work_run; exported as a `B`/`E`
 * pair), `b`/`e` an async span (one per I/O), `s`/`f` a flow arrow
 * (bio → end_io → completion).
 */
export interface TraceRecord {
  readonly ph: 'i' | 'X' | 'B' | 'b' | 'e' | 's' | 'f';
  readonly ts: Ns;
  /** Duration, for `X` and `B`. */
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

/**
 * A kernel function running in a task, open from `Tracer.nestedBegin` to
 * `Tracer.nestedEnd`: the task's CPU time in between is drawn as `B` records
 * inside its `X` slices (one per stretch that nothing interrupted).
 */
export interface NestedSlice {
  readonly name: string;
  readonly pid: number;
  /** Shared by every record of this run; filled in by `nestedEnd`. */
  readonly args: Record<string, number | string | boolean>;
  /** The record the next adjacent stretch of CPU time extends. */
  last: TraceRecord | null;
}

/** Collects records in memory. */
export class Tracer {
  readonly records: TraceRecord[] = [];
  /** Last slice per CPU, so back-to-back slices of one context merge. */
  private readonly lastSlice = new Map<number, TraceRecord>();
  /** Open nested slices per task pid, outermost first. */
  private readonly nested = new Map<number, NestedSlice[]>();

  add(r: TraceRecord): void {
    this.records.push(r);
  }

  /** Record a CPU slice `[ts, ts+dur)` for a context, merging with an adjacent one of the same context. */
  slice(cpu: number, ctx: string, kind: string, pid: number, ts: Ns, dur: Ns): void {
    if (dur <= 0) return;
    const last = this.lastSlice.get(cpu);
    const merged = last !== undefined && last.pid === pid && last.ctx === ctx && last.kind === kind && last.ts + (last.dur ?? 0) === ts;
    if (merged) last.dur = (last.dur ?? 0) + dur;
    else {
      const r: TraceRecord = { ph: 'X', ts, dur, cpu, ctx, kind, pid, name: kind === 'task' ? ctx : `${kind}:${ctx}` };
      this.records.push(r);
      this.lastSlice.set(cpu, r);
    }
    if (kind !== 'task' || this.nested.size === 0) return;
    const open = this.nested.get(pid);
    if (open === undefined) return;
    // the same stretch of CPU time, inside each open nested slice; a stretch merges only
    // when its parent `X` did, so a nested record always lies inside one `X` slice
    for (const n of open) {
      const l = n.last;
      if (merged && l !== null && l.cpu === cpu && l.ts + (l.dur ?? 0) === ts) l.dur = (l.dur ?? 0) + dur;
      else {
        const r: TraceRecord = { ph: 'B', ts, dur, cpu, ctx, kind, pid, name: n.name, args: n.args };
        this.records.push(r);
        n.last = r;
      }
    }
  }

  /** Open a slice named `name` (a kernel function) nested in task `pid`'s CPU slices; close it with `nestedEnd`. */
  nestedBegin(pid: number, name: string): NestedSlice {
    const n: NestedSlice = { name, pid, args: {}, last: null };
    const open = this.nested.get(pid);
    if (open === undefined) this.nested.set(pid, [n]);
    else open.push(n);
    return n;
  }

  /** Close `n` (the innermost open slice of its task), setting `args` on each of its records. */
  nestedEnd(n: NestedSlice, args?: TraceArgs): void {
    const open = this.nested.get(n.pid);
    if (open === undefined || open[open.length - 1] !== n) throw new Error(`nested trace slice '${n.name}' closed out of order`);
    open.pop();
    if (open.length === 0) this.nested.delete(n.pid);
    if (args !== undefined) Object.assign(n.args, args);
  }

  clear(): void {
    this.records.length = 0;
    this.lastSlice.clear();
    this.nested.clear();
  }
}
