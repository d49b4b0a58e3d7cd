/**
 * stat.c: stat_calc_dist() and stat_calc_lat() — counts to the percentages
 * fio prints, with fio's floors (a non-empty depth bucket shows at least
 * 0.1 %, a non-empty latency bucket at least 0.01 %).
 * @module
 */
import type { JobResult } from './result';

/** stat_calc_dist(): percent of `total` per bucket, non-empty buckets at least 0.1. */
export function calcDist(map: readonly number[], total: number): number[] {
  return map.map((c) => {
    if (total === 0) return 0;
    const p = (c / total) * 100;
    return p < 0.1 && c > 0 ? 0.1 : p;
  });
}

/** stat_calc_lat(): percent of `total` per bucket, capped at 100, non-empty at least 0.01. */
export function calcLat(counts: readonly number[], total: number): number[] {
  return counts.map((c) => {
    if (total === 0) return 0;
    const p = Math.min((100 * c) / total, 100);
    return p < 0.01 && c > 0 ? 0.01 : p;
  });
}

/**
 * ddir_rw_sum(ts->total_io_u): reads + writes + trims *queued* (fio counts
 * them in td_io_queue(), together with io_u_mark_depth(), so it is the sum of
 * the depth map). It is the denominator of "IO depths" and of the latency
 * buckets, so the depth percentages add up to 100.
 */
export function totalRwIos(r: JobResult): number {
  let n = 0;
  for (const c of r.depth.level) n += c;
  return n;
}

/**
 * backend.c: update_runtime() — a direction's runtime in ms as fio keeps it:
 * whole µs rounded *up* to ms (an 8 s job that drained for a few µs reports
 * 8001, as in the fio 3.33 fixture).
 */
export function ddirRuntimeMs(ns: number): number {
  return Math.floor((Math.floor(ns / 1000) + 999) / 1000);
}

/** fio's whole milliseconds of a ns duration. */
export function nsToMs(ns: number): number {
  return Math.floor(ns / 1e6);
}

/** usr_cpu / sys_cpu percentages over the job's run time, as fio computes them. */
export function cpuPercent(r: JobResult): { readonly usr: number; readonly sys: number } {
  const runt = nsToMs(r.jobRuntimeNs);
  if (runt === 0) return { usr: 0, sys: 0 };
  return { usr: (nsToMs(r.usrNs) * 100) / runt, sys: (nsToMs(r.sysNs) * 100) / runt };
}
