/**
 * Workqueue flags and limits (include/linux/workqueue.h, 6.6).
 * @module
 */
export const WQ_UNBOUND = 1 << 1;
export const WQ_FREEZABLE = 1 << 2;
export const WQ_MEM_RECLAIM = 1 << 3;
export const WQ_HIGHPRI = 1 << 4;
export const WQ_CPU_INTENSIVE = 1 << 5;
export const WQ_SYSFS = 1 << 6;
export const WQ_POWER_EFFICIENT = 1 << 7;
/** Internal: an ordered workqueue (alloc_ordered_workqueue). */
export const __WQ_ORDERED = 1 << 17;

/** WQ_MAX_ACTIVE in the 6.6 era. */
export const WQ_MAX_ACTIVE = 512;
/** Default max_active when 0 is passed: WQ_MAX_ACTIVE / 2. */
export const WQ_DFL_ACTIVE = WQ_MAX_ACTIVE / 2;

/** wq_cpu_intensive_thresh_us default: 10 ms. */
export const WQ_CPU_INTENSIVE_THRESH_NS = 10_000_000;

/** Flags this emulation accepts. */
export const WQ_VALID = WQ_UNBOUND | WQ_FREEZABLE | WQ_MEM_RECLAIM | WQ_HIGHPRI | WQ_CPU_INTENSIVE | WQ_SYSFS | WQ_POWER_EFFICIENT | __WQ_ORDERED;

/** Timer constants of kernel/workqueue.c, in jiffies of the engine's tick (HZ = 1e9 / tickNs). */
// kernel/workqueue.c: MAYDAY_INITIAL_TIMEOUT, MAYDAY_INTERVAL, CREATE_COOLDOWN
export interface WqTimeouts {
  /** MAYDAY_INITIAL_TIMEOUT: HZ/100 jiffies, at least 2 (10 ms at HZ=1000, 8 ms at HZ=250). */
  readonly maydayInitialNs: number;
  /** MAYDAY_INTERVAL: HZ/10 jiffies (100 ms). */
  readonly maydayIntervalNs: number;
  /** CREATE_COOLDOWN: HZ jiffies (1 s) between failed create_worker() attempts. */
  readonly createCooldownNs: number;
}

/** The mayday and cooldown timeouts for a tick of `tickNs`. */
export function wqTimeouts(tickNs: number): WqTimeouts {
  const hz = Math.round(1e9 / tickNs);
  const j = (n: number): number => n * tickNs;
  return {
    maydayInitialNs: j(Math.max(2, Math.floor(hz / 100))),
    maydayIntervalNs: j(Math.max(1, Math.floor(hz / 10))),
    createCooldownNs: j(hz),
  };
}
