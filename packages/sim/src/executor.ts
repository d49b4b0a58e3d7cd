/**
 * Running execution contexts on CPUs — the hot path: resuming generators,
 * burning CPU time (`spend`, run-ahead, `charge`), preempting a spend,
 * per-context CPU accounting, and the requests a generator yields.
 * @module
 */
import type { Blocker, Cpu, Engine, ExecContext, InjectedRun, KGen, Request, SpinLockState, Task, Waitable, WakeReason } from './context';
import type { CostModel } from './costs';
import { InvalidContextError, RunStopped, SoftLockupError } from './errors';
import type { EventFn, PoppedEvent } from './event-queue';
import { EventLoop } from './event-loop';
import { current } from './requests';
import type { CpuWindows } from './cpu-windows';
import type { StageAccounting } from './stages';
import type { Ns } from './time';

/** A negative, fractional or NaN CPU time: always a bug in the caller (a missing cost, a bad subtraction, an unrounded ratio). */
function badSpend(ctx: ExecContext | null, ns: number): RangeError {
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

/** What a task in a timed sleep waits on (its `name` is built only when asked, e.g. for a hung-task report). */
class SleepTimer implements Waitable {
  readonly timerSleep = true;
  constructor(private readonly ns: number) {}
  get name(): string {
    return `sleep(${this.ns})`;
  }
  blockers(): Blocker[] {
    return [{ agent: 'timer' }];
  }
}

/** Context execution: a layer of `Simulator`, not used on its own. */
export abstract class Executor extends EventLoop implements Engine {
  abstract readonly cpus: readonly Cpu[];
  abstract readonly costs: CostModel;
  /** The cost table itself (`costs` is a view of it that names each read when stage accounting is on). */
  abstract readonly costTable: CostModel;
  /** @internal live (not exited) tasks */
  protected readonly live = new Set<Task>();
  /** @internal nesting depth of `advance` */
  protected depth = 0;
  private readonly spendEnd: EventFn = (c) => this.onSpendEnd(c as ExecContext);
  /**
   * @internal the time nested work of another CPU may not process events
   * past (the end of the charge it is nested in): its charges run on ahead
   * instead, so the charging CPU's later events are not run inside it
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

  /** @internal put `task` to sleep on `on` and switch away (core-sched). */
  protected abstract block(task: Task, on: Waitable, state: 'S' | 'D', timeout: Ns): void;
  /** @internal __schedule() (core-sched). */
  protected abstract reschedule(cpu: Cpu): void;
  /** sched_yield()'s class hook (yield_task_fair()). */
  protected abstract yieldTask(t: Task): void;
  /** try_to_wake_up() (core-sched). */
  abstract wakeUpTask(t: Task, reason: WakeReason): boolean;
  /** @internal spin_unlock (interrupts). */
  abstract releaseSpinlock(ctx: ExecContext, l: SpinLockState, irqrestore: boolean): void;
  /** @internal irq_exit() (interrupts). */
  protected abstract irqExit(cpu: Cpu): void;
  /** @internal back to whatever an interrupt interrupted (interrupts). */
  protected abstract returnFromInterrupt(cpu: Cpu): void;
  /** @internal a reschedule due on `t`'s CPU may switch `t` out now (core-sched). */
  protected abstract mayDeschedule(t: Task): boolean;
  /** @internal how many CPUs have an interrupt raised by an event callback waiting to be entered (interrupts). */
  protected abstract deferredIrqCount(): number;
  /** @internal enter the interrupts event callbacks raised, from the `from`-th CPU on (interrupts). */
  protected abstract enterDeferredIrqs(from: number): void;
  /**
   * @internal `depth` when the event callback now running was called (0 at
   * the top of the loop; an event run nested in a charge is called deeper):
   * an interrupt raised at that depth comes from the callback itself (a
   * device, a timer), one raised deeper from simulated code it resumed.
   */
  protected callbackDepth = 0;

  // ---- running contexts (the hot path) -----------------------------------

  protected advance(ctx: ExecContext, value: unknown): void {
    const prevCtx = current.ctx;
    const prevSim = current.sim;
    const cpu = ctx.cpu as Cpu;
    // code of another CPU than the one whose clock is loaded (an event of no CPU, set-up code): run it on its own clock
    const prevRunning = this.running;
    const prevNow = this.now;
    if (cpu !== prevRunning) this.switchClock(cpu, prevNow);
    current.ctx = ctx;
    current.sim = this;
    this.depth++;
    ctx.stepStart = this.now;
    try {
      if (ctx.handler !== null) {
        // an interrupt handler not called yet: its entry cost, then the plain call (see IrqWork)
        const cost = ctx.entryCost;
        if (cost > 0) {
          ctx.entryCost = 0;
          if (this.stages !== null) this.stages.addNamed(ctx, ctx.kind === 'hardirq' ? 'hardirq' : 'softirq', cost);
          this.chargeQuiet(ctx, cost);
        }
        const w = ctx.handler;
        ctx.handler = null;
        const g = w.fn();
        if (g === null || g === undefined) {
          this.finishCtx(ctx, undefined);
          return;
        }
        ctx.gens = [g];
        value = undefined;
      }
      const gens = ctx.gens;
      for (;;) {
        this.spinCheck();
        ctx.stepStart = this.now;
        const r = (gens[gens.length - 1] as KGen<unknown>).next(value);
        if (r.done === true) {
          gens.pop();
          if (gens.length > 0) {
            // injected task_work finished: go back to the interrupted spend
            const inj = ctx.injected as InjectedRun;
            ctx.injected = null;
            ctx.spendLeft = inj.spendLeft;
            ctx.resumeValue = inj.resumeValue;
            ctx.sysDebt = inj.sysDebt;
            if (ctx.spendLeft > 0) {
              this.startSpend(ctx);
              return;
            }
            value = ctx.resumeValue;
            ctx.resumeValue = undefined;
            continue;
          }
          this.finishCtx(ctx, r.value);
          return;
        }
        const req: Request = r.value;
        if (typeof req === 'number') {
          if (req > 0) {
            if (!Number.isInteger(req)) throw badSpend(ctx, req);
            if (this.stages !== null) this.stages.add(ctx, req);
            if (cpu.needResched && ctx.kind === 'task' && cpu.irqStack.length === 0 && this.mayDeschedule(ctx.task as Task)) {
              // a reschedule that came due while a plain section ran (it could not switch then): a yield is where it takes effect
              ctx.spendLeft = req;
              this.reschedule(cpu);
              return;
            }
            // Run ahead: with no event due before the spend ends, nothing can interrupt it, so
            // finish it now instead of through the queue (same result, far fewer events).
            const end = this.now + req;
            const next = this.queue.peekTime();
            if ((next === undefined || next > end) && end <= this.limit) {
              this.now = end;
              this.account(ctx, req);
              value = undefined;
              continue;
            }
            ctx.spendLeft = req;
            this.startSpend(ctx);
            return;
          }
          if (req !== 0) throw badSpend(ctx, req);
          value = undefined;
          continue;
        }
        if (!this.handle(ctx, req)) return;
        value = ctx.resumeValue;
        ctx.resumeValue = undefined;
      }
    } finally {
      this.depth--;
      current.ctx = prevCtx;
      current.sim = prevSim;
      if (cpu !== prevRunning) this.restoreClock(prevRunning, prevNow);
    }
  }

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
  private chargeQuiet(ctx: ExecContext, ns: number): void {
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
    if (next === undefined || next > end || (next > this.bound && ++this.boundSkips < BOUND_SKIPS)) {
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
        if (top) {
          if (t === undefined || t > this.now + left) break;
          if (t > this.bound) {
            if (++this.boundSkips < BOUND_SKIPS) break;
            this.bound = Number.POSITIVE_INFINITY; // a plain loop polling for what lies past the bound: let it see it
          }
          const run = t - this.now;
          if (run > 0) {
            this.now = t;
            this.account(ctx, run);
            left -= run;
          }
        } else if (t === undefined) {
          // an interrupt above ctx spends through the queue: it must have an event to return to ctx on
          throw new Error(`engine: ${ctx.describe()} is charging under ${cpu.top()?.describe() ?? 'nothing'}, which has no event to finish on`);
        }
        const e = q.pop() as PoppedEvent;
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

  /** Continue a context that just became the top of its CPU. */
  protected resume(ctx: ExecContext): void {
    // a charging context goes on by itself when the charge's nested work returns to it
    if (ctx.spinningOn !== null || ctx.spendEv !== null || ctx.charging > 0) return;
    if (ctx.spendLeft > 0) {
      this.startSpend(ctx);
      return;
    }
    const v = ctx.resumeValue;
    ctx.resumeValue = undefined;
    this.advance(ctx, v);
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

  /** Handle a non-spend request. Returns true to continue the generator at once. */
  protected handle(ctx: ExecContext, req: Exclude<Request, number>): boolean {
    const task = ctx.task as Task;
    switch (req.op) {
      case 'wait':
        if (req.state === 'S' && task.notifySignal) {
          ctx.resumeValue = 'signal';
          return true;
        }
        req.on.enqueueWaiter(task);
        this.block(task, req.on, req.state, req.timeout);
        return false;
      case 'sleep': {
        // A timed sleep is not cut short by task_work notification (nanosleep restarts after running it);
        // pending task_work runs when the task next returns from the kernel.
        this.block(task, new SleepTimer(req.ns), 'S', Math.max(1, req.ns));
        return false;
      }
      case 'mutex_lock':
        if (req.m.owner === null) {
          req.m.owner = task;
          return true;
        }
        req.m.waiters.push(task);
        this.block(task, req.m, 'D', 0);
        return false;
      case 'down_read':
      case 'down_write': {
        const write = req.op === 'down_write';
        if (req.s.tryAcquire(task, write)) return true;
        req.s.waiters.push({ task, write });
        this.block(task, req.s, 'D', 0);
        return false;
      }
      case 'spin_lock':
        if (req.l.holder === null) {
          this.acquireSpinlock(ctx, req.l, req.irqsave);
          return true;
        }
        ctx.spinningOn = req.l;
        req.l.spinners.push(ctx);
        ctx.spinIrqsave = req.irqsave;
        return false;
      case 'cond_resched':
      case 'yield': {
        const cpu = ctx.cpu as Cpu;
        if (req.op === 'yield') {
          cpu.needResched = true;
          if (ctx.task !== null) this.yieldTask(ctx.task);
        }
        if (ctx.kind === 'task' && ctx.atomic === 0 && cpu.needResched && cpu.irqStack.length === 0) {
          this.reschedule(cpu);
          return false;
        }
        return true;
      }
    }
  }

  protected finishCtx(ctx: ExecContext, result: unknown): void {
    const cpu = ctx.cpu as Cpu;
    if (ctx.heldSpinlocks.length > 0 || ctx.atomic > 0 || ctx.irqsOff > 0) {
      // lockdep: "lock held when returning to user space" / an IRQ handler returning with a lock held
      const chain = [ctx.describe(), ...ctx.heldSpinlocks.map((l) => `holding spinlock '${l.name}'`), 'returned'];
      throw new InvalidContextError(`BUG: ${ctx.kind === 'task' ? 'task exited' : `${ctx.kind} handler returned`} in atomic context`, chain);
    }
    if (ctx.kind === 'task') {
      const t = ctx.task as Task;
      t.state = 'X';
      t.result = result;
      this.live.delete(t);
      if (this.tracing) this.trace('sched_process_exit', { comm: t.name, pid: t.pid });
      this.reschedule(cpu);
      return;
    }
    cpu.irqStack.pop();
    if (ctx.kind === 'hardirq') {
      if (this.tracing) this.trace('irq_handler_exit', { name: ctx.label });
      this.irqExit(cpu);
    } else {
      if (this.tracing) this.trace('softirq_exit', { name: ctx.label });
      this.returnFromInterrupt(cpu);
    }
  }

  // ---- spinlocks --------------------------------------------------------------

  /** spin_lock() from plain code (`runNoSleep`): take `l` if it is free. */
  tryAcquireSpinlock(ctx: ExecContext, l: SpinLockState, irqsave: boolean): boolean {
    if (l.holder !== null) return false;
    this.acquireSpinlock(ctx, l, irqsave);
    return true;
  }

  protected acquireSpinlock(ctx: ExecContext, l: SpinLockState, irqsave: boolean): void {
    l.holder = ctx;
    ctx.atomic++;
    if (irqsave) ctx.irqsOff++;
    ctx.heldSpinlocks.push(l);
  }
}
