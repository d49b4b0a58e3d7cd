/**
 * Burning CPU time on a CPU: a spend through the event queue (started,
 * finished, cut short by a preemption), a charge run as a plain call with
 * the events due inside it nested on the JS stack, and the per-context CPU
 * accounting both end in. A layer of `Simulator` below `Executor`, which
 * resumes the contexts.
 * @module
 */
import type { Cpu, ExecContext, Task } from './context';
import type { CpuWindows } from './cpu-windows';
import { InvalidContextError, RunStopped, SoftLockupError } from './errors';
import type { EventFn, PoppedEvent } from './event-queue';
import { EventLoop } from './event-loop';
import { current } from './current';
import type { StageAccounting } from './stages';
import type { Ns } from './time';

/** A negative, fractional or NaN CPU time: always a bug in the caller (a missing cost, a bad subtraction, an unrounded ratio). */
export function badSpend(ctx: ExecContext | null, ns: number): RangeError {
  return new RangeError(`spend(${ns}) in ${ctx?.describe() ?? 'no context'}: CPU time must be an integer number of ns >= 0`);
}

/**
 * Charges in a row that may run ahead past the nesting bound before the
 * bound is dropped: a plain loop that polls for something past it (an IOPOLL
 * reaper nested in another CPU's charge) would otherwise spin for ever.
 */
const BOUND_SKIPS = 1_000;

/**
 * The soft-lockup detector's threshold: one step of a context's code (a
 * plain call chain, or a generator between two yields) charging more CPU
 * time than this throws `SoftLockupError`. The kernel's detector waits 20 s
 * (2 × watchdog_thresh); a simulated step never legitimately charges more
 * than microseconds, and 1 s of spinning already costs seconds of wall time.
 */
const SOFT_LOCKUP_NS = 1_000_000_000;

/** CPU time: a layer of `Simulator`, not used on its own. */
export abstract class CpuTime extends EventLoop {
  /** @internal nesting depth of `advance` */
  protected depth = 0;
  private readonly spendEnd: EventFn = (c) => this.onSpendEnd(c as ExecContext);
  /**
   * @internal the time nested work of another CPU may not process CPUs'
   * events past (the end of the charge it is nested in): its charges run on
   * ahead instead, so the charging CPU's later events are not run inside it.
   * Events of no CPU are not held back (see `noCpuDue`).
   */
  protected bound = Number.POSITIVE_INFINITY;
  /** @internal charges that ran ahead past `bound` in a row (see BOUND_SKIPS) */
  protected boundSkips = 0;

  protected override resetBounds(): void {
    this.bound = Number.POSITIVE_INFINITY;
  }
  /** CPU time per named cost and context (`SimOptions.stages`), or null. */
  stages: StageAccounting | null = null;
  /** Per-CPU utilisation by context in time windows (`SimOptions.cpuWindowNs`), or null. */
  cpuWindows: CpuWindows | null = null;
  /**
   * @internal `depth` when the event callback now running was called (0 at
   * the top of the loop; an event run nested in a charge is called deeper):
   * an interrupt raised at that depth comes from the callback itself (a
   * device, a timer), one raised deeper from simulated code it resumed.
   */
  protected callbackDepth = 0;

  /** @internal resume `ctx`'s code with `value` (executor). */
  protected abstract advance(ctx: ExecContext, value: unknown): void;
  /** @internal how many CPUs have an interrupt raised by an event callback waiting to be entered (interrupts). */
  protected abstract deferredIrqCount(): number;
  /** @internal enter the interrupts event callbacks raised, from the `from`-th CPU on (interrupts). */
  protected abstract enterDeferredIrqs(from: number): void;

  /**
   * Run engine work on `cpu` (entering an interrupt, switching tasks) from
   * code that runs on another clock (an event callback of another CPU or of
   * none, set-up code): on `cpu`'s clock, the caller's restored afterwards.
   */
  protected onCpuClock(cpu: Cpu, fn: (cpu: Cpu) => void): void {
    const prevRunning = this.running;
    if (cpu === prevRunning) {
      fn(cpu);
      return;
    }
    const prevNow = this.now;
    this.switchClock(cpu, prevNow);
    try {
      fn(cpu);
    } finally {
      this.restoreClock(prevRunning, prevNow);
    }
  }

  /**
   * Charge `ns` of CPU time to the running context, as a plain call: the
   * code costs `ns` and then goes on. Every event due inside the charged
   * interval runs at its time, in order, nested on the JS stack: one of this
   * CPU (an interrupt raised here) on top of the charging context, as
   * interrupts nest on hardware, its time stretching the charge; one of
   * another CPU on that CPU's own clock (see docs/engine.md, "Clocks"). A
   * reschedule that comes due meanwhile takes effect at the context's next
   * yield. Always returns true (the boolean is kept for code written when a
   * charge could fail).
   */
  charge(ns: number): boolean {
    const ctx = current.ctx;
    if (ctx === null) throw new InvalidContextError('charge() outside simulated code', [`charge(${ns})`]);
    if (this.stages !== null && ns > 0) this.stages.add(ctx, ns); // before the charge: its nested interrupts read costs of their own
    this.chargeQuiet(ctx, ns);
    return true;
  }

  /** `charge` without the stage accounting (for costs the engine names itself). */
  protected chargeQuiet(ctx: ExecContext, ns: number): void {
    if (!(ns > 0)) {
      if (ns === 0) {
        this.spinCheck(); // a zero-cost charge leaves time where it is
        return;
      }
      throw badSpend(ctx, ns);
    }
    if (!Number.isInteger(ns)) throw badSpend(ctx, ns);
    if (this.stopped) throw new RunStopped();
    if (this.now - ctx.stepStart > SOFT_LOCKUP_NS) throw new SoftLockupError(this.now, this.now - ctx.stepStart, ctx.describe());
    const end = this.now + ns;
    const next = this.queue.peekTime();
    if (next === undefined || next > end || (next > this.bound && this.noCpuDue(end) === undefined && ++this.boundSkips < BOUND_SKIPS)) {
      this.now = end;
      this.account(ctx, ns);
      return;
    }
    this.chargeNested(ctx, ns);
  }

  /**
   * A charge with events due inside it: run the charge up to each event, run
   * the event nested (`runNested`), and go on once `ctx` is the top of its
   * CPU again, until `ns` of the charge have run with no event left inside.
   * (Nested work of another CPU may itself run past this charge's end, on its
   * own clock: this CPU then finds its clock moved on when it returns, and
   * its charge ends that much later — the one inexact case, docs/engine.md
   * "Clocks".)
   */
  private chargeNested(ctx: ExecContext, ns: number): void {
    const cpu = ctx.cpu as Cpu;
    const q = this.queue;
    const limit = this.limit;
    let left = ns;
    ctx.charging++;
    try {
      for (;;) {
        if (this.stopped) throw new RunStopped();
        const t = q.peekTime();
        const top = cpu.top() === ctx;
        let noCpu = false; // the event to run is the first of no CPU, behind CPUs' events past the bound
        if (top) {
          if (t === undefined || t > this.now + left) break;
          let at = t;
          if (t > this.bound) {
            const g = this.noCpuDue(this.now + left);
            if (g !== undefined) {
              at = g; // an event of no CPU is not held back by the bound: run it at its time (see noCpuDue)
              noCpu = true;
            } else {
              if (++this.boundSkips < BOUND_SKIPS) break;
              this.bound = Number.POSITIVE_INFINITY; // a plain loop polling for what lies past the bound: let it see it
            }
          }
          const run = at - this.now;
          if (run > 0) {
            this.now = at;
            this.account(ctx, run);
            left -= run;
          }
        } else if (t === undefined) {
          // an interrupt above ctx spends through the queue: it must have an event to return to ctx on
          throw new Error(`engine: ${ctx.describe()} is charging under ${cpu.top()?.describe() ?? 'nothing'}, which has no event to finish on`);
        }
        const e = (noCpu ? q.popNoCpu() : q.pop()) as PoppedEvent;
        // another CPU's spends may not run ahead past this charge's end (the rest of the charge is no event
        // they could see): they go through the queue; this CPU's own nested work stretches the charge
        const end = this.now + left;
        const other = e.domain !== cpu && top;
        const bound = this.bound; // read afresh: a nested poller may have dropped it (see BOUND_SKIPS)
        this.limit = !other || end > limit ? limit : end;
        if (other && end < bound) {
          this.bound = end;
          this.boundSkips = 0;
        }
        this.runNested(e, cpu);
        this.limit = limit;
        this.bound = bound;
      }
    } finally {
      ctx.charging--;
      this.limit = limit;
    }
    if (left > 0) {
      this.now += left;
      this.account(ctx, left);
    }
  }

  /**
   * The time of the first event of no CPU (set-up code's, a harness's: a
   * power cut) if it is due by `end`, else undefined. The bound holds nested
   * work back from CPUs' events only: one of no CPU belongs to no charge it
   * could land in, and stands for the whole machine at its time, so it runs
   * there, nested in the charge that reaches it — no CPU has then run past
   * it (docs/engine.md, "Clocks").
   */
  private noCpuDue(end: number): number | undefined {
    const g = this.queue.peekNoCpuTime();
    return g !== undefined && g <= end ? g : undefined;
  }

  /**
   * Run an event inside a charge on `cpu`: one of `cpu` at its time (the
   * clock moves on to it); one of another CPU, or of none, on that clock,
   * `cpu`'s restored afterwards. As at the top of the loop, the interrupts
   * the callback raised (a device finishing a request) are entered as soon
   * as it returns, not through the queue.
   */
  private runNested(e: PoppedEvent, cpu: Cpu): void {
    this.eventsRun++;
    const other = e.domain !== cpu;
    const prevNow = this.now;
    if (other) this.switchClock(e.domain, e.time);
    else if (e.time > prevNow) this.now = e.time;
    // an event callback runs outside any context, as from the top of the loop
    const ctx = current.ctx;
    current.ctx = null;
    const inEvent = this.inEvent;
    const callbackDepth = this.callbackDepth;
    const deferred = this.deferredIrqCount();
    this.inEvent = true;
    this.callbackDepth = this.depth;
    try {
      this.spinCheck();
      e.fn(e.arg);
      this.inEvent = inEvent;
      this.callbackDepth = callbackDepth;
      if (this.deferredIrqCount() > deferred) this.enterDeferredIrqs(deferred);
    } finally {
      current.ctx = ctx;
      this.inEvent = inEvent;
      this.callbackDepth = callbackDepth;
      if (other) this.restoreClock(cpu, prevNow); // nested work of that event may have run on this CPU too
    }
  }

  protected startSpend(ctx: ExecContext): void {
    ctx.spendStart = this.now;
    ctx.spendEv = this.queue.push(this.now + ctx.spendLeft, this.spendEnd, ctx, ctx.cpu);
    ctx.spendLeft = 0;
  }

  protected onSpendEnd(ctx: ExecContext): void {
    ctx.spendEv = null;
    this.account(ctx, this.now - ctx.spendStart);
    const v = ctx.resumeValue;
    ctx.resumeValue = undefined;
    this.advance(ctx, v);
  }

  /** Stop a running spend (preemption); the remainder is kept in spendLeft. */
  protected suspend(ctx: ExecContext): void {
    const ev = ctx.spendEv;
    if (ev === null) return;
    ctx.spendLeft += ev.time - this.now;
    this.account(ctx, this.now - ctx.spendStart);
    this.queue.cancel(ev);
    ctx.spendEv = null;
  }

  protected account(ctx: ExecContext, ns: Ns): void {
    const cpu = ctx.cpu as Cpu;
    if (this.tracing) this.tracer.slice(cpu.id, ctx.label, ctx.kind, ctx.task?.pid ?? 0, this.now - ns, ns);
    if (ctx.kind === 'task') {
      const t = ctx.task as Task;
      let sys = ns;
      const debt = ctx.sysDebt;
      if (t.inKernel === 0) sys = debt < ns ? debt : ns;
      if (debt > 0) ctx.sysDebt = debt > ns ? debt - ns : 0;
      t.stime += sys;
      cpu.times.sys += sys;
      t.utime += ns - sys;
      cpu.times.user += ns - sys;
      if (this.cpuWindows !== null) this.cpuWindows.add(cpu.id, ctx, this.now, ns - sys, sys);
    } else {
      if (ctx.kind === 'hardirq') cpu.times.hardirq += ns;
      else cpu.times.softirq += ns;
      if (this.cpuWindows !== null) this.cpuWindows.add(cpu.id, ctx, this.now, 0, ns);
    }
  }
}
