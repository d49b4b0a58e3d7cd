/**
 * Per-CPU utilisation by context over time, in fixed windows: the engine's
 * own CPU accounting (`account`) binned by time as it happens — no trace.
 * Enabled by `SimOptions.cpuWindowNs`; it only observes.
 * @module
 */
import type { ExecContext } from './context';

/** What a CPU's busy time is split into: user and kernel time of the issuer, kworkers, interrupts. */
export type UtilClass = 'user' | 'sys' | 'kworker' | 'softirq' | 'hardirq';

/** The classes, in stacking order. */
export const UTIL_CLASSES: readonly UtilClass[] = ['user', 'sys', 'kworker', 'softirq', 'hardirq'];

/** Busy ns of each CPU in each window, by class. */
export class CpuWindows {
  /** `busy[cpu][window * classes + class]`, ns. */
  private readonly busy: number[][];

  constructor(
    cpus: number,
    readonly windowNs: number,
  ) {
    if (!Number.isInteger(windowNs) || windowNs < 1) throw new RangeError(`cpuWindowNs must be a positive integer, got ${windowNs}`);
    this.busy = Array.from({ length: cpus }, () => []);
  }

  /** @internal `user` ns and `sys` ns run by `ctx` on `cpu`, ending at `end`. */
  add(cpu: number, ctx: ExecContext, end: number, user: number, sys: number): void {
    if (ctx.kind !== 'task') this.spread(cpu, ctx.kind === 'hardirq' ? 4 : 3, end, user + sys);
    else if (ctx.task?.name.startsWith('kworker') === true) this.spread(cpu, 2, end, user + sys);
    else {
      // the user part ran first: a spend's kernel debt is paid at its end (see account)
      this.spread(cpu, 1, end, sys);
      this.spread(cpu, 0, end - sys, user);
    }
  }

  private spread(cpu: number, cls: number, end: number, ns: number): void {
    const row = this.busy[cpu] as number[];
    const w = this.windowNs;
    const n = UTIL_CLASSES.length;
    let t = end - ns;
    while (t < end) {
      const k = Math.floor(t / w);
      const upto = Math.min(end, (k + 1) * w);
      const i = k * n + cls;
      while (row.length <= i) row.push(0);
      row[i] = (row[i] as number) + (upto - t);
      t = upto;
    }
  }

  /** Utilisation (0–1) of `cpu` by class, one entry per window up to `endNs`. */
  series(cpu: number, endNs: number): { startNs: number; util: Record<UtilClass, number> }[] {
    const row = this.busy[cpu] ?? [];
    const w = this.windowNs;
    const n = UTIL_CLASSES.length;
    const out: { startNs: number; util: Record<UtilClass, number> }[] = [];
    for (let k = 0; k * w < endNs; k++) {
      const span = Math.min(w, endNs - k * w);
      const util = Object.fromEntries(UTIL_CLASSES.map((c, i) => [c, (row[k * n + i] ?? 0) / span])) as Record<UtilClass, number>;
      out.push({ startNs: k * w, util });
    }
    return out;
  }

  /** CPUs that were ever busy. */
  busyCpus(): number[] {
    return this.busy.flatMap((r, i) => (r.some((v) => v > 0) ? [i] : []));
  }
}
