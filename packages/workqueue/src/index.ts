/**
 * @dio/workqueue — kernel/workqueue.c on the dio engine: `allocWorkqueue`
 * (WQ_UNBOUND, WQ_HIGHPRI, WQ_CPU_INTENSIVE, WQ_MEM_RECLAIM with a working
 * rescuer, WQ_FREEZABLE, max_active), ordered queues, per-CPU and unbound
 * worker pools of kworker tasks with concurrency management, `queueWork`,
 * `queueWorkOn`, `flushWork`, `flushWorkqueue`, `cancelWorkSync`,
 * `destroyWorkqueue`, the automatic CPU_INTENSIVE marking with its CPU-hog
 * warning, and the freezer. `Workqueue` is an interface: pass your own
 * implementation (e.g. `SingleThreadWorkqueue`) where a queue is expected.
 * @module
 */
export * from './flags';
export { initWork, queueWork, queueWorkOn, flushWork, flushWorkqueue, cancelWorkSync, destroyWorkqueue, type Workqueue, type WorkStruct } from './work';
export { WorkqueueImpl, allocWorkqueue, allocOrderedWorkqueue, WorkqueueError } from './workqueue';
export { WorkerPool, getPool, allPools, type Queued, type PoolWorkqueueLike } from './pool';
export { Worker } from './worker';
export { Rescuer } from './rescuer';
export { wqHogWarnings, wqCpuIntensiveCounts } from './hog';
export { setWorkerCreationFailing, setWqCpuIntensiveThreshUs } from './state';
export { freezeWorkqueuesBegin, freezeWorkqueuesBusy, thawWorkqueues } from './freeze';
export { SingleThreadWorkqueue } from './single-thread';
