/**
 * The simulator: virtual clock, event loop, CPUs and the code that moves
 * execution contexts on and off them. Built in layers, one file each:
 * `EventLoop` (clock, events, tracing) → `Executor` (running contexts, the
 * hot path) → `SchedCore` (sleep, wake-up, `__schedule`) → `Interrupts`
 * (hardirq, softirq, spin_unlock) → `Affinity` (set_cpus_allowed_ptr) →
 * `Simulator` (options, tasks, task_work_add).
 *
 * ```ts
 * const sim = new Simulator({ seed: 1, cpus: 2 });
 * sim.spawn('worker', function* () { yield 1_000; yield sleep(5_000); yield 1_000; });
 * const r = sim.run();
 * ```
 * @module
 */
import { Cpu, type KGen, Task, type TaskWork, type Waitable } from './context';
import { type CostModel, defaultCosts } from './costs';
import { CpuWindows } from './cpu-windows';
import { namedCosts, StageAccounting } from './stages';
import type { HungTask } from './errors';
import { Affinity } from './affinity';
import { current } from './current';
import { currentEngine } from './requests';
import { Rng } from './rng';
import { defaultSchedParams, type SchedParams } from './sched';

export type { RunResult } from './event-loop';

/** The reschedule IPI's handler: nothing past its entry cost (the return path finds the task_work). */
function ipiHandler(): null {
  return null;
}

/** The simulator running the current code. */
export function currentSim(): Simulator {
  return currentEngine() as Simulator; // only a Simulator runs simulated code (Executor.advance sets current.sim)
}

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
  /** Account CPU time per named cost and context (`sim.stages`); results are the same either way. */
  readonly stages?: boolean;
  /** Bin each CPU's busy time by context into windows of this many ns (`sim.cpuWindows`); results are the same either way. */
  readonly cpuWindowNs?: number;
  /** Livelock watchdog: steps in a row at the same virtual time before a `LivelockError`. Default 1,000,000. */
  readonly livelockSteps?: number;
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

/** How task_work_add() notifies the task (kernel/task_work.c `enum task_work_notify_mode`). */
export type TwaMode = 'TWA_NONE' | 'TWA_RESUME' | 'TWA_SIGNAL' | 'TWA_SIGNAL_NO_IPI';

/** The discrete-event simulator. */
export class Simulator extends Affinity {
  readonly rng: Rng;
  readonly cpus: readonly Cpu[];
  readonly sched: SchedParams;
  readonly costs: CostModel;
  readonly costTable: CostModel;
  /** Counters of `nextId`, one object per sequence so a call is one map lookup (no `set`). */
  private readonly ids = new Map<string, { n: number }>();
  private nextPid = 1;

  constructor(opts: SimOptions = {}) {
    super(opts.trace ?? false);
    this.rng = new Rng(opts.seed ?? 1);
    const n = opts.cpus ?? 1;
    if (!Number.isInteger(n) || n < 1 || n > 4096) throw new RangeError(`cpus must be 1..4096, got ${n}`);
    this.cpus = Array.from({ length: n }, (_, i) => new Cpu(i, this));
    this.domains.push(...this.cpus);
    this.sched = { ...defaultSchedParams, ...opts.sched };
    this.costTable = { ...defaultCosts, ...opts.costs };
    if (opts.stages === true) this.stages = new StageAccounting(() => this.now);
    this.costs = this.stages !== null ? namedCosts(this.costTable, this.stages) : this.costTable;
    if (opts.cpuWindowNs !== undefined) this.cpuWindows = new CpuWindows(n, opts.cpuWindowNs);
    if (opts.livelockSteps !== undefined) {
      if (!Number.isInteger(opts.livelockSteps) || opts.livelockSteps < 1) throw new RangeError(`livelockSteps must be a positive integer, got ${opts.livelockSteps}`);
      this.livelockSteps = opts.livelockSteps;
    }
  }

  /** The next number of the per-simulation sequence `name` (1, 2, …): ids that are the same in every run of a seed. */
  nextId(name: string): number {
    let c = this.ids.get(name);
    if (c === undefined) {
      c = { n: 0 };
      this.ids.set(name, c);
    }
    return ++c.n;
  }

  /** Tasks in uninterruptible sleep (state D), with what they wait on. */
  hungTasks(): HungTask[] {
    return this.tasksIn('D');
  }

  /** Tasks in interruptible sleep (state S), with what they wait on. */
  sleepingTasks(): HungTask[] {
    return this.tasksIn('S');
  }

  private tasksIn(state: 'S' | 'D'): HungTask[] {
    const out: HungTask[] = [];
    for (const t of this.live) {
      if (t.state === state) out.push({ task: t.name, pid: t.pid, waitingOn: t.waitingOn?.name ?? '?', since: t.sleptAt });
    }
    return out;
  }

  /** Live (not exited) tasks. */
  tasks(): readonly Task[] {
    return [...this.live];
  }

  // ---- tasks --------------------------------------------------------------

  /**
   * Create a task running `body`. It becomes runnable now (or sleeps, with
   * `opts.sleeping`). Called from a running task, it is a fork: the child goes
   * through wake_up_new_task() and starts a slice in debt (START_DEBIT).
   * Called from outside simulated code (set-up, event callbacks) it is one of
   * the tasks already there: it starts at its run queue's min_vruntime.
   */
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
    // a task forked by running simulated code goes through wake_up_new_task(); the harness's tasks (outside the run) are the initial population
    const parent = current.sim === this ? current.ctx?.task : null;
    if (parent !== null && parent !== undefined) {
      this.wakeUpNewTask(t, parent);
      return t;
    }
    t.state = 'S';
    this.wakeUpTask(t, 'woken');
    return t;
  }

  // ---- task_work ----------------------------------------------------------------

  /**
   * task_work_add(): queue `work` to run in `t`'s context on its way back to
   * user space (or wherever the task runs its task_work, e.g. io_uring's wait
   * loop). TWA_SIGNAL wakes an interruptible sleeper and interrupts a task
   * running in user mode (IPI); TWA_SIGNAL_NO_IPI wakes a sleeper but lets a
   * running task find the work at its next kernel exit. TWA_RESUME wakes
   * nobody but interrupts a task running in user mode (IPI), which runs the
   * work on its way back out; TWA_NONE only queues it. Returns false if the
   * task has exited (-ESRCH).
   */
  taskWorkAdd(t: Task, work: TaskWork, notify: TwaMode): boolean {
    if (t.state === 'X') return false;
    t.taskWorks.push(work);
    switch (notify) {
      case 'TWA_NONE':
        return true;
      case 'TWA_RESUME':
        // set_notify_resume(): TIF_NOTIFY_RESUME, then kick_process()
        t.notifyResume = true;
        this.kickProcess(t);
        return true;
      case 'TWA_SIGNAL':
      case 'TWA_SIGNAL_NO_IPI':
        // set_notify_signal(): TIF_NOTIFY_SIGNAL; wake an interruptible sleeper, else kick_process()
        t.notifySignal = true;
        if (t.state === 'S') {
          if (!(t.waitingOn as { timerSleep?: boolean } | null)?.timerSleep) this.wakeUpState(t, 'S', 'signal');
        } else if (notify === 'TWA_SIGNAL') this.kickProcess(t);
        return true;
    }
  }

  /**
   * kernel/sched/core.c kick_process(): a task running in user mode on another
   * CPU gets an IPI, so it enters the kernel and runs its task_work on the way
   * back out. (The IPI is never sent to the current CPU, whose return path
   * finds the work by itself.)
   */
  private kickProcess(t: Task): void {
    if (!t.onCpu || t.inKernel > 0 || current.ctx?.cpu === t.cpu) return;
    this.raiseIrqWork(t.cpu, { name: 'ipi', fn: ipiHandler, entryCost: this.costTable.hardirq });
  }
}
