/**
 * The scheduler's knobs and per-CPU run queue: a compact CFS
 * (kernel/sched/fair.c, the 6.5-era scheduler) — virtual runtime, sleeper
 * placement, wakeup preemption against `sched_wakeup_granularity_ns`, and
 * slice expiry at tick boundaries.
 * @module
 */

/**
 * Kernel preemption model (CONFIG_PREEMPT_*). `full`: kernel code is
 * preempted as soon as a reschedule is due and no lock forbids it.
 * `voluntary` / `none`: kernel code runs until it blocks, reaches
 * `cond_resched()` or returns to user space; user-mode code is still preempted
 * on return from an interrupt. (voluntary and none differ only in
 * might_sleep() points, which this model does not distinguish.)
 */
export type PreemptModel = 'full' | 'voluntary' | 'none';

/**
 * The fair class's algorithm: `cfs` (to 6.5: vruntime order, sleeper credit,
 * wakeup preemption past `wakeupGranularityNs`) or `eevdf` (6.6 on: eligible
 * tasks by earliest virtual deadline, lag kept across sleeps, RUN_TO_PARITY;
 * see eevdf.ts).
 */
export type FairPolicy = 'cfs' | 'eevdf';

/** Scheduler parameters. Defaults are CFS's for a machine with ≥ 8 CPUs (factor 4). */
export interface SchedParams {
  readonly preempt: PreemptModel;
  readonly fair: FairPolicy;
  /** EEVDF's sysctl_sched_base_slice: the request size, 0.75 ms × the CPU factor (3 ms). */
  readonly baseSliceNs: number;
  /** sysctl_sched_latency: the period every runnable task gets a turn in (24 ms). */
  readonly latencyNs: number;
  /** sysctl_sched_min_granularity: the shortest slice (3 ms). */
  readonly minGranularityNs: number;
  /** sysctl_sched_wakeup_granularity: how far ahead in vruntime the current task must be before a wakee preempts it (4 ms). */
  readonly wakeupGranularityNs: number;
  /** Scheduler tick (HZ=250: 4 ms). Slice expiry is noticed at the next tick. */
  readonly tickNs: number;
  /** An idle CPU pays `costs.idleExit` only if it was idle at least this long (the idle state's target residency). */
  readonly idleResidencyNs: number;
}

/** CFS defaults (kernel 6.5, CONFIG_PREEMPT_VOLUNTARY as most distributions ship). */
export const defaultSchedParams: SchedParams = {
  preempt: 'voluntary',
  fair: 'cfs',
  baseSliceNs: 3_000_000,
  latencyNs: 24_000_000,
  minGranularityNs: 3_000_000,
  wakeupGranularityNs: 4_000_000,
  tickNs: 4_000_000,
  idleResidencyNs: 2_000,
};

/** Remove `a[i]` keeping the order; pop() and shift() where they do, as they allocate nothing (splice returns an array). */
function removeAt<T>(a: T[], i: number): void {
  if (i === a.length - 1) a.pop();
  else if (i === 0) a.shift();
  else a.splice(i, 1);
}

/** What a run queue orders: a task's CFS virtual runtime and enqueue sequence. */
export interface Schedulable {
  vruntime: number;
  enqSeq: number;
}

/** A CPU's queue of runnable tasks that are not running (`Cpu.rq` is a `RunQueue<Task>`). */
export class RunQueue<T extends Schedulable = Schedulable> {
  private readonly tasks: T[] = [];
  /** cfs_rq->min_vruntime: monotonic floor of the queue's vruntimes. */
  minVruntime = 0;
  private seq = 0;

  get length(): number {
    return this.tasks.length;
  }

  enqueue(t: T): void {
    t.enqSeq = this.seq++;
    this.tasks.push(t);
  }

  remove(t: T): boolean {
    const i = this.tasks.indexOf(t);
    if (i < 0) return false;
    removeAt(this.tasks, i);
    return true;
  }

  /**
   * update_min_vruntime(): advance `minVruntime` to the smaller of the running
   * task's vruntime (`currVruntime`, if a task runs) and the leftmost queued
   * one's — never backwards. Keeps sleeper placement honest while one task
   * runs alone for a long time.
   */
  updateMin(currVruntime?: number): void {
    let v = currVruntime ?? Number.POSITIVE_INFINITY;
    const ts = this.tasks;
    for (let i = 0; i < ts.length; i++) {
      const x = (ts[i] as T).vruntime;
      if (x < v) v = x;
    }
    if (v !== Number.POSITIVE_INFINITY && v > this.minVruntime) this.minVruntime = v;
  }

  /** Dequeue the task with the smallest vruntime (FIFO among equals). */
  pickNext(): T | undefined {
    const ts = this.tasks;
    if (ts.length === 0) return undefined;
    let bi = 0;
    let best = ts[0] as T;
    for (let i = 1; i < ts.length; i++) {
      const t = ts[i] as T;
      if (t.vruntime < best.vruntime || (t.vruntime === best.vruntime && t.enqSeq < best.enqSeq)) {
        best = t;
        bi = i;
      }
    }
    removeAt(ts, bi);
    if (best.vruntime > this.minVruntime) this.minVruntime = best.vruntime;
    return best;
  }

  /** The runnable tasks, for inspection. */
  list(): readonly T[] {
    return this.tasks;
  }
}

/** CFS's ideal slice for `nr` runnable tasks of equal weight (__sched_period / nr). */
export function idealSlice(p: SchedParams, nr: number): number {
  const period = nr > p.latencyNs / p.minGranularityNs ? nr * p.minGranularityNs : p.latencyNs;
  return Math.max(p.minGranularityNs, Math.floor(period / Math.max(1, nr)));
}
