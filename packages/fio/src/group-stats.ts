/**
 * stat.c: __show_run_stats() — per reporting group, the min / max run time
 * and bandwidth of its jobs and the aggregate bandwidth (group_run_stats),
 * used by "Run status group" lines and by `bw_agg` / `per=`.
 * @module
 */
import { ddirRuntimeMs } from './dist';
import { DDIRS, type Ddir, type JobResult } from './result';
import type { KbBase } from './units';

/** One direction of a group (bytes, bytes/s, ms). */
export interface GroupDirStats {
  /** Sum of the jobs' io_bytes. */
  readonly ioBytes: number;
  /** Aggregate bandwidth, bytes/s: ioBytes × 1000 / maxRun. */
  readonly agg: number;
  /** Slowest job's bandwidth, bytes/s. */
  readonly minBw: number;
  /** Fastest job's bandwidth, bytes/s. */
  readonly maxBw: number;
  /** Shortest run, ms (0 when no job ran this direction). */
  readonly minRun: number;
  /** Longest run, ms. */
  readonly maxRun: number;
}

/** A reporting group's run stats. */
export interface GroupStats {
  /** Group id. */
  readonly groupId: number;
  /** kb_base of the group's (last) job. */
  readonly kbBase: KbBase;
  /** Per direction. */
  readonly dirs: Readonly<Record<Ddir, GroupDirStats>>;
}

/** `a * 1000 / b` in integer arithmetic (no 2^53 overflow). */
export function perSecond(amount: number, ms: number): number {
  if (ms === 0) return 0;
  return Number((BigInt(Math.trunc(amount)) * 1000n) / BigInt(Math.trunc(ms)));
}

/** The run stats of every group, by group id. */
export function groupStats(jobs: readonly JobResult[]): Map<number, GroupStats> {
  const acc = new Map<number, { kbBase: KbBase; dirs: Record<Ddir, { ioBytes: number; minBw: number; maxBw: number; minRun: number; maxRun: number }> }>();
  for (const j of jobs) {
    let g = acc.get(j.groupId);
    if (g === undefined) {
      const fresh = () => ({ ioBytes: 0, minBw: Number.POSITIVE_INFINITY, maxBw: 0, minRun: 0, maxRun: 0 });
      g = { kbBase: j.kbBase, dirs: { read: fresh(), write: fresh(), trim: fresh() } };
      acc.set(j.groupId, g);
    }
    g.kbBase = j.kbBase;
    for (const d of DDIRS) {
      const run = ddirRuntimeMs(j[d].runtimeNs);
      if (run === 0) continue;
      const s = g.dirs[d];
      if (run < s.minRun || s.minRun === 0) s.minRun = run;
      if (run > s.maxRun) s.maxRun = run;
      const bw = perSecond(j[d].ioBytes, run);
      if (bw < s.minBw) s.minBw = bw;
      if (bw > s.maxBw) s.maxBw = bw;
      s.ioBytes += j[d].ioBytes;
    }
  }
  const out = new Map<number, GroupStats>();
  for (const [groupId, g] of acc) {
    const dir = (d: Ddir): GroupDirStats => {
      const s = g.dirs[d];
      return { ...s, minBw: Number.isFinite(s.minBw) ? s.minBw : 0, agg: perSecond(s.ioBytes, s.maxRun) };
    };
    out.set(groupId, { groupId, kbBase: g.kbBase, dirs: { read: dir('read'), write: dir('write'), trim: dir('trim') } });
  }
  return out;
}

/** stat.c: convert_agg_kbytes_percent() — a job's mean KiB/s as a percent of its group's aggregate. */
export function percentOfAgg(agg: number, mean: number): number {
  if (agg <= 1024) return 100;
  const p = (Math.trunc(mean) * 100) / (agg / 1024);
  return p > 100 ? 100 : p;
}
