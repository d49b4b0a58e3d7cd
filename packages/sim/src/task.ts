/**
 * Tasks: user processes and kernel threads, each a generator running in its
 * own task context, scheduled on the CPUs in its `cpusAllowed` set.
 * @module
 */
import type { Waitable } from './blocker';
import { ExecContext, type KGen } from './context';
import type { Cpu } from './cpu';
import type { EventHandle } from './event-queue';
import type { Ns } from './time';

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
