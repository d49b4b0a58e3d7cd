/**
 * struct work_struct and the Workqueue interface every implementation
 * offers (the seam iomap and aio queue completions through).
 * @module
 */
import { type KGen, WaitQueue, waitEvent } from '@dio/sim';

/** struct work_struct. */
export interface WorkStruct {
  readonly name: string;
  /** The work function, run in a worker's task context (a kworker may sleep). */
  readonly func: (work: WorkStruct) => KGen<void>;
  /** WORK_STRUCT_PENDING: queued and not yet started. */
  pending: boolean;
  /** Executions in progress (0 or 1 for a given pool). */
  running: number;
  /** Executions finished. */
  done: number;
  /** Queued instances removed by cancel_work_sync() before they ran. */
  cancelled: number;
  /** WORK_OFFQ_CANCELING: a cancel_work_sync() is in progress; queueing returns false. */
  canceling: boolean;
  /** The queue it was last queued on. */
  queuedOn: Workqueue | null;
  /**
   * Flushers of this item sleep here: made by the first flusher (the kernel's
   * flush_work() waits on a barrier of its own, not in the work item), so a
   * work item that nobody flushes costs no queue.
   */
  flushWq: WaitQueue | null;
}

// include/linux/workqueue.h: INIT_WORK()
/** A work item running `func`. */
export function initWork(name: string, func: (work: WorkStruct) => KGen<void>): WorkStruct {
  return { name, func, pending: false, running: 0, done: 0, cancelled: 0, canceling: false, queuedOn: null, flushWq: null };
}

/** `work`'s flushers' queue, made on first use. */
function flushWaitQueue(work: WorkStruct): WaitQueue {
  return (work.flushWq ??= new WaitQueue(`flush_work(${work.name})`));
}

/** A workqueue. `WorkqueueImpl` is the kernel's; examples show others. */
export interface Workqueue {
  readonly name: string;
  /** WQ_* flags. */
  readonly flags: number;
  readonly maxActive: number;
  /**
   * queue_work_on(): queue `work` on `cpu` (null = the local CPU for bound
   * queues). Returns false if it was already pending or is being cancelled.
   * A plain call, usable in any context; the caller charges `costs.queueWork`.
   * Throws `WorkqueueError` on a destroyed queue, or on a draining one unless
   * called from one of its own work items (chained work).
   */
  queueWorkOn(cpu: number | null, work: WorkStruct): boolean;
  /** flush_workqueue(): wait until every item queued before the call has finished. Task context. */
  flush(): KGen<void>;
  /**
   * cancel_work_sync(): unqueue `work` if pending (it will not run) and wait
   * for a running instance to finish; queueing it meanwhile returns false.
   * Returns whether it was pending. Callers use `cancelWorkSync(work)`.
   */
  cancelSync(work: WorkStruct): KGen<boolean>;
  /** destroy_workqueue(): drain (items may still queue chained work), then refuse further work. */
  destroy(): KGen<void>;
}

// include/linux/workqueue.h: queue_work()
/** Queue on the local CPU (bound) or any CPU (unbound). */
export function queueWork(wq: Workqueue, work: WorkStruct): boolean {
  return wq.queueWorkOn(null, work);
}

// kernel/workqueue.c: queue_work_on()
export function queueWorkOn(cpu: number, wq: Workqueue, work: WorkStruct): boolean {
  return wq.queueWorkOn(cpu, work);
}

// kernel/workqueue.c: flush_workqueue()
export function flushWorkqueue(wq: Workqueue): KGen<void> {
  return wq.flush();
}

// kernel/workqueue.c: cancel_work_sync()
/** Cancel a pending `work` and wait for a running one. Returns whether it was pending. */
export function* cancelWorkSync(work: WorkStruct): KGen<boolean> {
  if (work.queuedOn === null) return false;
  work.canceling = true;
  try {
    return yield* work.queuedOn.cancelSync(work);
  } finally {
    work.canceling = false;
  }
}

/** @internal a queued instance of `work` was cancelled before it ran: wake its flushers. */
export function workCancelled(work: WorkStruct): void {
  work.pending = false;
  work.cancelled++;
  work.flushWq?.wakeUpAll();
}

/** @internal sleep (uninterruptibly) until no instance of `work` runs. */
export function* waitWorkIdle(work: WorkStruct): KGen<void> {
  yield* waitEvent(flushWaitQueue(work), () => work.running === 0, { state: 'D' });
}

/** @internal an instance of `work` started running. */
export function workStarted(work: WorkStruct): void {
  work.pending = false;
  work.running++;
}

/** @internal an instance of `work` finished: wake its flushers. */
export function workFinished(work: WorkStruct): void {
  work.running--;
  work.done++;
  work.flushWq?.wakeUpAll();
}

// kernel/workqueue.c: destroy_workqueue()
export function destroyWorkqueue(wq: Workqueue): KGen<void> {
  return wq.destroy();
}

// kernel/workqueue.c: flush_work()
/**
 * Wait until the instances of `work` pending or running at the call have
 * finished (or, if pending, been cancelled). Returns false if it was idle.
 * Task context.
 */
export function* flushWork(work: WorkStruct): KGen<boolean> {
  const ended = (): number => work.done + work.cancelled;
  const target = ended() + work.running + (work.pending ? 1 : 0);
  if (target === ended()) return false;
  yield* waitEvent(flushWaitQueue(work), () => ended() >= target, { state: 'D' });
  return true;
}
