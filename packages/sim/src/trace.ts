/**
 * Trace records. Layers emit tracepoint-named events
 * (`block_rq_issue`, `workqueue_execute_start`, `io_uring_complete`, …);
 * the engine adds scheduling events and per-CPU execution slices. Recording
 * happens only when tracing is on: callers guard with `if (sim.tracing)`, so
 * with tracing off nothing is allocated.
 *
 * Records collect in `Tracer.records`, or, after `Tracer.stream(sink)`, flow
 * to a sink (a file writer) as soon as each is final, so a trace of any
 * length takes bounded memory.
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

/** Where a streaming `Tracer` hands its records (see `Tracer.stream`). */
export interface TraceSink {
  /** One record, final (its duration and arguments will not change), in the order they were recorded. */
  record(r: TraceRecord): void;
  /** The trace is complete. */
  end(): void;
}

/**
 * Records waiting in a streaming tracer before one that is still open is
 * cut short (see `Tracer.stream`): enough that no slice of a short trace is
 * ever cut, so its output is the same as from `records`.
 */
export const TRACE_MAX_PENDING = 1 << 16;

/** Collects records in memory, or streams them to a sink. */
export class Tracer {
  /** Every record so far (stays empty once `stream` was called). */
  readonly records: TraceRecord[] = [];
  /** Last slice per CPU, so back-to-back slices of one context merge. */
  private readonly lastSlice = new Map<number, TraceRecord>();
  /** Open nested slices per task pid, outermost first. */
  private readonly nested = new Map<number, NestedSlice[]>();
  /** Streaming: where final records go, and the records not final yet (from `head`), oldest first. */
  private sink: TraceSink | null = null;
  private readonly pending: TraceRecord[] = [];
  private head = 0;
  /** Streaming: open nested slices by their (shared) args object, to tell whether a `B` record is final. */
  private readonly openByArgs = new Map<object, NestedSlice>();
  /** Streaming: records that may wait before the oldest open one is cut. */
  maxPending = TRACE_MAX_PENDING;

  /**
   * Stream records to `sink` from now on instead of keeping them in
   * `records`. A record goes out once it is final: a CPU slice once the next
   * slice on its CPU starts (it can no longer grow), a nested `B` slice once
   * `nestedEnd` set its args, anything else at once, always in recording
   * order. Memory stays bounded however long the run: when more than
   * `maxPending` records wait behind one still open (a context running
   * alone on its CPU for a long time), that one goes out as it stands and
   * the next stretch of CPU time starts a new record (a nested slice cut
   * this way has no args yet). Call `finish` at the end of the run.
   */
  stream(sink: TraceSink): void {
    if (this.records.length > 0 || this.sink !== null) throw new Error('Tracer.stream: call it once, before anything is recorded');
    this.sink = sink;
  }

  /** Streaming: records recorded but not handed to the sink yet. */
  get pendingRecords(): number {
    return this.pending.length - this.head;
  }

  /** Streaming: hand every pending record to the sink and end it. */
  finish(): void {
    const sink = this.sink;
    if (sink === null) return;
    for (let i = this.head; i < this.pending.length; i++) sink.record(this.pending[i] as TraceRecord);
    this.pending.length = 0;
    this.head = 0;
    sink.end();
  }

  add(r: TraceRecord): void {
    if (this.sink === null) this.records.push(r);
    else {
      this.pending.push(r);
      this.drain(this.sink);
    }
  }

  /** Streaming: hand the final records at the head of `pending` to the sink. */
  private drain(sink: TraceSink): void {
    const q = this.pending;
    while (this.head < q.length) {
      const r = q[this.head] as TraceRecord;
      if (!this.isFinal(r)) {
        if (q.length - this.head <= this.maxPending) break;
        this.cut(r);
      }
      sink.record(r);
      this.head++;
      if (this.head >= 4096 && this.head * 2 >= q.length) {
        q.splice(0, this.head);
        this.head = 0;
      }
    }
  }

  private isFinal(r: TraceRecord): boolean {
    if (r.ph === 'X') return this.lastSlice.get(r.cpu) !== r;
    if (r.ph === 'B') return r.args === undefined || !this.openByArgs.has(r.args);
    return true;
  }

  /** Stop `r` (still open) from growing: the next stretch of its context starts a new record. */
  private cut(r: TraceRecord): void {
    if (r.ph === 'X') this.lastSlice.delete(r.cpu);
    else if (r.args !== undefined) {
      const n = this.openByArgs.get(r.args);
      if (n !== undefined && n.last === r) n.last = null;
    }
  }

  /** Record a CPU slice `[ts, ts+dur)` for a context, merging with an adjacent one of the same context. */
  slice(cpu: number, ctx: string, kind: string, pid: number, ts: Ns, dur: Ns): void {
    if (dur <= 0) return;
    const last = this.lastSlice.get(cpu);
    const merged = last !== undefined && last.pid === pid && last.ctx === ctx && last.kind === kind && last.ts + (last.dur ?? 0) === ts;
    if (merged) last.dur = (last.dur ?? 0) + dur;
    else {
      const r: TraceRecord = { ph: 'X', ts, dur, cpu, ctx, kind, pid, name: kind === 'task' ? ctx : `${kind}:${ctx}` };
      this.lastSlice.set(cpu, r);
      this.add(r);
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
        n.last = r;
        this.add(r);
      }
    }
  }

  /** Open a slice named `name` (a kernel function) nested in task `pid`'s CPU slices; close it with `nestedEnd`. */
  nestedBegin(pid: number, name: string): NestedSlice {
    const n: NestedSlice = { name, pid, args: {}, last: null };
    const open = this.nested.get(pid);
    if (open === undefined) this.nested.set(pid, [n]);
    else open.push(n);
    if (this.sink !== null) this.openByArgs.set(n.args, n);
    return n;
  }

  /** Close `n` (the innermost open slice of its task), setting `args` on each of its records. */
  nestedEnd(n: NestedSlice, args?: TraceArgs): void {
    const open = this.nested.get(n.pid);
    if (open === undefined || open[open.length - 1] !== n) throw new Error(`nested trace slice '${n.name}' closed out of order`);
    open.pop();
    if (open.length === 0) this.nested.delete(n.pid);
    if (args !== undefined) Object.assign(n.args, args);
    if (this.sink !== null) {
      this.openByArgs.delete(n.args);
      this.drain(this.sink);
    }
  }

  clear(): void {
    this.records.length = 0;
    this.lastSlice.clear();
    this.nested.clear();
    this.pending.length = 0;
    this.head = 0;
    this.openByArgs.clear();
  }
}
