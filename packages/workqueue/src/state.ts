/**
 * Per-simulation workqueue state (the kernel's globals in
 * kernel/workqueue.c: the worker pools, the workqueues list, the
 * wq_cpu_intensive_thresh_us parameter, the CPU-hog report table) and the
 * knobs a scenario may turn: memory pressure that makes create_worker() fail,
 * and the CPU-hog threshold.
 * @module
 */
import type { Simulator } from '@dio/sim';
import { WQ_CPU_INTENSIVE_THRESH_NS } from './flags';

/** What the freezer needs of a workqueue (WQ_FREEZABLE). */
export interface Freezable {
  readonly flags: number;
  /** pwq_adjust_max_active() for a freeze (true) or a thaw (false). */
  setFrozen(frozen: boolean): void;
  /** Work items of this queue still active (for freeze_workqueues_busy). */
  nrActiveTotal(): number;
}

/** @internal */
export interface WqState {
  /** Pools by key ("<cpu>:" / "<cpu>:H" per CPU, "u:" / "u:H" unbound). */
  readonly pools: Map<string, unknown>;
  /** Next unbound pool id (per-CPU pools take 0 … 2·nr_cpus − 1). */
  nextUnboundId: number;
  /** Every live workqueue (the kernel's `workqueues` list). */
  readonly workqueues: Set<Freezable>;
  /** workqueue_freezing: freeze_workqueues_begin() ran and thaw has not. */
  freezing: boolean;
  /** Memory pressure: create_worker() fails (kthread_create_on_node → -ENOMEM). */
  createFails: boolean;
  /** wq_cpu_intensive_thresh_us in ns; 0 disables the automatic CPU_INTENSIVE marking. */
  cpuIntensiveThreshNs: number;
  /** wci_ent table: work function → times it was marked CPU_INTENSIVE automatically. */
  readonly hogCounts: Map<string, number>;
  /** Lines printed by wq_cpu_intensive_report(). */
  readonly hogWarnings: string[];
}

const states = new WeakMap<Simulator, WqState>();

/** @internal the state of `sim`, created on first use. */
export function wqState(sim: Simulator): WqState {
  let s = states.get(sim);
  if (s === undefined) {
    s = {
      pools: new Map(),
      nextUnboundId: 2 * sim.cpus.length,
      workqueues: new Set(),
      freezing: false,
      createFails: false,
      cpuIntensiveThreshNs: WQ_CPU_INTENSIVE_THRESH_NS,
      hogCounts: new Map(),
      hogWarnings: [],
    };
    states.set(sim, s);
  }
  return s;
}

/**
 * Memory pressure for worker creation: while `failing`, create_worker() fails
 * as kthread_create_on_node() does when it cannot allocate, so a pool that
 * needs a new kworker stalls (its manager retries every CREATE_COOLDOWN) and,
 * after MAYDAY_INITIAL_TIMEOUT, calls the rescuers of the WQ_MEM_RECLAIM
 * queues that have work on it. Queues without a rescuer wait.
 */
export function setWorkerCreationFailing(sim: Simulator, failing: boolean): void {
  wqState(sim).createFails = failing;
}

/** The workqueue.cpu_intensive_thresh_us module parameter (default 10,000; 0 disables the check). */
export function setWqCpuIntensiveThreshUs(sim: Simulator, us: number): void {
  if (!Number.isFinite(us) || us < 0) throw new RangeError(`cpu_intensive_thresh_us must be ≥ 0, got ${us}`);
  wqState(sim).cpuIntensiveThreshNs = Math.round(us * 1000);
}
