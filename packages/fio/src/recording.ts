/**
 * A `JobResult` to fill while a job runs: live recorders for latencies,
 * bandwidth / IOPS samples, depths and latency buckets, seeded from the job.
 * @module
 */
import { IoDepthCounters } from './depth';
import { IoStat } from './io-stat';
import type { FioJob } from './job';
import { LatencyBuckets } from './lat-buckets';
import { PlatHistogram } from './plat-histogram';
import type { DirectionResult, JobResult } from './result';
import type { SteadyStateResult } from './pace/steadystate';

/** A direction being recorded: mutable totals, live recorders. */
export interface RecordingDirection extends DirectionResult {
  ioBytes: number;
  totalIos: number;
  shortIos: number;
  dropIos: number;
  runtimeNs: number;
  /** Submission latency recorder. */
  readonly slat: PlatHistogram;
  /** Completion latency recorder. */
  readonly clat: PlatHistogram;
  /** Total latency recorder. */
  readonly lat: PlatHistogram;
  /** Bandwidth samples (KiB/s). */
  readonly bw: IoStat;
  /** IOPS samples. */
  readonly iops: IoStat;
}

/** A job result under construction (what a runner updates). */
export interface RecordingJobResult extends JobResult {
  readonly read: RecordingDirection;
  readonly write: RecordingDirection;
  readonly trim: RecordingDirection;
  readonly sync: { totalIos: number; readonly lat: PlatHistogram };
  readonly depth: IoDepthCounters;
  readonly latency: LatencyBuckets;
  error: number;
  /** What fio adds to the error in its report (file:line, function and strerror), when it has one. */
  errorText?: string;
  /** What fio printed on stderr for this job while it ran (verify failures). */
  readonly messages: string[];
  /** Steady-state detection's outcome, when on. */
  steadystate?: SteadyStateResult;
  etaSec: number;
  elapsedSec: number;
  jobRuntimeNs: number;
  usrNs: number;
  sysNs: number;
  ctx: number;
  majf: number;
  minf: number;
}

function direction(): RecordingDirection {
  return {
    ioBytes: 0,
    totalIos: 0,
    shortIos: 0,
    dropIos: 0,
    runtimeNs: 0,
    slat: new PlatHistogram(),
    clat: new PlatHistogram(),
    lat: new PlatHistogram(),
    bw: new IoStat(),
    iops: new IoStat(),
  };
}

/** An empty result for `job`, reported under `pid`. */
export function createJobResult(job: FioJob, pid: number): RecordingJobResult {
  return {
    name: job.name,
    groupId: job.groupId,
    pid,
    error: 0,
    messages: [],
    members: 1,
    groupReporting: job.groupReporting,
    ...(job.description === undefined ? {} : { description: job.description }),
    etaSec: 0,
    elapsedSec: 0,
    options: job.options,
    read: direction(),
    write: direction(),
    trim: direction(),
    sync: { totalIos: 0, lat: new PlatHistogram() },
    jobRuntimeNs: 0,
    usrNs: 0,
    sysNs: 0,
    ctx: 0,
    majf: 0,
    minf: 0,
    depth: new IoDepthCounters(),
    latency: new LatencyBuckets(),
    ...reportSettings(job),
  };
}

/** What a job's options say about its report: depth, latency target (none), percentiles, kb_base. */
export function reportSettings(job: FioJob): Pick<JobResult, 'iodepth' | 'latencyTarget' | 'latencyWindow' | 'latencyPercentile' | 'percentileList' | 'percentilePrecision' | 'clatPercentiles' | 'latPercentiles' | 'slatPercentiles' | 'kbBase'> {
  return {
    iodepth: job.iodepth,
    // fio's JSON: latency_target in ns, latency_window in µs
    latencyTarget: job.latencyTarget.targetNs,
    latencyWindow: Math.floor(job.latencyTarget.windowNs / 1000),
    latencyPercentile: job.latencyTarget.percentile,
    percentileList: job.percentileList,
    percentilePrecision: job.percentilePrecision,
    clatPercentiles: job.clatPercentiles,
    latPercentiles: job.latPercentiles,
    slatPercentiles: job.slatPercentiles,
    kbBase: job.kbBase,
  };
}
