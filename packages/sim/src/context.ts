/**
 * The engine's state, as the layers above see it: execution contexts
 * (`ExecContext`), the tasks and CPUs they belong to (`Task`, `Cpu`), what
 * code running in them yields (`Request`), what a task can sleep on
 * (`Waitable`), and the engine as those reach it (`Engine`).
 *
 * These types refer to one another (a CPU runs contexts, a context belongs
 * to a task and a CPU, a task sleeps on a waitable that names tasks), so they
 * share one file, as the kernel's `include/linux/sched.h` holds
 * `task_struct` and its neighbours: every other file of the engine imports
 * this one and it imports only the base layer (see docs/engine.md, "Layers").
 * Engine-internal state; read-only to simulated code.
 * @module
 */
import type { CostModel } from './costs';
import type { ClockDomain, EventHandle } from './event-queue';
import { RunQueue } from './sched';
import type { Ns } from './time';
import type { NestedSlice, TraceArgs } from './trace';

// ---- what simulated code yields -----------------------------------------------

/** Simulated kernel (or user) code: a generator that yields requests to the engine. */
export type KGen<R = void> = Generator<Request, R, unknown>;

/** How a wait ended. */
export type WakeReason = 'woken' | 'timeout' | 'signal';

export interface WaitRequest {
  readonly op: 'wait';
  readonly on: Waitable & { enqueueWaiter(t: Task): void; dequeueWaiter(t: Task): void };
  readonly state: 'S' | 'D';
  readonly timeout: Ns;
}
export interface SleepRequest {
  readonly op: 'sleep';
  readonly ns: Ns;
}
export interface MutexRequest {
  readonly op: 'mutex_lock';
  readonly m: MutexState;
}
export interface RwSemRequest {
  readonly op: 'down_read' | 'down_write';
  readonly s: RwSemState;
}
export interface SpinRequest {
  readonly op: 'spin_lock';
  readonly l: SpinLockState;
  readonly irqsave: boolean;
}
export interface SchedRequest {
  /** `cond_resched()`: a voluntary preemption point; `schedule`: give up the CPU but stay runnable. */
  readonly op: 'cond_resched' | 'yield';
}

/** Everything a generator may yield. */
export type Request = number | WaitRequest | SleepRequest | MutexRequest | RwSemRequest | SpinRequest | SchedRequest;

/** A sleeping mutex as the engine takes it for `mutex_lock` (`Mutex` is one). */
export interface MutexState extends Waitable {
  owner: Task | null;
  readonly waiters: Task[];
}

/** A rwsem as the engine takes it for `down_read` / `down_write` (`RwSem` is one). */
export interface RwSemState extends Waitable {
  tryAcquire(t: Task, write: boolean): boolean;
  readonly waiters: { task: Task; write: boolean }[];
}

/** A spinlock as the engine hands it over (`SpinLock` is one). */
export interface SpinLockState {
  readonly name: string;
  holder: ExecContext | null;
  /** Contexts busy-waiting for it, in arrival order. */
  readonly spinners: ExecContext[];
}

// ---- what a task sleeps on --------------------------------------------------------

/**
 * Something that can make a blocked task runnable again. A `Task` blocks the
 * chain only if it is itself asleep; an `Agent` (a device, a timer, the
 * hardware) always makes progress by itself, so a chain ending there is no deadlock.
 */
export type Blocker = Task | Agent;

/** A non-task actor that progresses on its own (device, timer, IRQ). */
export interface Agent {
  readonly agent: string;
}

/** Anything a task can sleep on. */
export interface Waitable {
  /** Human-readable name used in error chains and hung-task reports. */
  readonly name: string;
  /** Who must act before a waiter can proceed. */
  blockers(): Iterable<Blocker>;
}

// ---- the engine, as the layers above reach it --------------------------------------------

/**
 * The part of the simulator that code below it and the locks and wait queues
 * use (`Simulator` implements it; `currentSim()` returns the whole of it):
 * waking a task from any context, handing a spinlock over, the cost table
 * and tracing.
 */
export interface Engine {
  /** Virtual time, ns. */
  readonly now: Ns;
  readonly costs: CostModel;
  /** True when trace records are collected. */
  readonly tracing: boolean;
  /** Charge CPU time to the running context as a plain call (see `charge`); always true. */
  charge(ns: number): boolean;
  /**
   * `yield ns` done in place when nothing could come of yielding it: the
   * spend run ahead, as the engine runs a spend ahead when no event is due
   * before it ends (or charged, under `runNoSleep`). False, with nothing
   * done, when it must be yielded (see `trySpend`).
   */
  trySpend(ns: number): boolean;
  /** spin_lock() from plain code: take `l` for `ctx` if it is free (false when another context holds it). */
  tryAcquireSpinlock(ctx: ExecContext, l: SpinLockState, irqsave: boolean): boolean;
  /** try_to_wake_up(). */
  wakeUpTask(t: Task, reason: WakeReason): boolean;
  /** spin_unlock(): release, hand over, restore interrupts. */
  releaseSpinlock(ctx: ExecContext, l: SpinLockState, irqrestore: boolean): void;
  traceNestedBegin(name: string): NestedSlice | null;
  traceNestedEnd(n: NestedSlice | null, args?: TraceArgs): void;
}

// ---- CPUs -------------------------------------------------------------------

/**
 * Interrupt work: a handler run in hardirq or softirq context. Handlers
 * cannot sleep, so `fn` is a plain function that charges its costs and acts
 * (returning nothing); a generator function (yielding spends only) is
 * accepted too, for handlers written that way.
 */
export interface IrqWork {
  readonly name: string;
  readonly fn: () => KGen<unknown> | null | void;
  /** CPU time the handler costs before `fn` is called, charged by the engine as `charge(ns)` at the top of the handler would be. Default 0. */
  readonly entryCost?: number;
}

/** CPU time by context, ns (what `/proc/stat` splits it into). */
export interface CpuTimes {
  user: number;
  sys: number;
  hardirq: number;
  softirq: number;
}

/** One CPU. Engine state; read-only to simulated code. */
export class Cpu implements ClockDomain {
  /**
   * This CPU's virtual time, ns, as of the last time code ran on it (while it
   * runs, `sim.now` is ahead of it). A CPU's code may run ahead of another
   * CPU's on its own clock; see docs/engine.md, "Clocks".
   */
  clock = 0;
  /** Interrupt contexts stacked above the current task, innermost last. */
  readonly irqStack: ExecContext[] = [];
  /** The task owning the task-level context, or null when idle. */
  curr: Task | null = null;
  readonly rq = new RunQueue<Task>();
  /** TIF_NEED_RESCHED on the current task. */
  needResched = false;
  /** @internal */ sliceEv: EventHandle | null = null;
  /** @internal */ sliceTask: Task | null = null;
  /** @internal */ kickEv: EventHandle | null = null;
  /** @internal */ irqEv: EventHandle | null = null;
  /** @internal an event callback raised a hardirq here, entered once the callback returns */
  irqDeferred = false;
  /** @internal the softirq loop on this CPU (made once, not a closure per softirq run) */
  softirqLoop: (() => KGen<unknown> | null | void) | null = null;
  /** Hardirqs raised while interrupts were off or another hardirq ran. */
  readonly pendingHardirqs: IrqWork[] = [];
  /** Raised softirqs, run at irq_exit or local_bh_enable. */
  readonly pendingSoftirqs: IrqWork[] = [];
  /** When the CPU last went idle. */
  idleSince = 0;
  /**
   * Called each time the CPU goes idle, where NO_HZ stops its tick
   * (tick_nohz_idle_stop_tick()): a layer's tick-driven check (the
   * workqueue's CPU-hog tick) stops there too.
   */
  readonly idleHooks: (() => void)[] = [];
  readonly times: CpuTimes = { user: 0, sys: 0, hardirq: 0, softirq: 0 };

  constructor(
    readonly id: number,
    readonly sim: Engine,
  ) {}

  /** The context running now, or null when idle. */
  top(): ExecContext | null {
    const s = this.irqStack;
    if (s.length > 0) return s[s.length - 1] as ExecContext;
    return this.curr ? this.curr.ctx : null;
  }

  /** Nothing running and nothing queued. */
  get idle(): boolean {
    return this.curr === null && this.irqStack.length === 0 && this.rq.length === 0;
  }

  /** True while an interrupt context is running or stacked. */
  get inInterrupt(): boolean {
    return this.irqStack.length > 0;
  }
}

// ---- execution contexts ------------------------------------------------------------

/** The kind of context code runs in: `in_task()`, `in_softirq()`, `in_hardirq()`. */
export type CtxKind = 'task' | 'softirq' | 'hardirq';

/** Injected work on a context and the state of the spend it interrupted (see `ExecContext.injected`). */
export interface InjectedRun {
  /** How many frames the context's stack held under the injected work's. */
  readonly depth: number;
  readonly spendLeft: number;
  readonly resumeValue: unknown;
  readonly sysDebt: number;
}

/** One execution context. Engine-internal state; read-only to simulated code. */
export class ExecContext {
  /**
   * Stack of frames, the running one last: index 0 is the context's body;
   * above it the frames of the calls under way (a build with plain-first
   * calls yields a call instead of delegating with yield*, plain-first.ts)
   * and injected work (task_work via IPI, from `injected.depth` up). Empty
   * for an interrupt handler until it is called; then the generator it
   * returns if it has to yield.
   */
  gens: KGen<unknown>[];
  /**
   * Injected work running on this (task) context — task_work run on return to
   * user mode, which interrupted a spend — with what it interrupted; null
   * when none. Never nested: work is injected only while this is null.
   */
  injected: InjectedRun | null = null;
  /**
   * Leading ns of the pending spend that are kernel work done on the task's
   * behalf (context switch, idle exit): accounted as system time even when
   * the task runs in user mode.
   */
  sysDebt = 0;
  /** CPU time still to burn before the generator is resumed. */
  spendLeft = 0;
  /** > 0 while a `charge()` of this context is under way on the JS stack (it cannot be switched out until it returns). */
  charging = 0;
  /** > 0 while `runNoSleep` runs code of this context (its spends are charges). */
  noSleep = 0;
  /** An exception a frame of a call threw, to be thrown into the frame below (`stepTop`, a `FrameFault`). */
  frameThrew = false;
  frameError: unknown = undefined;
  /** Time the current spend started (for accounting). */
  spendStart = 0;
  /** @internal When the current step of this context's code began (the soft-lockup detector). */
  stepStart = 0;
  /** Pending spend-completion event. */
  spendEv: EventHandle | null = null;
  /** preempt_count: > 0 while holding spinlocks or with preemption disabled. */
  atomic = 0;
  /** > 0 while local interrupts are disabled (spin_lock_irqsave). */
  irqsOff = 0;
  /** Set while busy-waiting for a spinlock held elsewhere. */
  spinningOn: SpinLockState | null = null;
  /** Whether the awaited spinlock was requested with irqsave. */
  spinIrqsave = false;
  /** Value handed to the generator when it is next resumed. */
  resumeValue: unknown = undefined;
  /** Spinlocks held, innermost last (for error chains). */
  readonly heldSpinlocks: SpinLockState[] = [];
  /** @internal the context's class for stage accounting (stages.ts), -1 until first needed */
  stageClass = -1;
  /** @internal the interrupt handler this context runs, until it is called (the body is then its generator, if any). */
  handler: IrqWork | null = null;
  /** @internal the handler's entry cost, until charged (see `IrqWork.entryCost`). */
  entryCost = 0;

  constructor(
    readonly kind: CtxKind,
    /** Label shown in traces: the task name, or the IRQ handler's name. */
    public label: string,
    public cpu: Cpu | null,
    readonly task: Task | null,
    /** The body, or null for an interrupt context, which runs `handler` instead. */
    body: KGen<unknown> | null,
  ) {
    // an exact-size array: a push onto an empty one would reserve 17 slots, for every IRQ
    this.gens = body === null ? [] : [body];
  }

  /** `in_atomic()`: may not sleep here. */
  get atomicContext(): boolean {
    return this.kind !== 'task' || this.atomic > 0 || this.irqsOff > 0;
  }

  /** A description for error chains: `hardirq 'nullb_irq' on cpu0`. */
  describe(): string {
    const where = this.cpu ? ` on cpu${this.cpu.id}` : '';
    if (this.kind === 'task') return `task '${this.label}'${where}`;
    return `${this.kind} '${this.label}'${where}`;
  }
}

// ---- tasks ----------------------------------------------------------------

/**
 * Task states as `ps` shows them: R runnable or running, S interruptible
 * sleep, D uninterruptible sleep, X exited.
 */
export type TaskState = 'R' | 'S' | 'D' | 'X';

/** One task_work callback (kernel/task_work.c `struct callback_head`). */
export interface TaskWork {
  readonly name: string;
  /** Runs in the task's own context, in process context. */
  readonly fn: () => KGen<unknown>;
}

/** nice → weight, kernel/sched/core.c sched_prio_to_weight[]. */
const PRIO_TO_WEIGHT = [
  88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916, 9548, 7620, 6100, 4904, 3906, 3121, 2501,
  1991, 1586, 1277, 1024, 820, 655, 526, 423, 335, 272, 215, 172, 137, 110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
];

/** Load weight of a nice level (−20…19). */
export function niceToWeight(nice: number): number {
  const i = Math.max(-20, Math.min(19, Math.round(nice))) + 20;
  return PRIO_TO_WEIGHT[i] as number;
}

/** A simulated task (`struct task_struct`). Fields are engine state; treat as read-only. */
export class Task {
  readonly ctx: ExecContext;
  state: TaskState = 'R';
  /** The CPU it last ran on or is queued on. */
  cpu: Cpu;
  /** True while it is the CPU's current task. */
  onCpu = false;
  /** > 0 while executing kernel code (inside a syscall); kthreads are always in the kernel. */
  inKernel: number;
  /** CFS virtual runtime (ns scaled by weight). */
  vruntime = 0;
  /** EEVDF: virtual deadline (`se->deadline`): vruntime at which its current slice ends. */
  deadline = 0;
  /** EEVDF: lag saved when it left the run queue (`se->vlag`), restored by place_entity() when it comes back. */
  vlag = 0;
  /** EEVDF RUN_TO_PARITY: the vruntime until which, once picked, no wakee may preempt it (`se->vprot`). */
  vprot = 0;
  /** When it last got the CPU. */
  execStart = 0;
  readonly weight: number;
  /** What it is sleeping on, while asleep. */
  waitingOn: Waitable | null = null;
  sleptAt = 0;
  timeoutEv: EventHandle | null = null;
  /** Pending task_work, oldest first. */
  readonly taskWorks: TaskWork[] = [];
  /** TIF_NOTIFY_SIGNAL: task_work was added with TWA_SIGNAL(_NO_IPI). */
  notifySignal = false;
  /** TIF_NOTIFY_RESUME: task_work was added with TWA_RESUME; it runs on the next return to user mode. */
  notifyResume = false;
  /** Sequence of the last enqueue, for FIFO among equal vruntimes. */
  enqSeq = 0;
  /** User and system CPU time consumed, ns. */
  utime = 0;
  stime = 0;
  /** Number of context switches into this task. */
  nvcsw = 0;
  /**
   * Scheduler hooks (the kernel's wq_worker_sleeping / wq_worker_running for
   * kworkers): `sleeping` when the task blocks, `running` when it next gets
   * the CPU after having blocked.
   */
  schedHooks: { sleeping(): void; running(): void } | null = null;
  /** @internal the task blocked since it last ran (for schedHooks.running). */
  hookSlept = false;
  /** @internal set_cpus_allowed_ptr() left it running on a CPU it may no longer use: the migration stopper moves it at its next chance. */
  migratePending = false;
  /** `cpus_mask`: the CPUs it may run on. Change it with `Simulator.setCpusAllowed`. */
  cpusAllowed: readonly number[];
  /** Value returned by the body when it finished. */
  result: unknown = undefined;
  /** `task_struct->plug`: the block layer's active plug (a @dio/blockdev `BlkPlug`), or null. */
  plug: object | null = null;

  constructor(
    readonly pid: number,
    readonly name: string,
    body: KGen<unknown>,
    cpu: Cpu,
    cpusAllowed: readonly number[],
    readonly kind: 'user' | 'kthread',
    nice: number,
  ) {
    this.ctx = new ExecContext('task', name, null, this, body);
    this.cpu = cpu;
    this.cpusAllowed = cpusAllowed;
    this.inKernel = kind === 'kthread' ? 1 : 0;
    this.weight = niceToWeight(nice);
  }

  toString(): string {
    return `${this.name}[${this.pid}]`;
  }
}

// kernel/sched/core.c: task_sched_runtime()
/**
 * `t`'s CPU time so far (`se.sum_exec_runtime`: user + system), including the
 * part of a burn (`spend`) in progress that has run by now.
 */
export function taskSchedRuntime(t: Task): Ns {
  const c = t.ctx;
  return t.stime + t.utime + (c.spendEv !== null ? t.cpu.sim.now - c.spendStart : 0);
}
