/**
 * What a run measures, per job: fio's struct thread_stat in dio's units
 * (times in ns; the formatters convert to fio's ms / us exactly as fio does).
 * @module
 */
import type { SteadyStateResult } from './pace/steadystate';
import type { IoDepthCounts } from './depth';
import type { SampleSummary } from './io-stat';
import type { FioOptionEcho } from './job';
import type { LatencyBucketCounts } from './lat-buckets';
import type { KbBase } from './units';

/** fio's data directions for I/O, in fio's order. */
export type Ddir = 'read' | 'write' | 'trim';

/** The directions in fio's order (DDIR_READ, DDIR_WRITE, DDIR_TRIM). */
export const DDIRS: readonly Ddir[] = ['read', 'write', 'trim'];

/**
 * A latency recorder's read side. `PlatHistogram` (fio's own histogram) is
 * what runs record into; `LatencyHistogram` from `@dio/sim` also fits;
 * values in ns. `bins()` gives `[value, count]` pairs for json+.
 */
export interface LatencySource {
  /** Number of samples (fio's N). */
  readonly count: number;
  /** Smallest (0 when none). */
  readonly min: number;
  /** Largest (0 when none). */
  readonly max: number;
  /** Mean (0 when none). */
  readonly mean: number;
  /** Sample standard deviation (N−1). */
  readonly stddev: number;
  /** Value at percentile `p` (0–100). */
  percentile(p: number): number;
  /** Non-empty histogram buckets as `[value, count]`. */
  bins(): [number, number][];
}

/** One direction's totals and latencies (fio's per-ddir thread_stat fields). */
export interface DirectionResult {
  /** Bytes transferred (io_bytes). */
  readonly ioBytes: number;
  /** I/Os completed (total_io_u). */
  readonly totalIos: number;
  /** Short I/Os (short_io_u). */
  readonly shortIos: number;
  /** Dropped I/Os (drop_io_u). */
  readonly dropIos: number;
  /** Time this direction ran, ns (fio reports whole ms). */
  readonly runtimeNs: number;
  /** Submission latency: I/O prepared → submitted. */
  readonly slat: LatencySource;
  /** Completion latency: submitted → completion seen. */
  readonly clat: LatencySource;
  /** Total latency: prepared → completion seen. */
  readonly lat: LatencySource;
  /** Bandwidth samples, KiB/s, one per averaging interval (bw_*). */
  readonly bw: SampleSummary;
  /** IOPS samples, one per averaging interval (iops_*). */
  readonly iops: SampleSummary;
}

/** fsync / fdatasync statistics (fio's "sync" block). */
export interface SyncResult {
  /** Number of sync calls. */
  readonly totalIos: number;
  /** Their latency. */
  readonly lat: LatencySource;
}

/** Everything fio reports about one job. */
export interface JobResult {
  /** Job name. */
  readonly name: string;
  /** Reporting group. */
  readonly groupId: number;
  /** Process id shown in normal output. */
  readonly pid: number;
  /** Error number (0 = none). */
  readonly error: number;
  /** fio's detail of the error (`file:io_u.c:2152, func=io_u_sync_complete, error=...`), shown after `err=` in normal output. */
  readonly errorText?: string;
  /** Lines fio printed on stderr for the job while it ran (verify failures), in order. */
  readonly messages?: readonly string[];
  /** Steady-state detection (`steadystate`, `ss_dur`), when on. */
  readonly steadystate?: SteadyStateResult;
  /** Jobs merged into this report (1 unless group_reporting). */
  readonly members: number;
  /** `group_reporting`: reported merged with the neighbouring jobs of its group (see `reportedJobs`). */
  readonly groupReporting?: boolean;
  /** `description`, shown when non-empty. */
  readonly description?: string;
  /** ETA seconds at the end (JSON `eta`; 0 when done). */
  readonly etaSec: number;
  /** Elapsed seconds since fio started (JSON `elapsed`). */
  readonly elapsedSec: number;
  /** The job's options as written (JSON "job options"). */
  readonly options: readonly FioOptionEcho[];
  /** Reads. */
  readonly read: DirectionResult;
  /** Writes. */
  readonly write: DirectionResult;
  /** Trims. */
  readonly trim: DirectionResult;
  /** fsync / fdatasync. */
  readonly sync: SyncResult;
  /** The job's run time, ns (JSON job_runtime in ms). */
  readonly jobRuntimeNs: number;
  /** User CPU time, ns. */
  readonly usrNs: number;
  /** System CPU time, ns. */
  readonly sysNs: number;
  /** Context switches. */
  readonly ctx: number;
  /** Major page faults. */
  readonly majf: number;
  /** Minor page faults. */
  readonly minf: number;
  /** I/O depth distributions. */
  readonly depth: IoDepthCounts;
  /** Completion latency buckets. */
  readonly latency: LatencyBucketCounts;
  /** The job's iodepth (JSON latency_depth). */
  readonly iodepth: number;
  /** latency_target (µs; 0 = none). */
  readonly latencyTarget: number;
  /** latency_window (µs). */
  readonly latencyWindow: number;
  /** latency_percentile. */
  readonly latencyPercentile: number;
  /** percentile_list. */
  readonly percentileList: readonly number[];
  /** Decimals of percentiles in normal output. */
  readonly percentilePrecision: number;
  /** clat_percentiles. */
  readonly clatPercentiles: boolean;
  /** lat_percentiles. */
  readonly latPercentiles: boolean;
  /** slat_percentiles. */
  readonly slatPercentiles: boolean;
  /** kb_base: 1024 reports MiB / KiB first, 1000 MB / kB first. */
  readonly kbBase: KbBase;
}

/** One device's line in fio's disk_util. */
export interface DiskUtil {
  /** Device name (`vda`). */
  readonly name: string;
  /** Reads completed. */
  readonly readIos: number;
  /** Writes completed. */
  readonly writeIos: number;
  /** Reads merged. */
  readonly readMerges: number;
  /** Writes merged. */
  readonly writeMerges: number;
  /** ms spent on reads. */
  readonly readTicks: number;
  /** ms spent on writes. */
  readonly writeTicks: number;
  /** Weighted ms in queue. */
  readonly inQueue: number;
  /** Utilization, percent (0–100). */
  readonly util: number;
}

/** A whole fio run: what the formatters print. */
export interface FioRunResult {
  /** `fio-3.33`. */
  readonly fioVersion: string;
  /** When the report was made, ms since the epoch. */
  readonly timestampMs: number;
  /** Jobs in report order. */
  readonly jobs: readonly JobResult[];
  /** Devices (JSON disk_util, normal "Disk stats"). */
  readonly diskUtil: readonly DiskUtil[];
  /** Global options as written (JSON "global options", omitted when empty). */
  readonly globalOptions: readonly FioOptionEcho[];
}
