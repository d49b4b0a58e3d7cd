/**
 * stat.c: show_thread_status_terse_all() / show_ddir_status_terse() and
 * diskutil.c: print_disk_util(terse) — fio 3.33's `--output-format=terse`
 * (terse version 3): one `;`-separated line per report, the fields of
 * fio's HOWTO "Terse output" (v3: read and write, no trim, disk
 * utilization on every line, the description last).
 * @module
 */
import { cFixed, cFloat } from './cfmt';
import { calcDist, calcLat, cpuPercent, ddirRuntimeMs, totalRwIos } from './dist';
import { reportedJobs } from './group-report';
import { groupStats, type GroupStats } from './group-stats';
import type { Ddir, DiskUtil, FioRunResult, JobResult, LatencySource } from './result';

/** FIO_IO_U_LIST_MAX_LEN: percentile fields per direction. */
const LIST_MAX = 20;

/** `;min;max;mean;dev` in µs (calc_lat(), then /1000 as fio prints it). */
function latUs(s: LatencySource): string {
  if (s.count === 0) return `;0;0;${cFixed(0)};${cFixed(0)}`;
  return `;${Math.floor(s.min / 1000)};${Math.floor(s.max / 1000)};${cFixed(s.mean / 1000)};${cFixed(s.stddev / 1000)}`;
}

/** show_ddir_status_terse() for read or write. */
function ddirTerse(r: JobResult, d: Ddir, g: GroupStats | undefined): string {
  const x = r[d];
  const runt = ddirRuntimeMs(x.runtimeNs);
  const bw = runt === 0 ? 0 : Math.floor(Math.floor((1000 * x.ioBytes) / runt) / 1024);
  const iops = runt === 0 ? 0 : Math.floor((1000 * x.totalIos) / runt);
  let out = `;${Math.floor(x.ioBytes / 1024)};${bw};${iops};${runt}`;
  out += latUs(x.slat) + latUs(x.clat);
  const src = r.latPercentiles ? x.lat : r.clatPercentiles ? x.clat : undefined;
  const list = src === undefined ? [] : [...r.percentileList].sort((a, b) => a - b).slice(0, LIST_MAX);
  for (let i = 0; i < LIST_MAX; i++) {
    const p = list[i];
    out += p === undefined || src === undefined ? ';0%=0' : `;${cFixed(p)}%=${Math.floor(src.percentile(p) / 1000)}`;
  }
  out += latUs(x.lat);
  if (x.bw.samples === 0) return out + `;0;0;${cFixed(0)}%;${cFixed(0)};${cFixed(0)}`;
  const agg = g?.dirs[d].agg ?? 0;
  const kib = Math.floor(agg / 1024);
  const pOfAgg = agg === 0 ? 100 : Math.min(100, (x.bw.mean * 100) / kib);
  return out + `;${Math.trunc(x.bw.min)};${Math.trunc(x.bw.max)};${cFixed(pOfAgg)}%;${cFixed(x.bw.mean)};${cFixed(x.bw.stddev)}`;
}

/** print_disk_util() in terse mode. */
function diskTerse(d: DiskUtil): string {
  return `;${d.name};${d.readIos};${d.writeIos};${d.readMerges};${d.writeMerges};${d.readTicks};${d.writeTicks};${d.inQueue};${cFloat(Math.min(d.util, 100), 3, 2)}%`;
}

/** One report's terse v3 line. */
function jobTerse(r: JobResult, g: GroupStats | undefined, disks: readonly DiskUtil[], fioVersion: string): string {
  let out = `3;${fioVersion};${r.name};${r.groupId};${r.error}`;
  out += ddirTerse(r, 'read', g) + ddirTerse(r, 'write', g);
  const cpu = cpuPercent(r);
  out += `;${cFixed(cpu.usr)}%;${cFixed(cpu.sys)}%;${r.ctx};${r.majf};${r.minf}`;
  const total = totalRwIos(r);
  for (const p of calcDist(r.depth.level, total)) out += `;${cFloat(p, 3, 1)}%`;
  // stat_calc_lat_nu(): the ns buckets go into the first µs bucket, so the v3 fields stay as they were
  const us = calcLat(r.latency.us, total);
  const ns = r.latency.ns.reduce((a, b) => a + b, 0);
  if (total > 0) us[0] = (us[0] ?? 0) + (100 * ns) / total;
  for (const p of us) out += `;${cFloat(p, 3, 2)}%`;
  for (const p of calcLat(r.latency.ms, total)) out += `;${cFloat(p, 3, 2)}%`;
  for (const d of disks) out += diskTerse(d);
  if (r.description !== undefined && r.description !== '') out += `;${r.description}`;
  return out + '\n';
}

/** fio 3.33's `--output-format=terse` (`--terse-version=3`, fio's default). */
export function formatTerse(run: FioRunResult): string {
  const jobs = reportedJobs(run.jobs);
  const groups = groupStats(jobs);
  return jobs.map((j) => jobTerse(j, groups.get(j.groupId), run.diskUtil, run.fioVersion)).join('');
}
