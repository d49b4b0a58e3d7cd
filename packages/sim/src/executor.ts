/**
 * Running execution contexts on CPUs — the hot path: resuming generators
 * and the plain calls of interrupt handlers, the requests a generator
 * yields, a context's end, and spinlocks. The CPU time they burn is
 * `CpuTime`'s (cpu-time.ts).
 * @module
 */
import type { Cpu, Engine, ExecContext, Request, SpinLockState, Task, Waitable, WakeReason } from './context';
import type { CostModel } from './costs';
import { CpuTime, badSpend } from './cpu-time';
import { InvalidContextError } from './errors';
import { type Call, isCall, pushCall, stepTop } from './plain-first';
import { current } from './current';
import { SleepTimer } from './sleep-timer';
import type { Ns } from './time';

/** Context execution: a layer of `Simulator`, not used on its own. */
export abstract class Executor extends CpuTime implements Engine {
  abstract readonly cpus: readonly Cpu[];
  abstract readonly costs: CostModel;
  /** The cost table itself (`costs` is a view of it that names each read when stage accounting is on). */
  abstract readonly costTable: CostModel;
  /** @internal live (not exited) tasks */
  protected readonly live = new Set<Task>();

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

  // ---- running contexts (the hot path) -----------------------------------

  /**
   * Resume `ctx`'s code with `value` on its CPU's clock: an interrupt
   * handler's entry cost and plain call, then the steps of its innermost
   * frame (a call yielded puts its frames on the stack; a frame that returns
   * or throws hands that on to the one below), each spend run ahead when no
   * event is due before it ends, until the code yields something that must
   * wait (a spend through the queue, a sleep, a contended lock) or returns.
   */
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
        // a frame of a call that throws is popped, and the exception goes on in the frame below, as through yield*
        const r = stepTop(gens, ctx.injected === null ? 0 : ctx.injected.depth, value, ctx);
        if (r === null) continue;
        if (r.done === true) {
          gens.pop();
          const inj = ctx.injected;
          if (inj !== null && gens.length === inj.depth) {
            // injected task_work finished: go back to the interrupted spend
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
          if (gens.length > 0) {
            // a call returned: its value to the frame that made it
            value = r.value;
            continue;
          }
          this.finishCtx(ctx, r.value);
          return;
        }
        let req: Request | Call | undefined = r.value;
        // a call (a build with plain-first calls): its frames on the stack, its request handled as theirs
        while (isCall(req)) req = pushCall(gens, req);
        if (req === undefined) {
          // an iterator to step from its start
          value = undefined;
          continue;
        }
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
            if (this.runsAhead(req)) {
              this.now += req;
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
        if (!this.handle(ctx, req as Exclude<Request, number>)) return;
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
   * `yield ns` from code stepped now, done in place when yielding it could
   * not change anything: what the loop above does with a spend when no event
   * is due before it ends and no reschedule is pending (it runs it ahead,
   * then steps the same code again); under `runNoSleep`, the charge it would
   * make. False, with nothing done, when it must be yielded (an event due
   * inside it, a reschedule pending, a spend of 0 or a bad one).
   */
  trySpend(ns: number): boolean {
    const ctx = current.ctx;
    if (ctx === null || !(ns > 0) || !Number.isInteger(ns)) return false;
    if (ctx.noSleep > 0) return this.charge(ns);
    if ((ctx.cpu as Cpu).needResched || !this.runsAhead(ns)) return false;
    if (this.stages !== null) this.stages.add(ctx, ns);
    this.now += ns;
    this.account(ctx, ns);
    // as the loop goes on stepping the code
    this.spinCheck();
    ctx.stepStart = this.now;
    return true;
  }

  /** Whether a spend of `ns` from now may run ahead: no event is due before it ends, and it ends within the run's limit. */
  private runsAhead(ns: number): boolean {
    const end = this.now + ns;
    const next = this.queue.peekTime();
    return (next === undefined || next > end) && end <= this.limit;
  }

  /**
   * Continue a context that just became the top of its CPU. A spend it has
   * pending (a switch-in or idle-exit cost, the rest of a spend an interrupt
   * cut short) is run ahead, as `advance` runs a spend just yielded, when no
   * event is due before it ends — except inside another CPU's charge (a
   * bound is set, see "Clocks" in docs/engine.md): there the spend's end is
   * an event the charging CPU's loop reaches after moving its own clock on to
   * it, and run ahead the nested work would start with that CPU further
   * behind (fuzz seed 49, clocks.test.ts). A stopped run runs nothing more.
   */
  protected resume(ctx: ExecContext): void {
    // a charging context goes on by itself when the charge's nested work returns to it
    if (ctx.spinningOn !== null || ctx.spendEv !== null || ctx.charging > 0) return;
    const left = ctx.spendLeft;
    if (left > 0) {
      if (this.bound !== Number.POSITIVE_INFINITY || this.stopped || !this.runsAhead(left)) {
        this.startSpend(ctx);
        return;
      }
      ctx.spendLeft = 0;
      this.now += left;
      this.account(ctx, left);
    }
    const v = ctx.resumeValue;
    ctx.resumeValue = undefined;
    this.advance(ctx, v);
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

