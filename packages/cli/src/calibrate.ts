/**
 * `dio calibrate`: fit the cost table to real fio JSON results from a user's
 * machine. Three mechanism-level knobs are fitted — the scale of every
 * per-I/O CPU cost, the scale of the completion-hop costs (queue_work,
 * work item, context switch) and the device's mean latency — by minimising
 * the squared log error of IOPS and mean clat over all points (Nelder–Mead). Each point is
 * the fio job its JSON describes ("job options"), simulated on the profile.
 * @module
 */
import { COMMAND_LINE, type FioJob, FioJobError, JobSetupError, type KernelProfile, MAX_COST_NS, MAX_TIME_NS, parseFioArgs, runJobs } from '@dio/fio';
import { errnoName } from '@dio/kiocb';
import type { CostModel, DistSpec } from '@dio/sim';
import { JobFailed, UsageError } from './errors';
import { mergedJobOptions, parseFioJson } from './fio-json';

/** One measured point from a fio JSON result. */
export interface MeasuredPoint {
  readonly source: string;
  readonly job: FioJob;
  readonly iops: number;
  readonly clatMeanNs: number;
}

/** The fitted knobs. */
export interface CalibrationFit {
  readonly cpuScale: number;
  readonly hopScale: number;
  readonly deviceLatencyNs: number;
}

/** A point's measured vs modelled result. */
export interface PointFit {
  readonly source: string;
  readonly iodepth: number;
  readonly measuredIops: number;
  readonly modelIops: number;
  readonly errorPct: number;
}

const HOP_COSTS: readonly (keyof CostModel)[] = ['queueWork', 'workItem', 'contextSwitch'];

/** Options fio's JSON echoes that dio sets itself (runtime) or that describe fio's file set-up only. */
const SKIPPED = new Set(['name', 'runtime', 'fallocate', 'overwrite', 'randrepeat']);

/**
 * Extract the point of a fio JSON result (first job with I/O): the job's
 * options merged over the file's global options, as fio runs it;
 * `simRuntime` replaces the measured runtime. Errors name `source`.
 */
export function pointFromFioJson(text: string, source: string, simRuntime: string): MeasuredPoint {
  const r = parseFioJson(text, source);
  const job = r.jobs[0];
  if (job === undefined) throw new UsageError(`${source}: jobs: has no jobs`);
  const dir = (job.write?.iops ?? 0) >= (job.read?.iops ?? 0) ? job.write : job.read;
  const iops = dir?.iops ?? 0;
  if (!(iops > 0)) throw new UsageError(`${source}: jobs[0] did no I/O`);
  const opts = mergedJobOptions(r, 0);
  const args = [`--name=${job.jobname ?? 'job'}`];
  const paths = [''];
  for (const [k, { value, path }] of opts) {
    if (SKIPPED.has(k)) continue;
    args.push(value === '' ? `--${k}` : `--${k}=${value}`);
    paths.push(path);
  }
  args.push(`--runtime=${simRuntime}`, '--time_based=1');
  if (!opts.has('size') && !opts.has('filesize')) args.push('--size=1g');
  let inv: ReturnType<typeof parseFioArgs>;
  try {
    inv = parseFioArgs(args);
  } catch (e) {
    if (!(e instanceof FioJobError)) throw e;
    const at = e.file === COMMAND_LINE ? paths[e.line - 1] : undefined;
    throw new UsageError(at !== undefined && at !== '' ? `${source}: ${at}: ${e.reason}` : `${source}: ${e.reason}`);
  }
  const fj = inv.jobs[0];
  if (fj === undefined) throw new UsageError(`${source}: no job`);
  return { source, job: fj, iops, clatMeanNs: dir?.clat_ns?.mean ?? 0 };
}

/** The profile with the knobs applied. */
export function applyFit(base: KernelProfile, f: CalibrationFit, name = `${base.name}+calibrated`): KernelProfile {
  const costs: Record<string, number> = {};
  for (const [k, v] of Object.entries(base.costs)) {
    if (typeof v !== 'number') continue;
    const hop = (HOP_COSTS as readonly string[]).includes(k);
    costs[k] = Math.min(MAX_COST_NS, Math.max(0, Math.round(v * (hop ? f.hopScale : f.cpuScale))));
  }
  // within what a profile file may hold, so the written profile loads
  const mean = Math.min(MAX_TIME_NS, Math.max(1, Math.round(f.deviceLatencyNs)));
  const lat: DistSpec = { kind: 'lognormal', mean, stddev: Math.round(mean * 0.2) };
  return { ...base, name, costs, device: { ...base.device, write_latency: lat, read_latency: lat } };
}

/** Run one point; a job that cannot be set up or fails is an error naming the point's file, never a zero. */
function runPoint(pt: MeasuredPoint, p: KernelProfile, seed: number): ReturnType<typeof runJobs> {
  let out: ReturnType<typeof runJobs>;
  try {
    out = runJobs([pt.job], p, { seed });
  } catch (e) {
    if (e instanceof JobSetupError) throw new UsageError(`${pt.source}: ${e.message.replace(/^command line:\d+: /, '')}`);
    throw e;
  }
  const failed = out.result.jobs.find((j) => j.error !== 0);
  if (failed !== undefined) throw new JobFailed(`${pt.source}: job '${failed.name}' failed: error=${failed.error} (${errnoName(-failed.error)})`);
  return out;
}

/** Simulated IOPS and mean clat of every point under `p`. */
function model(points: readonly MeasuredPoint[], p: KernelProfile, seed: number): { iops: number; clat: number }[] {
  return points.map((pt) => {
    const r = runPoint(pt, p, seed).result.jobs[0];
    if (r === undefined) throw new UsageError(`${pt.source}: no job result`);
    const d = r.write.totalIos >= r.read.totalIos ? r.write : r.read;
    return { iops: d.runtimeNs > 0 ? d.totalIos / (d.runtimeNs / 1e9) : 0, clat: d.clat.mean };
  });
}

/** Nelder–Mead on log-parameters. */
function nelderMead(f: (x: number[]) => number, x0: number[], iters: number): number[] {
  const n = x0.length;
  let simplex = [x0, ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + 0.25 : v)))].map((x) => ({ x, v: f(x) }));
  for (let it = 0; it < iters; it++) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0] as { x: number[]; v: number };
    const worst = simplex[n] as { x: number[]; v: number };
    const c = x0.map((_, j) => simplex.slice(0, n).reduce((a, s) => a + (s.x[j] as number), 0) / n);
    const at = (t: number) => c.map((cj, j) => cj + t * (cj - (worst.x[j] as number)));
    const r = { x: at(1), v: 0 };
    r.v = f(r.x);
    if (r.v < best.v) {
      const e = { x: at(2), v: 0 };
      e.v = f(e.x);
      simplex[n] = e.v < r.v ? e : r;
    } else if (r.v < (simplex[n - 1] as { v: number }).v) simplex[n] = r;
    else {
      const k = { x: at(-0.5), v: 0 };
      k.v = f(k.x);
      if (k.v < worst.v) simplex[n] = k;
      else simplex = simplex.map((s) => (s === best ? s : { x: s.x.map((v, j) => (best.x[j] as number) + 0.5 * (v - (best.x[j] as number))), v: 0 })).map((s) => (s.v === 0 && s !== best ? { x: s.x, v: f(s.x) } : s));
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return (simplex[0] as { x: number[] }).x;
}

/** Fit the knobs to the points, starting from `base`. */
export function calibrate(points: readonly MeasuredPoint[], base: KernelProfile, opts: { seed: number; iterations: number; onStep?: () => void; name?: string }): { fit: CalibrationFit; profile: KernelProfile; points: PointFit[] } {
  if (points.length === 0) throw new UsageError('calibrate: give at least one fio JSON result');
  const baseLat = (base.device.write_latency?.kind === 'lognormal' ? base.device.write_latency.mean : undefined) ?? base.device.completion_nsec ?? 10_000;
  const toFit = (x: number[]): CalibrationFit => ({ cpuScale: Math.exp(x[0] ?? 0), hopScale: Math.exp(x[1] ?? 0), deviceLatencyNs: baseLat * Math.exp(x[2] ?? 0) });
  const loss = (x: number[]): number => {
    opts.onStep?.();
    const m = model(points, applyFit(base, toFit(x)), opts.seed);
    // IOPS error, plus mean completion latency (when fio reported it) to separate device time from CPU time
    return m.reduce((a, v, i) => {
      const pt = points[i] as MeasuredPoint;
      const e = Math.log(Math.max(1, v.iops) / pt.iops) ** 2;
      return a + e + (pt.clatMeanNs > 0 ? Math.log(Math.max(1, v.clat) / pt.clatMeanNs) ** 2 : 0);
    }, 0);
  };
  const best = toFit(nelderMead(loss, [0, 0, 0], opts.iterations));
  const profile = applyFit(base, best, opts.name);
  const m = model(points, profile, opts.seed);
  return {
    fit: best,
    profile,
    points: points.map((p, i) => ({
      source: p.source,
      iodepth: p.job.iodepth,
      measuredIops: p.iops,
      modelIops: m[i]?.iops ?? 0,
      errorPct: ((m[i]?.iops ?? 0) / p.iops - 1) * 100,
    })),
  };
}
