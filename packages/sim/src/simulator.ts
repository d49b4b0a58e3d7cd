/**
 * The simulator: virtual clock, event loop, CPUs and the code that moves
 * execution contexts on and off them.
 *
 * ```ts
 * const sim = new Simulator({ seed: 1, cpus: 2 });
 * sim.spawn('worker', function* () { yield 1_000; yield sleep(5_000); yield 1_000; });
 * const r = sim.run();
 * ```
 * @module
 */
import type { Waitable } from './blocker';
import { type CostModel, defaultCosts } from './costs';
import { ExecContext, type KGen } from './context';
import { Cpu, type IrqWork } from './cpu';
import { detectDeadlock } from './deadlock';
import { EventQueue, type EventFn, type EventHandle } from './event-queue';
import type { HungTask } from './errors';
import { current, type Request, type WakeReason } from './requests';
import { Rng } from './rng';
import { defaultSchedParams, idealSlice, type SchedParams } from './sched';
import type { SpinLock } from './spinlock';
import { Task, type TaskWork } from './task';
import type { Ns } from './time';
import { Tracer, type TraceArgs } from './trace';

/** Options of a simulation. */
export interface SimOptions {
  /** Root seed; every random draw derives from it. Default 1. */
  readonly seed?: number;
  /** Number of CPUs. Default 1. */
  readonly cpus?: number;
  readonly sched?: Partial<SchedParams>;
  readonly costs?: Partial<CostModel>;
  /** Record trace events (default off: tracing off costs nothing). */
  readonly trace?: boolean;
}

/** Options of {@link Simulator.spawn}. */
export interface SpawnOptions {
  /** CPUs it may run on (`cpus_allowed`); default all. */
  readonly cpusAllowed?: readonly number[];
  /** 'user' tasks start in user mode; 'kthread's are always in the kernel. Default 'user'. */
  readonly kind?: 'user' | 'kthread';
  /** Nice level −20…19 (CFS weight). Default 0. */
  readonly nice?: number;
  /** Start asleep (state S) instead of runnable, e.g. an idle kworker. */
  readonly sleeping?: Waitable & { enqueueWaiter(t: Task): void };
}

/** How `run` ended. */
export interface RunResult {
  /** 'idle': no events left; 'until': reached the time limit; 'stopped': `stop()` was called. */
  readonly reason: 'idle' | 'until' | 'stopped';
  readonly now: Ns;
  /** Events run by this call. */
  readonly events: number;
  /** Tasks in uninterruptible sleep when the run ended with no events left (a hung-task report). */
  readonly hung: readonly HungTask[];
}

/** How task_work_add() notifies the task (kernel/task_work.c `enum task_work_notify_mode`). */
export type TwaMode = 'TWA_NONE' | 'TWA_RESUME' | 'TWA_SIGNAL' | 'TWA_SIGNAL_NO_IPI';

/** Past this nesting depth, switching to another task goes through the event queue (bounds JS stack depth). */
const MAX_DEPTH = 32;

/** The discrete-event simulator. */
export class Simulator {
  /** Virtual time, ns. */
  now: Ns = 0;
  readonly rng: Rng;
  readonly cpus: readonly Cpu[];
  readonly sched: SchedParams;
  readonly costs: CostModel;
  readonly tracer = new Tracer();
  /** True when trace records are collected. Check before building a record. */
  tracing: boolean;
  /** Events run since creation. */
  eventsRun = 0;
  private readonly ids = new Map<string, number>();

  private readonly queue = new EventQueue();
  private readonly live = new Set<Task>();
  private nextPid = 1;
  private stopped = false;
  private depth = 0;
  /** The time run() may not pass (run-ahead stops there). */
  private limit = Number.POSITIVE_INFINITY;
  private readonly spendEnd: EventFn = (c) => this.onSpendEnd(c as ExecContext);
  private readonly kickFn: EventFn = (c) => this.onKick(c as Cpu);
  private readonly irqFn: EventFn = (c) => this.onPendingIrq(c as Cpu);
  private readonly sliceFn: EventFn = (c) => this.onSliceEnd(c as Cpu);
  private readonly timeoutFn: EventFn = (t) => this.onTimeout(t as Task);
  private readonly resumeFn: EventFn = (t) => this.onDeferredResume(t as Task);

  constructor(opts: SimOptions = {}) {
    this.rng = new Rng(opts.seed ?? 1);
    const n = opts.cpus ?? 1;
    if (!Number.isInteger(n) || n < 1 || n > 4096) throw new RangeError(`cpus must be 1..4096, got ${n}`);
    this.cpus = Array.from({ length: n }, (_, i) => new Cpu(i, this));
    this.sched = { ...defaultSchedParams, ...opts.sched };
    this.costs = { ...defaultCosts, ...opts.costs };
    this.tracing = opts.trace ?? false;
  }

  /** The next number of the per-simulation sequence `name` (1, 2, …): ids that are the same in every run of a seed. */
  nextId(name: string): number {
    const n = (this.ids.get(name) ?? 0) + 1;
    this.ids.set(name, n);
    return n;
  }

  // ---- events -------------------------------------------------------------

  /** Run `fn(arg)` at absolute time `t` (≥ now). */
  at(t: Ns, fn: EventFn, arg?: unknown): EventHandle {
    if (t < this.now) throw new RangeError(`event at ${t} is in the past (now ${this.now})`);
    return this.queue.push(t, fn, arg);
  }

  /** Run `fn(arg)` after `dt` ns. */
  after(dt: Ns, fn: EventFn, arg?: unknown): EventHandle {
    return this.queue.push(this.now + dt, fn, arg);
  }

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
    this.now = e.time;
    this.eventsRun++;
    e.fn(e.arg);
    return true;
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
        this.now = until;
        return this.result('until', start);
      }
      const e = q.pop() as { time: Ns; fn: EventFn; arg: unknown };
      this.now = e.time;
      this.eventsRun++;
      e.fn(e.arg);
    }
  }

  /** Make `run` return after the current event. */
  stop(): void {
    this.stopped = true;
  }

  private result(reason: RunResult['reason'], start: number): RunResult {
    this.limit = Number.POSITIVE_INFINITY;
    return { reason, now: this.now, events: this.eventsRun - start, hung: reason === 'idle' ? this.hungTasks() : [] };
  }

  /** Tasks in uninterruptible sleep (state D), with what they wait on. */
  hungTasks(): HungTask[] {
    const out: HungTask[] = [];
    for (const t of this.live) {
      if (t.state === 'D') out.push({ task: t.name, pid: t.pid, waitingOn: t.waitingOn?.name ?? '?', since: t.sleptAt });
    }
    return out;
  }

  /** Live (not exited) tasks. */
  tasks(): readonly Task[] {
    return [...this.live];
  }

  // ---- tracing ------------------------------------------------------------

  /** Emit a tracepoint-named instant event from the current context. Guard calls with `if (sim.tracing)`. */
  trace(name: string, args?: TraceArgs): void {
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
    const c = current.ctx;
    this.tracer.add({ ph, ts: this.now, cpu: c?.cpu?.id ?? -1, ctx: c?.label ?? '', kind: c?.kind ?? '', pid: 0, name, id, ...(args ? { args } : {}) });
  }

  /** A flow arrow start (`s`) or end (`f`), bound to the current CPU's slice. */
  traceFlow(ph: 's' | 'f', id: number, name: string): void {
    const c = current.ctx;
    this.tracer.add({ ph, ts: this.now, cpu: c?.cpu?.id ?? -1, ctx: c?.label ?? '', kind: c?.kind ?? '', pid: 0, name, id });
  }

  // ---- tasks --------------------------------------------------------------

  /** Create a task running `body`. It becomes runnable now (or sleeps, with `opts.sleeping`). */
  spawn(name: string, body: KGen<unknown> | (() => KGen<unknown>), opts: SpawnOptions = {}): Task {
    const allowed = opts.cpusAllowed ?? this.cpus.map((c) => c.id);
    if (allowed.length === 0) throw new RangeError(`task '${name}': empty cpus_allowed`);
    for (const id of allowed) {
      if (!Number.isInteger(id) || id < 0 || id >= this.cpus.length) throw new RangeError(`task '${name}': no cpu ${id}`);
    }
    const gen = typeof body === 'function' ? body() : body;
    const first = this.cpus[allowed[0] as number] as Cpu;
    const t = new Task(this.nextPid++, name, gen, first, allowed, opts.kind ?? 'user', opts.nice ?? 0);
    this.live.add(t);
    if (opts.sleeping) {
      t.state = 'S';
      t.waitingOn = opts.sleeping;
      t.sleptAt = this.now;
      t.ctx.cpu = first;
      opts.sleeping.enqueueWaiter(t);
      return t;
    }
    t.state = 'S';
    this.wakeUpTask(t, 'woken');
    return t;
  }

  // ---- running contexts (the hot path) -----------------------------------

  private advance(ctx: ExecContext, value: unknown): void {
    const prevCtx = current.ctx;
    const prevSim = current.sim;
    current.ctx = ctx;
    current.sim = this;
    this.depth++;
    try {
      const gens = ctx.gens;
      for (;;) {
        const r = (gens[gens.length - 1] as KGen<unknown>).next(value);
        if (r.done === true) {
          gens.pop();
          if (gens.length > 0) {
            // injected task_work finished: go back to the interrupted spend
            ctx.spendLeft = ctx.savedSpend.pop() ?? 0;
            ctx.resumeValue = ctx.savedResume.pop();
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
    }
  }

  /**
   * Charge `ns` of CPU time to the running context without yielding, when
   * nothing can interrupt it (no event due before it ends): the same outcome
   * as `yield ns`, minus the trip through the generator stack. Returns false
   * when the caller must `yield ns` instead.
   */
  charge(ns: number): boolean {
    const ctx = current.ctx;
    if (ctx === null || ns <= 0) return ns <= 0;
    const end = this.now + ns;
    const next = this.queue.peekTime();
    if ((next !== undefined && next <= end) || end > this.limit) return false;
    this.now = end;
    this.account(ctx, ns);
    return true;
  }

  private startSpend(ctx: ExecContext): void {
    ctx.spendStart = this.now;
    ctx.spendEv = this.queue.push(this.now + ctx.spendLeft, this.spendEnd, ctx);
    ctx.spendLeft = 0;
  }

  private onSpendEnd(ctx: ExecContext): void {
    ctx.spendEv = null;
    this.account(ctx, this.now - ctx.spendStart);
    const v = ctx.resumeValue;
    ctx.resumeValue = undefined;
    this.advance(ctx, v);
  }

  /** Stop a running spend (preemption); the remainder is kept in spendLeft. */
  private suspend(ctx: ExecContext): void {
    const ev = ctx.spendEv;
    if (ev === null) return;
    ctx.spendLeft += ev.time - this.now;
    this.account(ctx, this.now - ctx.spendStart);
    this.queue.cancel(ev);
    ctx.spendEv = null;
  }

  /** Continue a context that just became the top of its CPU. */
  private resume(ctx: ExecContext): void {
    if (ctx.spinningOn !== null || ctx.spendEv !== null) return;
    if (ctx.spendLeft > 0) {
      this.startSpend(ctx);
      return;
    }
    const v = ctx.resumeValue;
    ctx.resumeValue = undefined;
    this.advance(ctx, v);
  }

  private account(ctx: ExecContext, ns: Ns): void {
    const cpu = ctx.cpu as Cpu;
    if (this.tracing) this.tracer.slice(cpu.id, ctx.label, ctx.kind, ctx.task?.pid ?? 0, this.now - ns, ns);
    if (ctx.kind === 'task') {
      const t = ctx.task as Task;
      if (t.inKernel > 0) {
        t.stime += ns;
        cpu.times.sys += ns;
      } else {
        t.utime += ns;
        cpu.times.user += ns;
      }
    } else if (ctx.kind === 'hardirq') cpu.times.hardirq += ns;
    else cpu.times.softirq += ns;
  }

  /** Handle a non-spend request. Returns true to continue the generator at once. */
  private handle(ctx: ExecContext, req: Exclude<Request, number>): boolean {
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
        const timer: Waitable & { timerSleep: true } = { name: `sleep(${req.ns})`, blockers: () => [{ agent: 'timer' }], timerSleep: true };
        this.block(task, timer, 'S', Math.max(1, req.ns));
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
        if (req.s.waiters.length === 0 && req.s.tryGrant(task, write)) return true;
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
        if (req.op === 'yield') cpu.needResched = true;
        if (ctx.kind === 'task' && ctx.atomic === 0 && cpu.needResched && cpu.irqStack.length === 0) {
          this.reschedule(cpu);
          return false;
        }
        return true;
      }
    }
  }

  private finishCtx(ctx: ExecContext, result: unknown): void {
    const cpu = ctx.cpu as Cpu;
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

  // ---- sleeping and waking -----------------------------------------------

  private block(task: Task, on: Waitable, state: 'S' | 'D', timeout: Ns): void {
    task.state = state;
    task.waitingOn = on;
    task.sleptAt = this.now;
    if (timeout > 0) task.timeoutEv = this.queue.push(this.now + timeout, this.timeoutFn, task);
    detectDeadlock(task, on);
    if (task.schedHooks !== null) {
      task.hookSlept = true;
      task.schedHooks.sleeping();
    }
    this.reschedule(task.cpu);
  }

  private onTimeout(t: Task): void {
    t.timeoutEv = null;
    this.wakeUpState(t, 'SD', 'timeout');
  }

  /** try_to_wake_up(): make a sleeping task runnable. Returns false if it was not asleep. */
  wakeUpTask(t: Task, reason: WakeReason): boolean {
    if (t.state === 'R' || t.state === 'X') return false;
    if (t.timeoutEv !== null) {
      this.queue.cancel(t.timeoutEv);
      t.timeoutEv = null;
    }
    t.state = 'R';
    t.waitingOn = null;
    t.ctx.resumeValue = reason;
    const cpu = this.selectCpu(t);
    if (t.cpu !== cpu) {
      t.vruntime += cpu.rq.minVruntime - t.cpu.rq.minVruntime;
      t.cpu = cpu;
    }
    // place_entity(): sleepers get at most half a latency period of credit
    const floor = cpu.rq.minVruntime - this.sched.latencyNs / 2;
    if (t.vruntime < floor) t.vruntime = floor;
    cpu.rq.enqueue(t);
    if (this.tracing) this.trace('sched_wakeup', { comm: t.name, pid: t.pid, target_cpu: cpu.id });
    const curr = cpu.curr;
    if (curr === null) {
      if (cpu.irqStack.length === 0) this.kick(cpu);
      return true;
    }
    this.armSlice(cpu);
    // check_preempt_wakeup(): preempt if curr is ahead by more than the wakeup granularity
    const currV = curr.vruntime + ((this.now - curr.execStart) * 1024) / curr.weight;
    if (currV - t.vruntime > (this.sched.wakeupGranularityNs * 1024) / t.weight) {
      cpu.needResched = true;
      if (cpu.irqStack.length === 0) this.kick(cpu);
    }
    return true;
  }

  /**
   * wake_up_state(): wake `t` only if it sleeps in one of `states` (e.g. 'S'
   * for TASK_INTERRUPTIBLE), taking it off whatever it waits on.
   */
  wakeUpState(t: Task, states: 'S' | 'D' | 'SD', reason: WakeReason = 'woken'): boolean {
    if (t.state === 'R' || t.state === 'X' || !states.includes(t.state)) return false;
    const on = t.waitingOn as (Waitable & { dequeueWaiter?(t: Task): void }) | null;
    on?.dequeueWaiter?.(t);
    return this.wakeUpTask(t, reason);
  }

  /** select_task_rq(): previous CPU if idle, else any idle allowed CPU, else the previous one. */
  private selectCpu(t: Task): Cpu {
    const allowed = t.cpusAllowed;
    if (allowed.length === 1) return this.cpus[allowed[0] as number] as Cpu;
    const prev = t.cpu;
    if (prev.idle && allowed.includes(prev.id)) return prev;
    for (const id of allowed) {
      const c = this.cpus[id] as Cpu;
      if (c.idle) return c;
    }
    return allowed.includes(prev.id) ? prev : (this.cpus[allowed[0] as number] as Cpu);
  }

  private preemptible(t: Task): boolean {
    const c = t.ctx;
    return c.atomic === 0 && c.irqsOff === 0 && c.spinningOn === null && (this.sched.preempt === 'full' || t.inKernel === 0);
  }

  private kick(cpu: Cpu): void {
    if (cpu.kickEv === null) cpu.kickEv = this.queue.push(this.now, this.kickFn, cpu);
  }

  private onKick(cpu: Cpu): void {
    cpu.kickEv = null;
    if (cpu.irqStack.length > 0) return; // irq exit reschedules
    const curr = cpu.curr;
    if (curr === null) {
      if (cpu.rq.length > 0) this.reschedule(cpu);
    } else if (cpu.needResched && this.preemptible(curr)) this.reschedule(cpu);
  }

  private armSlice(cpu: Cpu): void {
    const curr = cpu.curr;
    if (cpu.sliceEv !== null || curr === null || cpu.rq.length === 0) return;
    const tick = this.sched.tickNs;
    const due = curr.execStart + idealSlice(this.sched, cpu.rq.length + 1);
    const t = Math.max(Math.ceil(due / tick), Math.floor(this.now / tick) + 1) * tick;
    cpu.sliceTask = curr;
    cpu.sliceEv = this.queue.push(t, this.sliceFn, cpu);
  }

  private onSliceEnd(cpu: Cpu): void {
    cpu.sliceEv = null;
    const curr = cpu.curr;
    if (curr === null || curr !== cpu.sliceTask || cpu.rq.length === 0) return;
    cpu.needResched = true;
    if (cpu.irqStack.length === 0 && this.preemptible(curr)) this.reschedule(cpu);
  }

  /** __schedule(): switch the CPU to the best runnable task (maybe the same one). */
  private reschedule(cpu: Cpu): void {
    const prev = cpu.curr;
    if (prev !== null) {
      this.suspend(prev.ctx);
      prev.vruntime += ((this.now - prev.execStart) * 1024) / prev.weight;
      prev.onCpu = false;
      if (prev.state === 'R') cpu.rq.enqueue(prev);
    }
    cpu.needResched = false;
    if (cpu.sliceEv !== null) {
      this.queue.cancel(cpu.sliceEv);
      cpu.sliceEv = null;
    }
    const next = cpu.rq.pickNext() ?? null;
    cpu.curr = next;
    if (next === null) {
      if (prev !== null) cpu.idleSince = this.now;
      if (this.tracing && prev !== null) this.trace('sched_switch', { prev_comm: prev.name, prev_state: prev.state, next_comm: 'swapper', next_pid: 0 });
      return;
    }
    next.onCpu = true;
    next.execStart = this.now;
    next.ctx.cpu = cpu;
    if (next.hookSlept) {
      next.hookSlept = false;
      next.schedHooks?.running();
    }
    if (next !== prev) {
      next.nvcsw++;
      next.ctx.spendLeft += this.costs.contextSwitch;
      if (prev === null && this.now - cpu.idleSince >= this.sched.idleResidencyNs) next.ctx.spendLeft += this.costs.idleExit;
      if (this.tracing) {
        this.trace('sched_switch', { prev_comm: prev?.name ?? 'swapper', prev_state: prev?.state ?? 'R', next_comm: next.name, next_pid: next.pid });
      }
    }
    this.armSlice(cpu);
    if (cpu.irqStack.length > 0) return;
    if (this.depth > MAX_DEPTH) this.queue.push(this.now, this.resumeFn, next);
    else this.resumeTask(next);
  }

  private onDeferredResume(t: Task): void {
    const cpu = t.cpu;
    if (cpu.curr === t && cpu.irqStack.length === 0) this.resumeTask(t);
  }

  /** Resume the current task; on return to user mode with task_work pending from TWA_SIGNAL, run it first. */
  private resumeTask(t: Task): void {
    if (t.notifySignal && t.inKernel === 0 && t.taskWorks.length > 0 && t.ctx.gens.length === 1) {
      const ctx = t.ctx;
      ctx.savedSpend.push(ctx.spendLeft);
      ctx.savedResume.push(ctx.resumeValue);
      ctx.spendLeft = 0;
      ctx.resumeValue = undefined;
      ctx.gens.push(this.signalTaskWork(t));
      this.advance(ctx, undefined);
      return;
    }
    this.resume(t.ctx);
  }

  private *signalTaskWork(t: Task): KGen<void> {
    t.inKernel++;
    if (!this.charge(this.costs.hardirq)) yield this.costs.hardirq; // the IPI that got the task into the kernel
    yield* runTaskWork(t);
    t.inKernel--;
  }

  // ---- interrupts -----------------------------------------------------------

  /** Raise a hardirq on `cpu` running `fn` (an interrupt handler). */
  raiseIrq(cpu: Cpu, name: string, fn: () => KGen<unknown>): void {
    cpu.pendingHardirqs.push({ name, fn });
    if (this.depth > 0) {
      if (cpu.irqEv === null) cpu.irqEv = this.queue.push(this.now, this.irqFn, cpu);
      return;
    }
    this.onPendingIrq(cpu);
  }

  private onPendingIrq(cpu: Cpu): void {
    cpu.irqEv = null;
    const top = cpu.top();
    if (top !== null && (top.kind === 'hardirq' || top.irqsOff > 0)) return; // delivered at irq exit / irq enable
    const w = cpu.pendingHardirqs.shift();
    if (w !== undefined) this.enterIrq(cpu, 'hardirq', w);
  }

  /** Raise a softirq on `cpu`; it runs at irq exit, or at once if the CPU is in task context. */
  raiseSoftirq(cpu: Cpu, name: string, fn: () => KGen<unknown>): void {
    cpu.pendingSoftirqs.push({ name, fn });
    if (cpu.irqStack.length === 0) {
      const softirq: IrqWork = { name, fn: () => this.softirqLoop(cpu) };
      if (this.depth > 0) {
        this.queue.push(this.now, () => {
          if (cpu.irqStack.length === 0 && cpu.pendingSoftirqs.length > 0) this.enterIrq(cpu, 'softirq', softirq);
        });
      } else this.enterIrq(cpu, 'softirq', softirq);
    }
  }

  private enterIrq(cpu: Cpu, kind: 'hardirq' | 'softirq', w: IrqWork): void {
    const top = cpu.top();
    const ctx = new ExecContext(kind, w.name, cpu, null);
    if (top !== null) this.suspend(top);
    else {
      if (this.now - cpu.idleSince >= this.sched.idleResidencyNs) ctx.spendLeft = this.costs.idleExit;
      cpu.idleSince = Number.POSITIVE_INFINITY; // awake now: a task switched in after this IRQ pays no second idle exit
    }
    ctx.gens.push(w.fn());
    cpu.irqStack.push(ctx);
    if (this.tracing) {
      current.ctx = ctx;
      this.trace(kind === 'hardirq' ? 'irq_handler_entry' : 'softirq_entry', { name: w.name });
      current.ctx = null;
    }
    this.resume(ctx);
  }

  private *softirqLoop(cpu: Cpu): KGen<void> {
    if (!this.charge(this.costs.softirq)) yield this.costs.softirq;
    let w = cpu.pendingSoftirqs.shift();
    while (w !== undefined) {
      yield* w.fn();
      w = cpu.pendingSoftirqs.shift();
    }
  }

  /** irq_exit(): next pending hardirq, else softirqs, else back to what was interrupted. */
  private irqExit(cpu: Cpu): void {
    const w = cpu.pendingHardirqs.shift();
    if (w !== undefined) {
      this.enterIrq(cpu, 'hardirq', w);
      return;
    }
    if (cpu.pendingSoftirqs.length > 0 && !cpu.irqStack.some((c) => c.kind === 'softirq')) {
      this.enterIrq(cpu, 'softirq', { name: cpu.pendingSoftirqs[0]?.name ?? 'softirq', fn: () => this.softirqLoop(cpu) });
      return;
    }
    this.returnFromInterrupt(cpu);
  }

  private returnFromInterrupt(cpu: Cpu): void {
    const top = cpu.irqStack[cpu.irqStack.length - 1];
    if (top !== undefined) {
      this.resume(top);
      return;
    }
    const curr = cpu.curr;
    if (curr === null) {
      if (cpu.rq.length > 0) this.reschedule(cpu);
      else cpu.idleSince = this.now;
      return;
    }
    if (cpu.needResched && this.preemptible(curr)) this.reschedule(cpu);
    else this.resumeTask(curr);
  }

  // ---- spinlocks --------------------------------------------------------------

  private acquireSpinlock(ctx: ExecContext, l: SpinLock, irqsave: boolean): void {
    l.holder = ctx;
    ctx.atomic++;
    if (irqsave) ctx.irqsOff++;
    ctx.heldSpinlocks.push(l);
  }

  /** @internal spin_unlock: release, hand over to the first spinner, honour a pending reschedule. */
  releaseSpinlock(ctx: ExecContext, l: SpinLock, irqrestore: boolean): void {
    l.holder = null;
    ctx.atomic--;
    if (irqrestore) ctx.irqsOff--;
    const i = ctx.heldSpinlocks.lastIndexOf(l);
    if (i >= 0) ctx.heldSpinlocks.splice(i, 1);
    const next = l.spinners.shift();
    if (next !== undefined) {
      next.spinningOn = null;
      this.acquireSpinlock(next, l, next.spinIrqsave);
      const c = next.cpu as Cpu;
      if (c.top() === next) this.queue.push(this.now, () => this.resume(next));
    }
    const cpu = ctx.cpu as Cpu;
    if (ctx.irqsOff === 0 && cpu.pendingHardirqs.length > 0 && cpu.irqEv === null) {
      cpu.irqEv = this.queue.push(this.now, this.irqFn, cpu);
    }
    if (ctx.kind === 'task' && ctx.atomic === 0 && cpu.needResched && this.sched.preempt === 'full') this.kick(cpu);
  }

  // ---- task_work ----------------------------------------------------------------

  /**
   * task_work_add(): queue `work` to run in `t`'s context on its way back to
   * user space (or wherever the task runs its task_work, e.g. io_uring's wait
   * loop). TWA_SIGNAL wakes an interruptible sleeper and interrupts a task
   * running in user mode (IPI); TWA_SIGNAL_NO_IPI wakes a sleeper but lets a
   * running task find the work at its next kernel exit. Returns false if the
   * task has exited (-ESRCH).
   */
  taskWorkAdd(t: Task, work: TaskWork, notify: TwaMode): boolean {
    if (t.state === 'X') return false;
    t.taskWorks.push(work);
    if (notify !== 'TWA_SIGNAL' && notify !== 'TWA_SIGNAL_NO_IPI') return true;
    t.notifySignal = true;
    if (t.state === 'S') {
      if (!(t.waitingOn as { timerSleep?: boolean } | null)?.timerSleep) this.wakeUpState(t, 'S', 'signal');
    } else if (notify === 'TWA_SIGNAL' && t.onCpu && t.inKernel === 0 && current.ctx?.cpu !== t.cpu) {
      // kick_process(): an IPI (never to the current CPU) makes the task enter the kernel and run its task_work
      this.raiseIrq(t.cpu, 'ipi', function* () {});
    }
    return true;
  }
}

/** task_work_run() for task `t` (it must be the current task): run every pending item, oldest first. */
export function* runTaskWork(t: Task): KGen<number> {
  t.notifySignal = false;
  let n = 0;
  let w = t.taskWorks.shift();
  while (w !== undefined) {
    n++;
    yield* w.fn();
    w = t.taskWorks.shift();
  }
  return n;
}
