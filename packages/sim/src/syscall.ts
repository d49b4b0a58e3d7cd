/**
 * The user/kernel boundary: syscalls and exit_to_user_mode(), where pending
 * task_work runs and a pending reschedule is honoured.
 * @module
 */
import type { KGen, Task } from './context';
import { charge, condResched, currentEngine, currentTask } from './requests';
import { runTaskWork } from './task-work';

/** A system call's handler: the kernel function the syscall table calls with the call's arguments. */
export type SyscallHandler<A extends unknown[], R> = (...args: A) => KGen<R>;

// kernel/entry/common.c: syscall entry and syscall_exit_to_user_mode()
/**
 * Run a system call from a user task: pays `costs.syscall`, runs in kernel
 * mode, then `exit_to_user_mode()` (task_work, then reschedule if due). Use
 * it as `yield* syscall(handler, ...args)` — the handler and its arguments,
 * as the syscall table calls `sys_io_uring_enter(…)` — or `yield*
 * syscall(body)` with the body's generator already made. The first form
 * lets a build with plain-first calls run the handler without a generator
 * (the handler's twin, see plain-first.ts).
 */
export function syscall<R>(body: KGen<R>): KGen<R>;
export function syscall<A extends unknown[], R>(handler: SyscallHandler<A, R>, ...args: A): KGen<R>;
export function* syscall<R>(body: KGen<R> | SyscallHandler<unknown[], R>, ...args: unknown[]): KGen<R> {
  const t = currentTask();
  t.inKernel++;
  charge(currentEngine().costs.syscall);
  const r = typeof body === 'function' ? yield* body(...args) : yield* body;
  // exit_to_user_mode_prepare(): only when there is something to do
  if (exitWorkPending(t)) yield* exitToUserMode();
  t.inKernel--;
  return r;
}

/** exit_to_user_mode_prepare(): task_work queued, or a reschedule due and allowed. */
function exitWorkPending(t: Task): boolean {
  return t.taskWorks.length > 0 || (t.cpu.needResched && t.ctx.atomic === 0);
}

/** kernel/entry/common.c exit_to_user_mode_loop(): task_work, then a pending reschedule. */
export function* exitToUserMode(): KGen<void> {
  const t = currentTask();
  while (exitWorkPending(t)) {
    if (t.taskWorks.length > 0) yield* runTaskWork(t);
    else yield condResched;
  }
}

// include/linux/task_work.h: task_work_pending()
/**
 * Whether `yield* taskWorkRun()` would do anything for the current task: work
 * is queued, or a TIF_NOTIFY_SIGNAL / TIF_NOTIFY_RESUME flag is set that it
 * would clear. When false the call has no effect (and returns 0), so hot
 * loops write `if (taskWorkPending()) yield* taskWorkRun();` and skip making
 * its generator.
 */
export function taskWorkPending(): boolean {
  const t = currentTask();
  return t.taskWorks.length > 0 || t.notifySignal || t.notifyResume;
}

/**
 * task_work_run() for the current task; returns how many items ran. A plain
 * function handing back `runTaskWork`'s generator (one generator per call,
 * not two); use it as `yield* taskWorkRun()`.
 */
export function taskWorkRun(): KGen<number> {
  return runTaskWork(currentTask());
}
