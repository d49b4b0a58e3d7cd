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

/** ddir_rw_sum(ts->total_io_u): completed reads + writes + trims. */
export function totalRwIos(r: JobResult): number {
  return r.read.totalIos + r.write.totalIos + r.trim.totalIos;
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
