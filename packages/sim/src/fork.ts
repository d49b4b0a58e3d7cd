/**
 * Where a forked task starts in CFS time (kernel/sched/fair.c: sched_slice(),
 * sched_vslice(), the START_DEBIT half of place_entity()).
 * @module
 */
import type { Cpu } from './context';
import type { SchedParams } from './sched';

// kernel/sched/fair.c: __sched_period()
/** __sched_period(): the latency period, stretched to min_granularity per task past latency / min_granularity tasks. */
function schedPeriod(p: SchedParams, nr: number): number {
  return nr > p.latencyNs / p.minGranularityNs ? nr * p.minGranularityNs : p.latencyNs;
}

// kernel/sched/fair.c: sched_vslice()
/**
 * sched_vslice(): the virtual slice a task of `weight` not yet queued on
 * `cpu` would get there — the period for one more task, times
 * NICE_0_LOAD over the queue's total weight with it (the running task
 * counts, as the kernel's cfs_rq->curr stays on the queue).
 */
export function schedVslice(p: SchedParams, cpu: Cpu, weight: number): number {
  let nr = 1;
  let load = weight;
  const curr = cpu.curr;
  if (curr !== null) {
    nr++;
    load += curr.weight;
  }
  for (const t of cpu.rq.list()) {
    nr++;
    load += t.weight;
  }
  return (schedPeriod(p, nr) * 1024) / load;
}
