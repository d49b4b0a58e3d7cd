/**
 * The model side of `dio calibrate`: a point's job simulated on a candidate
 * profile gives the same signals fio reported, and the loss compares them.
 * Every candidate runs with the same seed (common random numbers), so two
 * candidates differ only by their parameters, never by luck.
 * @module
 */
import { type FioJob, JobSetupError, type KernelProfile, PlatHistogram, runJobs } from '@dio/fio';
import { errnoName } from '@dio/kiocb';
import { JobFailed, UsageError } from '../errors';
import { type MeasuredPoint, type SignalName, type Signals, SIGNALS } from './points';

/**
 * How much each signal counts in the loss (squared log error). IOPS first;
 * latencies separate the device's time from the CPU's; CPU and context
 * switches per I/O, which fio measures with less precision, count least.
 */
export const SIGNAL_WEIGHTS: Readonly<Record<SignalName, number>> = {
  iops: 1,
  clatMean: 0.5,
  clatP50: 0.5,
  clatP99: 0.25,
  slatMean: 0.5,
  latMean: 0.25,
  usrPerIo: 0.1,
  sysPerIo: 0.1,
  ctxPerIo: 0.25,
};

/** The simulated signals of `job` on `profile`; a job that fails is an error naming `source`, never a zero. */
export function simulatePoint(job: FioJob, source: string, profile: KernelProfile, seed: number): Signals {
  let out: ReturnType<typeof runJobs>;
  try {
    out = runJobs([job], profile, { seed });
  } catch (e) {
    if (e instanceof JobSetupError) throw new UsageError(`${source}: ${e.message.replace(/^command line:\d+: /, '')}`);
    throw e;
  }
  const r = out.result.jobs[0];
  if (r === undefined) throw new UsageError(`${source}: no job result`);
  if (r.error !== 0) throw new JobFailed(`${source}: job '${r.name}' failed: error=${r.error} (${errnoName(-r.error)})`);
  const d = r.write.totalIos >= r.read.totalIos ? r.write : r.read;
  const secs = d.runtimeNs / 1e9;
  // CPU and switches were counted over the ramp too: per I/O over the whole run
  const ios = d.totalIos * (secs > 0 ? (secs + job.rampTimeNs / 1e9) / secs : 1);
  const p = (pct: number): number | undefined => (d.clat instanceof PlatHistogram && d.clat.count > 0 ? d.clat.percentile(pct) : undefined);
  const perIo = (v: number): number | undefined => (ios > 0 ? v / ios : undefined);
  return {
    iops: secs > 0 ? d.totalIos / secs : 0,
    clatMean: d.clat.count > 0 ? d.clat.mean : undefined,
    clatP50: p(50),
    clatP99: p(99),
    slatMean: d.slat.count > 0 ? d.slat.mean : undefined,
    latMean: d.lat.count > 0 ? d.lat.mean : undefined,
    usrPerIo: perIo(r.usrNs),
    sysPerIo: perIo(r.sysNs),
    ctxPerIo: perIo(r.ctx),
  };
}

/** log(model / measured) of every signal both sides have (0 IOPS counts as 1, so a dead run is a large error, not NaN). */
export function logErrors(model: Signals, measured: Signals): Partial<Record<SignalName, number>> {
  const out: Partial<Record<SignalName, number>> = {};
  for (const k of SIGNALS) {
    const m = measured[k];
    const s = model[k];
    if (m === undefined || m <= 0) continue;
    out[k] = Math.log(Math.max(s ?? 0, k === 'iops' ? 1 : 1e-3) / m);
  }
  return out;
}

/** The weighted squared log error of one point. */
export function pointLoss(model: Signals, measured: Signals): number {
  const e = logErrors(model, measured);
  let sum = 0;
  for (const k of SIGNALS) {
    const v = e[k];
    if (v !== undefined) sum += SIGNAL_WEIGHTS[k] * v * v;
  }
  return sum;
}

/**
 * The weighted log errors of every point's every signal, in a fixed order
 * (a signal the point lacks is 0): the residuals whose mean square is the
 * loss, for a least-squares fit.
 */
export function residuals(model: readonly Signals[], points: readonly MeasuredPoint[]): number[] {
  const scale = 1 / Math.sqrt(Math.max(1, points.length));
  return points.flatMap((pt, i) => {
    const e = logErrors(model[i] as Signals, pt.measured);
    return SIGNALS.map((k) => (e[k] ?? 0) * Math.sqrt(SIGNAL_WEIGHTS[k]) * scale);
  });
}

/** The loss of `profile` over `points` (the mean of the points' losses), and each point's model signals. */
export function profileLoss(points: readonly MeasuredPoint[], profile: KernelProfile, seed: number): { loss: number; model: Signals[] } {
  const model = points.map((pt) => simulatePoint(pt.job, pt.sources[0] ?? pt.label, profile, seed));
  const loss = model.reduce((a, m, i) => a + pointLoss(m, (points[i] as MeasuredPoint).measured), 0) / Math.max(1, points.length);
  return { loss, model };
}
