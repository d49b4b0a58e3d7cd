/**
 * @dio/workqueue — kernel/workqueue.c on the dio engine: `allocWorkqueue`
 * (WQ_UNBOUND, WQ_HIGHPRI, WQ_CPU_INTENSIVE, WQ_MEM_RECLAIM, max_active),
 * ordered queues, per-CPU and unbound worker pools of kworker tasks with
 * concurrency management, `queueWork`, `flushWork`, `flushWorkqueue`,
 * `cancelWorkSync`, `destroyWorkqueue`, and the CPU-hog warning. `Workqueue`
 * is an interface: pass your own implementation where a queue is expected.
 * @module
 */
export * from './flags';
export { initWork, queueWork, queueWorkOn, flushWork, flushWorkqueue, cancelWorkSync, destroyWorkqueue, type Workqueue, type WorkStruct } from './work';
export { WorkqueueImpl, allocWorkqueue, allocOrderedWorkqueue, WorkqueueError } from './workqueue';
export { WorkerPool, Worker, getPool, allPools, wqHogWarnings } from './pool';
export { SingleThreadWorkqueue } from './single-thread';
