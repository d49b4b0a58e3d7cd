/**
 * The measured side of `dio calibrate`: each fio JSON result becomes one run
 * (the job fio ran, with its options merged over the file's global options
 * as fio does, and every signal fio reported), and repetitions of the same
 * job become one point whose signals are the medians of its runs.
 * @module
 */
import { COMMAND_LINE, type FioJob, FioJobError, parseFioArgs } from '@dio/fio';
import { UsageError } from '../errors';
import { type FioJsonResult, mergedJobOptions, parseFioJson } from '../fio-json';

/**
 * What fio reports of a run that calibrate fits. Times in ns; CPU and
 * context switches per I/O of the fio thread. A signal fio did not report
 * (psync has no submission latency) is undefined.
 */
export interface Signals {
  readonly iops: number;
  readonly clatMean?: number | undefined;
  readonly clatP50?: number | undefined;
  readonly clatP99?: number | undefined;
  readonly slatMean?: number | undefined;
  readonly latMean?: number | undefined;
  /** User CPU of the fio thread per I/O, ns. */
  readonly usrPerIo?: number | undefined;
  /** System CPU of the fio thread per I/O, ns. */
  readonly sysPerIo?: number | undefined;
  /** Context switches of the fio thread per I/O. */
  readonly ctxPerIo?: number | undefined;
}

/** The signal names, in report order. */
export const SIGNALS = ['iops', 'clatMean', 'clatP50', 'clatP99', 'slatMean', 'latMean', 'usrPerIo', 'sysPerIo', 'ctxPerIo'] as const;

/** One signal's name. */
export type SignalName = (typeof SIGNALS)[number];

/** One measured point: a job and the median of its runs' signals. */
export interface MeasuredPoint {
  /** The files it came from (one per repetition). */
  readonly sources: readonly string[];
  /** A short label: engine and depth, e.g. `io_uring QD16`. */
  readonly label: string;
  /** The job as fio ran it; its runtime is the simulated one. */
  readonly job: FioJob;
  /** The job's options as fio ran it (`--name=…` form), for the worker threads, which re-parse them. */
  readonly args: readonly string[];
  readonly measured: Signals;
}

/** Options fio's JSON echoes that dio sets itself (runtime) or that describe fio's file set-up only. */
const SKIPPED = new Set(['name', 'runtime', 'fallocate', 'overwrite', 'randrepeat', 'filename', 'directory']);

/** A run's direction with the most I/O, and the job it belongs to. */
function mainDirection(r: FioJsonResult, source: string): { job: FioJsonResult['jobs'][number]; dir: NonNullable<FioJsonResult['jobs'][number]['write']> } {
  const job = r.jobs[0];
  if (job === undefined) throw new UsageError(`${source}: jobs: has no jobs`);
  const dir = (job.write?.iops ?? 0) >= (job.read?.iops ?? 0) ? job.write : job.read;
  if (dir === undefined || !(dir.iops > 0)) throw new UsageError(`${source}: jobs[0] did no I/O`);
  return { job, dir };
}

const pct = (p: Record<string, number> | undefined, key: string): number | undefined => {
  const v = p?.[key];
  return v !== undefined && v > 0 ? v : undefined;
};
const positive = (v: number | undefined): number | undefined => (v !== undefined && v > 0 ? v : undefined);

/** The signals of one fio JSON result. */
export function signalsOf(r: FioJsonResult, source: string): Signals {
  const { job, dir } = mainDirection(r, source);
  const ios = dir.total_ios ?? 0;
  const runtimeMs = job.job_runtime ?? dir.runtime ?? 0;
  const perIo = (cpuPct: number | undefined): number | undefined => (cpuPct !== undefined && ios > 0 && runtimeMs > 0 ? positive(((cpuPct / 100) * runtimeMs * 1e6) / ios) : undefined);
  return {
    iops: dir.iops,
    clatMean: positive(dir.clat_ns?.mean),
    clatP50: pct(dir.clat_ns?.percentile, '50.000000'),
    clatP99: pct(dir.clat_ns?.percentile, '99.000000'),
    slatMean: positive(dir.slat_ns?.mean),
    latMean: positive(dir.lat_ns?.mean),
    usrPerIo: perIo(job.usr_cpu),
    sysPerIo: perIo(job.sys_cpu),
    ctxPerIo: job.ctx !== undefined && ios > 0 ? positive(job.ctx / ios) : undefined,
  };
}

/** The job of a fio JSON result as `--name=… --opt=…` arguments (global options merged), and where each came from. */
function jobArgs(r: FioJsonResult): { args: string[]; paths: string[] } {
  const opts = mergedJobOptions(r, 0);
  const args = [`--name=${r.jobs[0]?.jobname ?? 'job'}`];
  const paths = [''];
  for (const [k, { value, path }] of opts) {
    if (SKIPPED.has(k)) continue;
    args.push(value === '' ? `--${k}` : `--${k}=${value}`);
    paths.push(path);
  }
  if (!opts.has('size') && !opts.has('filesize')) args.push('--size=1g');
  return { args, paths };
}

/** Parse `args` plus the simulated runtime into the job dio runs; errors name `source` and the JSON path of the option. */
export function jobFromArgs(args: readonly string[], simRuntime: string, source: string, paths: readonly string[] = [], simRamp = '0'): FioJob {
  let inv: ReturnType<typeof parseFioArgs>;
  try {
    // fio's own ramp_time, when the measured job had one, wins over dio's
    inv = parseFioArgs([`--ramp_time=${simRamp}`, ...args, `--runtime=${simRuntime}`, '--time_based=1']);
  } catch (e) {
    if (!(e instanceof FioJobError)) throw e;
    // argument 1 is dio's ramp_time; the job's own start at argument 2
    const at = e.file === COMMAND_LINE ? paths[e.line - 2] : undefined;
    throw new UsageError(at !== undefined && at !== '' ? `${source}: ${at}: ${e.reason}` : `${source}: ${e.reason}`);
  }
  const fj = inv.jobs[0];
  if (fj === undefined) throw new UsageError(`${source}: no job`);
  return fj;
}

/** One fio JSON result: its job (run for `simRuntime` after `simRamp`), its key for grouping repetitions, and its signals. */
export function runFromFioJson(text: string, source: string, simRuntime: string, simRamp = '0'): { key: string; args: string[]; job: FioJob; signals: Signals } {
  const r = parseFioJson(text, source);
  const signals = signalsOf(r, source);
  const { args, paths } = jobArgs(r);
  const job = jobFromArgs(args, simRuntime, source, paths, simRamp);
  return { key: args.slice(1).sort().join(' '), args, job, signals };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** The median of each signal over runs (a signal only some runs reported is the median of those). */
function medianSignals(runs: readonly Signals[]): Signals {
  const out: Record<string, number | undefined> = {};
  for (const k of SIGNALS) {
    const vs = runs.map((r) => r[k]).filter((v): v is number => v !== undefined);
    out[k] = vs.length > 0 ? median(vs) : undefined;
  }
  return out as unknown as Signals;
}

/**
 * Read fio JSON results (`[file, text]` pairs) into points: runs of the same
 * job (same options, whatever the job name or runtime) are repetitions of
 * one point. Points keep the order of their first file.
 */
export function measuredPoints(inputs: readonly (readonly [string, string])[], simRuntime: string, simRamp = '0'): MeasuredPoint[] {
  const groups = new Map<string, { sources: string[]; args: string[]; job: FioJob; runs: Signals[] }>();
  for (const [source, text] of inputs) {
    const run = runFromFioJson(text, source, simRuntime, simRamp);
    const g = groups.get(run.key);
    if (g === undefined) groups.set(run.key, { sources: [source], args: run.args, job: run.job, runs: [run.signals] });
    else {
      g.sources.push(source);
      g.runs.push(run.signals);
    }
  }
  return [...groups.values()].map((g) => ({ sources: g.sources, label: `${g.job.ioengine} QD${g.job.iodepth}`, job: g.job, args: g.args, measured: medianSignals(g.runs) }));
}
