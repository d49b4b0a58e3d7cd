/**
 * kernel/task_work.c: running a task's queued task_work callbacks.
 * (Queueing them is `Simulator.taskWorkAdd`.)
 * @module
 */
import type { KGen, Task } from './context';
import { currentEngine } from './requests';

// kernel/task_work.c: task_work_run()
/**
 * task_work_run() for task `t` (it must be the current task): run every
 * pending item, oldest first. With tracing on, the run is a `task_work_run`
 * slice inside the task's slice, with the number of items run.
 */
export function* runTaskWork(t: Task): KGen<number> {
  t.notifySignal = false;
  t.notifyResume = false;
  let w = t.taskWorks.shift();
  if (w === undefined) return 0;
  const sim = currentEngine();
  const span = sim.tracing ? sim.traceNestedBegin('task_work_run') : null;
  let n = 0;
  while (w !== undefined) {
    n++;
    yield* w.fn();
    w = t.taskWorks.shift();
  }
  if (span !== null) sim.traceNestedEnd(span, { items: n });
  return n;
}
