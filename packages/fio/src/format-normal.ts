/**
 * stat.c: show_thread_status_normal(), show_group_stats() and the disk
 * stats — fio's default human-readable report.
 * @module
 */
import { cFloat } from './cfmt';
import { ctime } from './ctime';
import { calcDist, calcLat, cpuPercent, totalRwIos } from './dist';
import { reportedJobs } from './group-report';
import { groupStats, type GroupStats } from './group-stats';
import { LAT_M_LABELS, LAT_NU_LABELS } from './lat-buckets';
import { showDdirStatus, showSyncStatus, SIG_FIGS } from './normal-ddir';
import { num2str } from './num2str';
import { ssMeans } from './pace/steadystate';
import { DDIRS, type DiskUtil, type FioRunResult, type JobResult } from './result';

/** Options of `formatNormal`. */
export interface NormalFormatOptions {
  /** Offset of the local time zone for the job header, minutes east of UTC (default 0). */
  readonly utcOffsetMinutes?: number;
}

/** stat.c: show_lat() — up to five buckets per `lat (unit)   :` line. */
function showLat(pcts: readonly number[], labels: readonly string[], unit: string): string {
  let out = '';
  let newLine = true;
  let line = 0;
  let shown = false;
  pcts.forEach((p, i) => {
    if (p <= 0) return;
    shown = true;
    if (newLine) {
      if (line > 0) out += '\n';
      out += `  lat (${unit})   : `;
      newLine = false;
      line = 0;
    }
    if (line > 0) out += ', ';
    out += `${labels[i] ?? ''}=${cFloat(p, 3, 2)}%`;
    line++;
    if (line === 5) newLine = true;
  });
  return shown ? out + '\n' : out;
}

const pct1 = (v: readonly number[], i: number): string => `${cFloat(v[i] ?? 0, 3, 1)}%`;

/** stat.c: show_thread_status_normal() for one job. */
export function showJobNormal(r: JobResult, g: GroupStats | undefined, timeText: string): string {
  const total = totalRwIos(r);
  const ioBytes = r.read.ioBytes + r.write.ioBytes + r.trim.ioBytes;
  if (ioBytes === 0 && total === 0) return '';
  const err = r.error.toString().padStart(2, ' ');
  const detail = r.errorText === undefined ? '' : ` (${r.errorText})`;
  let out = `${r.name}: (groupid=${r.groupId}, jobs=${r.members}): err=${err}${detail}: pid=${r.pid}: ${timeText}\n`;
  if (r.description !== undefined && r.description !== '') out += `  Description  : [${r.description}]\n`;
  for (const d of DDIRS) if (r[d].ioBytes > 0) out += showDdirStatus(r, d, g);
  out += showLat(calcLat(r.latency.ns, total), LAT_NU_LABELS, 'nsec');
  out += showLat(calcLat(r.latency.us, total), LAT_NU_LABELS, 'usec');
  out += showLat(calcLat(r.latency.ms, total), LAT_M_LABELS, 'msec');
  out += showSyncStatus(r);
  const cpu = cpuPercent(r);
  out += `  cpu          : usr=${cFloat(cpu.usr, 3, 2)}%, sys=${cFloat(cpu.sys, 3, 2)}%, ctx=${r.ctx}, majf=${r.majf}, minf=${r.minf}\n`;
  const lv = calcDist(r.depth.level, total);
  out += `  IO depths    : 1=${pct1(lv, 0)}, 2=${pct1(lv, 1)}, 4=${pct1(lv, 2)}, 8=${pct1(lv, 3)}, 16=${pct1(lv, 4)}, 32=${pct1(lv, 5)}, >=64=${pct1(lv, 6)}\n`;
  const sb = calcDist(r.depth.submit, r.depth.totalSubmit);
  out += `     submit    : 0=${pct1(sb, 0)}, 4=${pct1(sb, 1)}, 8=${pct1(sb, 2)}, 16=${pct1(sb, 3)}, 32=${pct1(sb, 4)}, 64=${pct1(sb, 5)}, >=64=${pct1(sb, 6)}\n`;
  const cp = calcDist(r.depth.complete, r.depth.totalComplete);
  out += `     complete  : 0=${pct1(cp, 0)}, 4=${pct1(cp, 1)}, 8=${pct1(cp, 2)}, 16=${pct1(cp, 3)}, 32=${pct1(cp, 4)}, 64=${pct1(cp, 5)}, >=64=${pct1(cp, 6)}\n`;
  out += `     issued rwts: total=${r.read.totalIos},${r.write.totalIos},${r.trim.totalIos},${r.sync.totalIos}`;
  out += ` short=${r.read.shortIos},${r.write.shortIos},${r.trim.shortIos},0`;
  out += ` dropped=${r.read.dropIos},${r.write.dropIos},${r.trim.dropIos},0\n`;
  if (r.iodepth > 0) {
    out += `     latency   : target=${r.latencyTarget}, window=${r.latencyWindow}, percentile=${cFloat(r.latencyPercentile, 0, 2)}%, depth=${r.iodepth}\n`;
  }
  if (r.steadystate !== undefined) out += showSsNormal(r);
  return out;
}

// stat.c: show_ss_normal()
function showSsNormal(r: JobResult): string {
  const s = r.steadystate;
  if (s === undefined) return '';
  const m = ssMeans(s);
  const i2p = (r.kbBase & (r.kbBase - 1)) === 0;
  const c = s.criterion;
  const bw = `${num2str(m.bw, SIG_FIGS, 1, i2p, 'bytepersec')} (${num2str(m.bw, SIG_FIGS, 1, !i2p, 'bytepersec')})`;
  return `  steadystate  : attained=${s.attained ? 'yes' : 'no'}, bw=${bw}, iops=${num2str(m.iops, SIG_FIGS, 1, false, 'none')}, ${c.iops ? 'iops' : 'bw'}${c.slope ? ' slope' : ' mean dev'}=${cFloat(s.value, 0, 3)}${c.pct ? '%' : ''}\n`;
}

const GROUP_DIR_NAMES = ['   READ', '  WRITE', '   TRIM'] as const;

/** stat.c: show_group_stats() — `Run status group N (all jobs):` and one line per direction. */
export function showGroupStats(g: GroupStats): string {
  let out = `\nRun status group ${g.groupId} (all jobs):\n`;
  const i2p = (g.kbBase & (g.kbBase - 1)) === 0;
  DDIRS.forEach((d, i) => {
    const s = g.dirs[d];
    if (s.maxRun === 0) return;
    const n = (v: number, p2: boolean, unit: 'byte' | 'bytepersec'): string => num2str(v, SIG_FIGS, 1, p2, unit);
    out += `${GROUP_DIR_NAMES[i] ?? ''}: bw=${n(s.agg, i2p, 'bytepersec')} (${n(s.agg, !i2p, 'bytepersec')}), `;
    out += `${n(s.minBw, i2p, 'bytepersec')}-${n(s.maxBw, i2p, 'bytepersec')} (${n(s.minBw, !i2p, 'bytepersec')}-${n(s.maxBw, !i2p, 'bytepersec')}), `;
    out += `io=${n(s.ioBytes, i2p, 'byte')} (${n(s.ioBytes, !i2p, 'byte')}), run=${s.minRun}-${s.maxRun}msec\n`;
  });
  return out;
}

/** diskutil.c: print_disk_util() — one `Disk stats` line. */
export function showDiskUtil(d: DiskUtil): string {
  const util = Math.min(d.util, 100);
  return `  ${d.name}: ios=${d.readIos}/${d.writeIos}, merge=${d.readMerges}/${d.writeMerges}, ticks=${d.readTicks}/${d.writeTicks}, in_queue=${d.inQueue}, util=${cFloat(util, 3, 2)}%\n`;
}

/**
 * fio's normal (`--output-format=normal`) end-of-run report: every job's
 * block, then each group's "Run status" lines, then "Disk stats".
 */
export function formatNormal(run: FioRunResult, opts: NormalFormatOptions = {}): string {
  const jobs = reportedJobs(run.jobs);
  const groups = groupStats(jobs);
  const timeText = ctime(run.timestampMs, opts.utcOffsetMinutes ?? 0);
  let out = '';
  for (const j of jobs) out += showJobNormal(j, groups.get(j.groupId), timeText);
  for (const id of [...groups.keys()].sort((a, b) => a - b)) {
    const g = groups.get(id);
    if (g !== undefined) out += showGroupStats(g);
  }
  if (run.diskUtil.length > 0) {
    out += '\nDisk stats (read/write):\n';
    for (const d of run.diskUtil) out += showDiskUtil(d);
  }
  return out;
}
