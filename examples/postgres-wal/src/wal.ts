/**
 * The comparison that started the series (Andres Freund, postgres): a WAL
 * writer doing small sequential O_DIRECT|O_DSYNC writes at queue depth 1–2,
 * synchronous pwrite vs io_uring, under each kernel, on a drive with a
 * volatile write cache that does (or does not) support FUA.
 */
import { type KernelProfile, LINUX_6_19, LINUX_6_5, LINUX_6_6_RC1, parseFioArgs, runJobs } from '@dio/fio';

/** One measured configuration. */
export interface WalResult {
  readonly device: string;
  readonly profile: string;
  readonly engine: 'psync' | 'io_uring';
  readonly qd: number;
  readonly iops: number;
  readonly p50us: number;
  readonly p99us: number;
  readonly p999us: number;
  /** Work items the dio workqueue ran during the run (from the trace). */
  readonly workqueueItems: number;
}

/** The drives: both have a volatile write cache; only one honours FUA. */
export const DEVICES = {
  'FUA drive': { write_cache: true, fua: true },
  'no-FUA drive': { write_cache: true, fua: false },
} as const;

/**
 * Run the WAL writer once: fio lays the 64 MiB segment out first (written
 * extents, as postgres preallocates WAL segments), then the job rewrites it
 * sequentially in 8 KiB O_DIRECT|O_DSYNC writes, wrapping at the end.
 */
export function walRun(device: keyof typeof DEVICES, base: KernelProfile, engine: 'psync' | 'io_uring', qd: number, runtime = '50ms', seed = 1): WalResult {
  const profile: KernelProfile = { ...base, device: { ...base.device, ...DEVICES[device] } };
  const { jobs } = parseFioArgs([
    '--name=wal',
    '--filename=/pg/pg_wal/000000010000000000000001',
    '--size=64m',
    '--rw=write',
    '--bs=8k',
    '--direct=1',
    '--sync=dsync',
    `--ioengine=${engine}`,
    `--iodepth=${qd}`,
    '--time_based=1',
    `--runtime=${runtime}`,
    '--cpus_allowed=0',
  ]);
  const out = runJobs(jobs, profile, { seed, trace: true });
  const w = out.result.jobs[0]?.write;
  if (w === undefined) throw new Error('no result');
  return {
    device,
    profile: base.name,
    engine,
    qd,
    iops: w.runtimeNs > 0 ? w.totalIos / (w.runtimeNs / 1e9) : 0,
    p50us: w.clat.percentile(50) / 1000,
    p99us: w.clat.percentile(99) / 1000,
    p999us: w.clat.percentile(99.9) / 1000,
    workqueueItems: out.stack.sim.tracer.records.filter((r) => r.name === 'workqueue_execute_start').length,
  };
}

/** The whole grid: both drives, each kernel, psync at QD1 and io_uring at QD1 and QD2. */
export function walGrid(runtime = '50ms', seed = 1): WalResult[] {
  const out: WalResult[] = [];
  for (const device of Object.keys(DEVICES) as (keyof typeof DEVICES)[]) {
    for (const p of [LINUX_6_5, LINUX_6_6_RC1, LINUX_6_19]) {
      out.push(walRun(device, p, 'psync', 1, runtime, seed));
      for (const qd of [1, 2]) out.push(walRun(device, p, 'io_uring', qd, runtime, seed));
    }
  }
  return out;
}
