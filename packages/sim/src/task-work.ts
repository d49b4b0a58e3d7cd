/**
 * kernel/task_work.c: running a task's queued task_work callbacks.
 * (Queueing them is `Simulator.taskWorkAdd`.)
 * @module
 */
import type { KGen } from './context';
import type { Task } from './task';

/** task_work_run() for task `t` (it must be the current task): run every pending item, oldest first. */
export function* runTaskWork(t: Task): KGen<number> {
  t.notifySignal = false;
  t.notifyResume = false;
  let n = 0;
  let w = t.taskWorks.shift();
  while (w !== undefined) {
    n++;
    yield* w.fn();
    w = t.taskWorks.shift();
  }
  return n;
}
