/**
 * struct work_struct and the Workqueue interface every implementation
 * offers (the seam iomap and aio queue completions through).
 * @module
 */
import { type KGen, WaitQueue, waitEvent } from '@dio/sim';

/** struct work_struct. */
export interface WorkStruct {
  readonly name: string;
  /** The work function, run in a worker's task context. */
  readonly func: (work: WorkStruct) => KGen<void>;
  /** WORK_STRUCT_PENDING: queued and not yet started. */
  pending: boolean;
  /** Executions in progress (0 or 1 for a given pool). */
  running: number;
  /** Executions finished. */
  done: number;
  /** The queue it was last queued on. */
  queuedOn: Workqueue | null;
  /** Flushers of this item sleep here. */
  readonly flushWq: WaitQueue;
}

// include/linux/workqueue.h: INIT_WORK()
/** A work item running `func`. */
export function initWork(name: string, func: (work: WorkStruct) => KGen<void>): WorkStruct {
  return { name, func, pending: false, running: 0, done: 0, queuedOn: null, flushWq: new WaitQueue(`flush_work(${name})`) };
}

/** A workqueue. `WorkqueueImpl` is the kernel's; examples show others. */
export interface Workqueue {
  readonly name: string;
  /** WQ_* flags. */
  readonly flags: number;
  readonly maxActive: number;
  /**
   * queue_work_on(): queue `work` on `cpu` (null = the local CPU for bound
   * queues). Returns false if it was already pending. A plain call, usable
   * in any context; the caller charges `costs.queueWork`.
   */
  queueWorkOn(cpu: number | null, work: WorkStruct): boolean;
  /** flush_workqueue(): wait until every item queued before the call has finished. Task context. */
  flush(): KGen<void>;
  /** cancel_work_sync(): unqueue `work` if pending and wait for a running instance. Returns whether it was pending. */
  cancelSync(work: WorkStruct): KGen<boolean>;
  /** destroy_workqueue(): drain, then refuse further work. */
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
export function* cancelWorkSync(work: WorkStruct): KGen<boolean> {
  if (work.queuedOn === null) return false;
  return yield* work.queuedOn.cancelSync(work);
}

// kernel/workqueue.c: destroy_workqueue()
export function destroyWorkqueue(wq: Workqueue): KGen<void> {
  return wq.destroy();
}

// kernel/workqueue.c: flush_work()
/** Wait for the last queued instance of `work` to finish. Returns false if it was idle. */
export function* flushWork(work: WorkStruct): KGen<boolean> {
  const target = work.done + work.running + (work.pending ? 1 : 0);
  if (target === work.done) return false;
  yield* waitEvent(work.flushWq, () => work.done >= target, { state: 'D' });
  return true;
}
