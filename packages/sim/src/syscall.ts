/**
 * The user/kernel boundary: syscalls and exit_to_user_mode(), where pending
 * task_work runs and a pending reschedule is honoured.
 * @module
 */
import type { KGen } from './context';
import { charge, condResched, currentSim, currentTask } from './requests';
import { runTaskWork } from './task-work';

/**
 * Run `body` as a system call from a user task: pays `costs.syscall`, runs in
 * kernel mode, then `exit_to_user_mode()` (task_work, then reschedule if due).
 */
export function* syscall<R>(body: KGen<R>): KGen<R> {
  const t = currentTask();
  t.inKernel++;
  if (!charge(currentSim().costs.syscall)) yield currentSim().costs.syscall;
  const r = yield* body;
  yield* exitToUserMode();
  t.inKernel--;
  return r;
}

/** kernel/entry/common.c exit_to_user_mode_loop(): task_work, then a pending reschedule. */
export function* exitToUserMode(): KGen<void> {
  const t = currentTask();
  for (;;) {
    if (t.taskWorks.length > 0) {
      yield* runTaskWork(t);
      continue;
    }
    if (t.cpu.needResched && t.ctx.atomic === 0) {
      yield condResched;
      continue;
    }
    return;
  }
}

/** task_work_run() for the current task; returns how many items ran. */
export function* taskWorkRun(): KGen<number> {
  return yield* runTaskWork(currentTask());
}
