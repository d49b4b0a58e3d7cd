/**
 * CPU-hog detection (kernel/workqueue.c, 6.5+: wq_worker_tick() and
 * wq_cpu_intensive_report()). At each scheduler tick, a concurrency-managed
 * kworker that has been running one work item for wq_cpu_intensive_thresh_us
 * of CPU time without sleeping is marked WORKER_CPU_INTENSIVE automatically —
 * it stops holding back the pool's other items, and an idle worker is kicked —
 * and the work function is counted. From the fourth count on, at powers of two
 * (4, 8, 16 …), the kernel prints "workqueue: <func> hogged CPU for >10000us N
 * times, consider switching to WQ_UNBOUND" (CONFIG_WQ_CPU_INTENSIVE_REPORT,
 * modelled as enabled). Unbound, WQ_CPU_INTENSIVE and rescuer workers are never
 * checked. The tick is the engine's `sched.tickNs`, at multiples of it. A pool
 * keeps one tick event: armed when a checked item starts and none is pending,
 * at the first tick a check could find the item over the threshold; a tick
 * that finds nothing to look at arms no next one; the event is stopped when
 * the pool's CPU goes idle, as NO_HZ stops the CPU's tick. So the items of a
 * busy CPU arm no event each (they used to arm one and cancel it, once per
 * item), and an item is marked at the same tick as before.
 * @module
 */
import { type EventFn, type Simulator, taskSchedRuntime } from '@dio/sim';
import type { WorkerPool } from './pool';
import { wqState } from './state';

/** The first tick boundary strictly after `now` and at or after `t`. */
function tickAtOrAfter(sim: Simulator, t: number): number {
  const tick = sim.sched.tickNs;
  return Math.max(Math.ceil(t / tick), Math.floor(sim.now / tick) + 1) * tick;
}

/** @internal a checked item started on `pool`: make sure a tick will look at it. */
export function hogTickArm(pool: WorkerPool): void {
  if (pool.tickEv !== null || pool.unbound) return;
  const sim = pool.sim;
  const thresh = pool.wqs.cpuIntensiveThreshNs;
  if (thresh === 0) return;
  pool.tickEv = sim.at(tickAtOrAfter(sim, sim.now + thresh), tickFn, pool);
}

/** @internal `pool`'s CPU went idle (tick_nohz_idle_stop_tick()): stop its tick event. */
export function hogTickStop(pool: WorkerPool): void {
  if (pool.tickEv === null) return;
  pool.sim.cancel(pool.tickEv);
  pool.tickEv = null;
}

// kernel/workqueue.c: wq_worker_tick()
function wqWorkerTick(pool: WorkerPool): void {
  const sim = pool.sim;
  pool.tickEv = null;
  const thresh = pool.wqs.cpuIntensiveThreshNs;
  if (thresh === 0) return;
  let soonest = Number.POSITIVE_INFINITY;
  for (const w of pool.busy) {
    if (w.notRunning || w.current === null) continue;
    const ran = taskSchedRuntime(w.task) - w.currentAt;
    // the tick lands on the running task only; a runnable or sleeping worker is looked at later
    if (w.task.onCpu && ran >= thresh) {
      w.setCpuIntensive(true);
      wqCpuIntensiveReport(sim, w.current.work.name);
      pool.kick();
    } else soonest = Math.min(soonest, sim.now + Math.max(0, thresh - ran));
  }
  if (soonest !== Number.POSITIVE_INFINITY) pool.tickEv = sim.at(tickAtOrAfter(sim, soonest), tickFn, pool);
}

/** The tick event's callback: one function for every pool (the pool is the event's argument), no closure per arming. */
const tickFn: EventFn = (pool) => wqWorkerTick(pool as WorkerPool);

// kernel/workqueue.c: wq_cpu_intensive_report()
function wqCpuIntensiveReport(sim: Simulator, func: string): void {
  const st = wqState(sim);
  const cnt = (st.hogCounts.get(func) ?? 0) + 1;
  st.hogCounts.set(func, cnt);
  const us = Math.round(st.cpuIntensiveThreshNs / 1000);
  if (sim.tracing) sim.trace('workqueue_cpu_intensive', { work: func, thresh_us: us, count: cnt });
  // "Start reporting from the fourth time and back off exponentially."
  if (cnt >= 4 && (cnt & (cnt - 1)) === 0) {
    st.hogWarnings.push(`workqueue: ${func} hogged CPU for >${us}us ${cnt} times, consider switching to WQ_UNBOUND`);
  }
}

/** The kernel's CPU-hog warnings printed so far, oldest first. */
export function wqHogWarnings(sim: Simulator): string[] {
  return [...wqState(sim).hogWarnings];
}

/** How many times each work function was automatically marked CPU_INTENSIVE (the wci_ent counts). */
export function wqCpuIntensiveCounts(sim: Simulator): Map<string, number> {
  return new Map(wqState(sim).hogCounts);
}
