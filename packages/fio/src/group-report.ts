/**
 * stat.c: __show_run_stats() and sum_thread_stats() — `group_reporting`:
 * consecutive jobs of one reporting group that set it are reported as one
 * (fio's struct thread_stat per group), named after the first member, with
 * `jobs=N` in normal output and one entry in JSON `jobs`.
 * @module
 */
import { IoDepthCounters } from './depth';
import { IoStat, type SampleSummary } from './io-stat';
import { LatencyBuckets } from './lat-buckets';
import { PlatHistogram } from './plat-histogram';
import { DDIRS, type Ddir, type DirectionResult, type JobResult, type LatencySource } from './result';

function plat(srcs: readonly LatencySource[]): PlatHistogram {
  const h = new PlatHistogram();
  for (const s of srcs) {
    if (!(s instanceof PlatHistogram)) throw new TypeError('dio: group_reporting merges fio histograms (PlatHistogram) only');
    h.merge(s);
  }
  return h;
}

function samples(srcs: readonly SampleSummary[]): IoStat {
  const st = new IoStat();
  for (const s of srcs) {
    if (!(s instanceof IoStat)) throw new TypeError('dio: group_reporting merges fio sample stats (IoStat) only');
    st.sumMerge(s);
  }
  return st;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const addInto = (dst: number[], src: readonly number[]): void => src.forEach((v, i) => { dst[i] = (dst[i] ?? 0) + v; });

/** sum_thread_stats() for one direction: totals add, runtime is the longest, latencies and samples merge. */
function mergeDirection(ds: readonly DirectionResult[]): DirectionResult {
  return {
    ioBytes: sum(ds.map((d) => d.ioBytes)),
    totalIos: sum(ds.map((d) => d.totalIos)),
    shortIos: sum(ds.map((d) => d.shortIos)),
    dropIos: sum(ds.map((d) => d.dropIos)),
    runtimeNs: Math.max(...ds.map((d) => d.runtimeNs)),
    slat: plat(ds.map((d) => d.slat)),
    clat: plat(ds.map((d) => d.clat)),
    lat: plat(ds.map((d) => d.lat)),
    bw: samples(ds.map((d) => d.bw)),
    iops: samples(ds.map((d) => d.iops)),
  };
}

/** One thread_stat from the jobs of a group: identity from the first, settings from the last, counts summed. */
function mergeJobs(ms: readonly JobResult[]): JobResult {
  const first = ms[0] as JobResult;
  const last = ms[ms.length - 1] as JobResult;
  const depth = new IoDepthCounters();
  const latency = new LatencyBuckets();
  for (const m of ms) {
    addInto(depth.level, m.depth.level);
    addInto(depth.submit, m.depth.submit);
    addInto(depth.complete, m.depth.complete);
    depth.totalSubmit += m.depth.totalSubmit;
    depth.totalComplete += m.depth.totalComplete;
    addInto(latency.ns, m.latency.ns);
    addInto(latency.us, m.latency.us);
    addInto(latency.ms, m.latency.ms);
  }
  const dir = (d: Ddir): DirectionResult => mergeDirection(ms.map((m) => m[d]));
  const dirs = Object.fromEntries(DDIRS.map((d) => [d, dir(d)])) as Record<Ddir, DirectionResult>;
  return {
    ...last,
    name: first.name,
    groupId: first.groupId,
    pid: first.pid,
    ...(first.description === undefined ? {} : { description: first.description }),
    kbBase: first.kbBase,
    // fio keeps the group's steady-state data in its first job
    ...(first.steadystate === undefined ? {} : { steadystate: first.steadystate }),
    error: ms.find((m) => m.error !== 0)?.error ?? 0,
    members: ms.length,
    etaSec: Math.max(...ms.map((m) => m.etaSec)),
    elapsedSec: Math.max(...ms.map((m) => m.elapsedSec)),
    read: dirs.read,
    write: dirs.write,
    trim: dirs.trim,
    sync: { totalIos: sum(ms.map((m) => m.sync.totalIos)), lat: plat(ms.map((m) => m.sync.lat)) },
    jobRuntimeNs: sum(ms.map((m) => m.jobRuntimeNs)),
    usrNs: sum(ms.map((m) => m.usrNs)),
    sysNs: sum(ms.map((m) => m.sysNs)),
    ctx: sum(ms.map((m) => m.ctx)),
    majf: sum(ms.map((m) => m.majf)),
    minf: sum(ms.map((m) => m.minf)),
    depth,
    latency,
  };
}

/**
 * The reports fio prints for `jobs` (in order): a job without
 * `group_reporting` is its own report; a job with it joins the report
 * before it when that one is of the same group (fio's `idx`/`last_ts`
 * walk). Reports of a single job are the job's own result, unchanged.
 */
export function reportedJobs(jobs: readonly JobResult[]): JobResult[] {
  const runs: JobResult[][] = [];
  let lastGroup: number | undefined;
  for (const j of jobs) {
    const cur = runs[runs.length - 1];
    if (cur === undefined || j.groupReporting !== true || lastGroup !== j.groupId) runs.push([j]);
    else cur.push(j);
    lastGroup = j.groupId;
  }
  return runs.map((r) => (r.length === 1 ? (r[0] as JobResult) : mergeJobs(r)));
}
