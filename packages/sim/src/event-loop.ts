/**
 * The event loop under the simulator: the clocks, the one event queue ordered
 * by `(time, seq)`, `run` / `step` / `stop`, and tracepoint emission.
 *
 * Each CPU has its own clock (see docs/engine.md, "Clocks"): `now` is the
 * clock of the CPU whose code or event is running (`running`), or the time of
 * an event of no CPU. Events run in `(time, seq)` order; one for a CPU whose
 * clock has run past it runs at that CPU's clock: late, never back in time.
 * @module
 */
import { type HungTask, LivelockError, RunStopped } from './errors';
import { type ClockDomain, EventQueue, type EventFn, type EventHandle, type PoppedEvent } from './event-queue';
import { current } from './current';
import type { Ns } from './time';
import { type NestedSlice, Tracer, type TraceArgs } from './trace';

/** How `run` ended. */
export interface RunResult {
  /** 'idle': no events left; 'until': reached the time limit; 'stopped': `stop()` was called. */
  readonly reason: 'idle' | 'until' | 'stopped';
  readonly now: Ns;
  /** Events run by this call. */
  readonly events: number;
  /** Tasks in uninterruptible sleep (D) when the run ended with no events left (a hung-task report). */
  readonly hung: readonly HungTask[];
  /**
   * Tasks in interruptible sleep (S) when the run ended with no events left.
   * Nothing can wake them either (no timer or device event is pending), but
   * idle kthreads such as kworkers waiting for work are expected here; a user
   * task here (e.g. in io_uring's interruptible CQ wait) lost its wake-up.
   */
  readonly asleep: readonly HungTask[];
}

/** Default of `EventLoop.livelockSteps`. */
export const DEFAULT_LIVELOCK_STEPS = 1_000_000;
/** Steps the watchdog watches past the limit to name what spins. */
const LIVELOCK_SAMPLE = 256;

/** Clock, events and tracing: the base layer of `Simulator`, not used on its own. */
export abstract class EventLoop {
  /** Virtual time, ns. */
  now: Ns = 0;
  readonly tracer = new Tracer();
  /** True when trace records are collected. Check before building a record. */
  tracing: boolean;
  /** Events run since creation. */
  eventsRun = 0;
  /** @internal */
  protected readonly queue = new EventQueue();
  /** @internal the clocks of the CPUs (added by the simulator as it makes them) */
  protected readonly domains: ClockDomain[] = [];
  /** @internal the CPU whose clock `now` is, or null (an event of no CPU, or outside `run`) */
  protected running: ClockDomain | null = null;
  /** @internal */
  protected stopped = false;
  /** @internal The time run() may not pass (run-ahead stops there). */
  protected limit = Number.POSITIVE_INFINITY;
  /** @internal True while an event callback runs (from `run` or `step`). */
  protected inEvent = false;
  /** @internal Engine work an event callback left for right after it returns (see `afterEvent`). */
  protected afterEventPending = false;
  /**
   * The livelock watchdog's limit: this many steps (events, generator steps,
   * zero-cost charges) in a row at the same `now` throw a `LivelockError`.
   */
  livelockSteps = DEFAULT_LIVELOCK_STEPS;
  /** @internal The watchdog: the `now` it counts steps at, how many, and what spun past the limit. */
  private spinAt = -1;
  private spinSteps = 0;
  private spinSeen: Set<string> | null = null;
  /** @internal The callback of the event running (for the watchdog's message). */
  private eventFn: EventFn | null = null;

  constructor(tracing: boolean) {
    this.tracing = tracing;
  }

  /** Tasks in uninterruptible sleep (state D), with what they wait on. */
  abstract hungTasks(): HungTask[];
  /** Tasks in interruptible sleep (state S), with what they wait on. */
  abstract sleepingTasks(): HungTask[];

  // ---- events -------------------------------------------------------------

  /**
   * Run `fn(arg)` at absolute time `t` (an integer ns, ≥ now). The event
   * belongs to the CPU whose code (or event) schedules it — a device
   * finishing a request a CPU submitted, a timer it armed — so it is taken
   * at its exact time even while that CPU runs ahead; from outside simulated
   * code it belongs to no CPU.
   */
  at(t: Ns, fn: EventFn, arg?: unknown): EventHandle {
    if (!Number.isSafeInteger(t)) throw new RangeError(`event at ${t}: time must be an integer number of ns`);
    if (t < this.now) throw new RangeError(`event at ${t} is in the past (now ${this.now})`);
    return this.queue.push(t, fn, arg, this.running);
  }

  /** Run `fn(arg)` after `dt` ns (an integer, ≥ 0); see `at`. */
  after(dt: Ns, fn: EventFn, arg?: unknown): EventHandle {
    if (!(dt >= 0) || !Number.isSafeInteger(dt)) throw new RangeError(`after(${dt}): delay must be an integer number of ns >= 0`);
    return this.queue.push(this.now + dt, fn, arg, this.running);
  }

  /** Cancel a pending event; false if it already ran or was cancelled. */
  cancel(h: EventHandle): boolean {
    return this.queue.cancel(h);
  }

  /** Time of the next event, or undefined if none. */
  peek(): Ns | undefined {
    return this.queue.peekTime();
  }

  /** Pending events. */
  get pendingEvents(): number {
    return this.queue.size;
  }

  /** Run one event. Returns false when there was none. */
  step(): boolean {
    const e = this.queue.pop();
    if (e === undefined) return false;
    try {
      this.runTop(e);
    } catch (err) {
      if (!(err instanceof RunStopped)) throw err;
    }
    this.running = null;
    return true;
  }

  /** Run an event from the top of the loop, on its CPU's clock (at the event's time, or later if that CPU ran past it). */
  private runTop(e: PoppedEvent): void {
    this.switchClock(e.domain, e.time);
    this.eventsRun++;
    this.runEvent(e.fn, e.arg);
    const d = this.running;
    if (d !== null) d.clock = this.now;
  }

  /**
   * Run on `d`'s clock (a CPU's, or none) from time `t`: save the clock
   * running now into its domain, then `now` is `t`, or `d`'s clock if that
   * has run past it. Pair with `restoreClock`.
   */
  protected switchClock(d: ClockDomain | null, t: Ns): void {
    const r = this.running;
    if (r !== null) r.clock = this.now;
    this.running = d;
    this.now = d !== null && d.clock > t ? d.clock : t;
  }

  /**
   * Back to `prev`'s clock after `switchClock`: save the one running into
   * its domain, then `now` is `prevNow`, or `prev`'s clock if work nested
   * in between moved it on.
   */
  protected restoreClock(prev: ClockDomain | null, prevNow: Ns): void {
    const d = this.running;
    if (d !== null) d.clock = this.now;
    this.running = prev;
    this.now = prev !== null && prev.clock > prevNow ? prev.clock : prevNow;
  }

  /** Call an event's callback, then the engine work it left for after it. */
  private runEvent(fn: EventFn, arg: unknown): void {
    this.inEvent = true;
    this.eventFn = fn;
    try {
      this.spinCheck();
      fn(arg);
    } finally {
      this.inEvent = false;
      this.eventFn = null;
    }
    if (this.afterEventPending) this.afterEvent();
  }

  /**
   * Engine work an event callback asked for (`afterEventPending`), run once
   * the callback has returned, at the same `now`, before any other event:
   * e.g. entering an interrupt the callback raised, which may then run ahead
   * because nothing else in that callback can still act at `now`.
   */
  protected afterEvent(): void {
    this.afterEventPending = false;
  }

  /** Run events until none are left, `until` is reached, or `stop()` is called. */
  run(opts: { until?: Ns } = {}): RunResult {
    const until = opts.until ?? Number.POSITIVE_INFINITY;
    const start = this.eventsRun;
    this.stopped = false;
    this.limit = until;
    const q = this.queue;
    for (;;) {
      if (this.stopped) return this.result('stopped', start);
      const t = q.peekTime();
      if (t === undefined) return this.result('idle', start);
      if (t > until) {
        this.running = null;
        this.now = until;
        return this.result('until', start);
      }
      try {
        this.runTop(q.pop() as PoppedEvent);
      } catch (e) {
        if (e instanceof RunStopped) return this.result('stopped', start);
        // an error (a DeadlockError, a SoftLockupError) thrown from work nested in another CPU's charge
        // leaves the clock of the CPU it unwound to: settle it as a run that ends does, so `now` is not
        // behind what the other CPUs already did (and traced)
        this.settle(true);
        throw e;
      }
    }
  }

  /**
   * The livelock watchdog, called for each step that may leave time where it
   * is (an event, a generator step, a zero-cost charge): counts the steps in
   * a row at one `now`; past `livelockSteps` it watches a few more to name
   * the contexts and event callbacks that spin, then throws `LivelockError`.
   */
  protected spinCheck(): void {
    if (this.now !== this.spinAt) {
      this.spinAt = this.now;
      this.spinSteps = 0;
      this.spinSeen = null;
      return;
    }
    if (++this.spinSteps >= this.livelockSteps) this.spinning();
  }

  private spinning(): void {
    const c = current.ctx;
    const fn = this.eventFn;
    const seen = (this.spinSeen ??= new Set());
    seen.add(`${c?.describe() ?? 'no context'} in event callback ${fn === null ? '(none: run from outside run())' : fn.name || '(anonymous)'}`);
    if (this.spinSteps >= this.livelockSteps + LIVELOCK_SAMPLE) throw new LivelockError(this.now, this.spinSteps, [...seen]);
  }

  /** The end of a run: no limit, no bounds, no running clock; `now` where the furthest clock stands, unless the run stopped at `until`. */
  private settle(furthest: boolean): void {
    this.limit = Number.POSITIVE_INFINITY;
    this.resetBounds();
    this.running = null;
    if (furthest) for (const d of this.domains) if (d.clock > this.now) this.now = d.clock;
  }

  /** @internal forget nesting bounds a run stopped in the middle of (the executor keeps them) */
  protected resetBounds(): void {}

  /**
   * Make `run` return after the current event. Called from an event run
   * inside a charge (a power cut while a task is in a plain section), it ends
   * the run at once: the simulated code on the JS stack does not go on (its
   * generators are closed), so the simulation cannot be resumed after it.
   */
  stop(): void {
    this.stopped = true;
  }

  protected result(reason: RunResult['reason'], start: number): RunResult {
    this.settle(reason !== 'until');
    const idle = reason === 'idle';
    return { reason, now: this.now, events: this.eventsRun - start, hung: idle ? this.hungTasks() : [], asleep: idle ? this.sleepingTasks() : [] };
  }

  /**
   * Run engine work started from outside simulated code (an event callback)
   * without running ahead: the callback may still act at `now` afterwards,
   * e.g. raise a second interrupt on another CPU.
   */
  protected withoutRunAhead(fn: () => void): void {
    const limit = this.limit;
    this.limit = this.now;
    try {
      fn();
    } finally {
      this.limit = limit;
    }
  }

  // ---- tracing ------------------------------------------------------------

  /**
   * Emit a tracepoint-named instant event from the current context. Guard
   * calls with `if (sim.tracing)` so the arguments are not even built when
   * tracing is off; an unguarded call with tracing off records nothing.
   */
  trace(name: string, args?: TraceArgs): void {
    if (!this.tracing) return;
    const c = current.ctx;
    this.tracer.add({
      ph: 'i',
      ts: this.now,
      cpu: c?.cpu?.id ?? -1,
      ctx: c?.label ?? '',
      kind: c?.kind ?? '',
      pid: c?.task?.pid ?? 0,
      name,
      ...(args ? { args } : {}),
    });
  }

  /** Begin (`b`) or end (`e`) an async span, e.g. one I/O from submit to completion. */
  traceSpan(ph: 'b' | 'e', id: number, name: string, args?: TraceArgs): void {
    if (!this.tracing) return;
    const c = current.ctx;
    this.tracer.add({ ph, ts: this.now, cpu: c?.cpu?.id ?? -1, ctx: c?.label ?? '', kind: c?.kind ?? '', pid: 0, name, id, ...(args ? { args } : {}) });
  }

  /**
   * Open a slice named after a kernel function (`task_work_run`,
   * `io_run_local_work`) nested in the current task's CPU slices: the CPU time
   * the task spends until `traceNestedEnd` is drawn inside its slice on its
   * CPU's track. Null outside a task or with tracing off; guard calls with
   * `if (sim.tracing)`.
   */
  traceNestedBegin(name: string): NestedSlice | null {
    if (!this.tracing) return null;
    const t = current.ctx?.task ?? null;
    return t === null ? null : this.tracer.nestedBegin(t.pid, name);
  }

  /** Close a slice from `traceNestedBegin` (the innermost one open), with `args` such as the number of items run. */
  traceNestedEnd(n: NestedSlice | null, args?: TraceArgs): void {
    if (n !== null) this.tracer.nestedEnd(n, args);
  }

  /** A flow arrow start (`s`) or end (`f`), bound to the current CPU's slice. */
  traceFlow(ph: 's' | 'f', id: number, name: string): void {
    if (!this.tracing) return;
    const c = current.ctx;
    this.tracer.add({ ph, ts: this.now, cpu: c?.cpu?.id ?? -1, ctx: c?.label ?? '', kind: c?.kind ?? '', pid: 0, name, id });
  }
}
