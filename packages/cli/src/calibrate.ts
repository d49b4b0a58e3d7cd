/**
 * `dio calibrate`: fit the cost table to real fio JSON results from a user's
 * machine. Three mechanism-level knobs are fitted — the scale of every
 * per-I/O CPU cost, the scale of the completion-hop costs (queue_work,
 * work item, context switch) and the device's mean latency — by minimising
 * the squared log error of IOPS and mean clat over all points (Nelder–Mead). Each point is
 * the fio job its JSON describes ("job options"), simulated on the profile.
 * @module
 */
import { type FioJob, type KernelProfile, parseFioArgs, runJobs } from '@dio/fio';
import type { CostModel, DistSpec } from '@dio/sim';
import { UsageError } from './errors';

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

/** Extract the point of a fio JSON result (first job with I/O); `simRuntime` replaces the measured runtime. */
export function pointFromFioJson(text: string, source: string, simRuntime: string): MeasuredPoint {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${source}: not JSON: ${(e as Error).message}`);
  }
  const jobs = (j as { jobs?: unknown }).jobs;
  if (!Array.isArray(jobs) || jobs.length === 0) throw new UsageError(`${source}: no "jobs" array (is this fio --output-format=json output?)`);
  const job = jobs[0] as { jobname?: string; 'job options'?: Record<string, string>; write?: { iops?: number; clat_ns?: { mean?: number } }; read?: { iops?: number; clat_ns?: { mean?: number } } };
  const opts = job['job options'];
  if (opts === undefined) throw new UsageError(`${source}: jobs[0] has no "job options"`);
  const dir = (job.write?.iops ?? 0) >= (job.read?.iops ?? 0) ? job.write : job.read;
  const iops = dir?.iops ?? 0;
  if (!(iops > 0)) throw new UsageError(`${source}: jobs[0] did no I/O`);
  const args = [`--name=${job.jobname ?? 'job'}`];
  for (const [k, v] of Object.entries(opts)) {
    if (k === 'name' || k === 'runtime' || k === 'fallocate' || k === 'overwrite' || k === 'randrepeat') continue;
    args.push(v === '' ? `--${k}` : `--${k}=${v}`);
  }
  args.push(`--runtime=${simRuntime}`, '--time_based=1');
  if (!('size' in opts) && !('filesize' in opts)) args.push('--size=1g');
  const inv = parseFioArgs(args);
  const fj = inv.jobs[0];
  if (fj === undefined) throw new UsageError(`${source}: no job`);
  return { source, job: fj, iops, clatMeanNs: dir?.clat_ns?.mean ?? 0 };
}

/** The profile with the knobs applied. */
export function applyFit(base: KernelProfile, f: CalibrationFit): KernelProfile {
  const costs: Record<string, number> = {};
  for (const [k, v] of Object.entries(base.costs)) {
    if (typeof v !== 'number') continue;
    const hop = (HOP_COSTS as readonly string[]).includes(k);
    costs[k] = Math.max(0, Math.round(v * (hop ? f.hopScale : f.cpuScale)));
  }
  const lat: DistSpec = { kind: 'lognormal', mean: Math.round(f.deviceLatencyNs), stddev: Math.round(f.deviceLatencyNs * 0.2) };
  return { ...base, name: `${base.name}+calibrated`, costs, device: { ...base.device, write_latency: lat, read_latency: lat } };
}

/** Simulated IOPS and mean clat of every point under `p`. */
function model(points: readonly MeasuredPoint[], p: KernelProfile, seed: number): { iops: number; clat: number }[] {
  return points.map((pt) => {
    const out = runJobs([pt.job], p, { seed });
    const r = out.result.jobs[0];
    if (r === undefined) return { iops: 0, clat: 0 };
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
export function calibrate(points: readonly MeasuredPoint[], base: KernelProfile, opts: { seed: number; iterations: number; onStep?: () => void }): { fit: CalibrationFit; profile: KernelProfile; points: PointFit[] } {
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
  const profile = applyFit(base, best);
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
