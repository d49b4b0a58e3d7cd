/**
 * The fit of `dio calibrate`: multi-start Levenberg–Marquardt over the
 * parameter space (start 0 at the profile as given, the others at Halton
 * points of the unit cube), each start polished with a small Nelder–Mead
 * simplex; then rounds of hops around the best point so far; then a leave-one-out
 * refit per point and a probe of each parameter at the optimum. Every piece
 * is an independent task — a start, a refit, a probe — so they run on worker
 * threads and give the same answer on any number of them.
 * @module
 */
import type { KernelProfile } from '@dio/fio';
import { halton, nelderMead } from './nelder-mead';
import { measuredPoints, type MeasuredPoint, type Signals } from './points';
import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { profileLoss, residuals } from './simulate';
import { applyParams, type Param, paramSpace, unitOf } from './space';

/** What every task of one calibration shares. */
export interface CalibrateSetup {
  /** The fio JSON results, `[file, text]`. */
  readonly inputs: readonly (readonly [string, string])[];
  /** Simulated runtime per point (fio time syntax). */
  readonly runtime: string;
  /** Simulated time per point before its stats start (fio's ramp_time). */
  readonly rampTime: string;
  /** The profile every parameter is relative to (CPU layout and device already set). */
  readonly profile: KernelProfile;
  readonly seed: number;
  /** Loss evaluations per start. */
  readonly evals: number;
  /**
   * Discrete device choices tried in turn (e.g. virtio-blk's `host_io`
   * async and sync), as device options over the profile's: start k uses
   * variant k mod their number. One empty variant when there is no choice.
   */
  readonly variants: readonly DeviceVariant[];
  /** Hops per round around the best point after the starts (default {@link HOPS}; 0: none). */
  readonly hops?: number;
}

/** Hops per round around the best point so far, by default, and the most rounds. */
export const HOPS = 4;
export const HOP_ROUNDS = 3;

/** A discrete choice of device options, tried as its own set of starts. */
export interface DeviceVariant {
  /** How the report names it, e.g. `host_io=sync` or `nvme`. */
  readonly name: string;
  /** Device options over the profile's; with a `kind`, the whole device (another model's options replace the profile's). */
  readonly device: Readonly<Record<string, unknown>>;
}

/** `profile` with a variant's device options. */
export function withVariant(profile: KernelProfile, v: DeviceVariant | undefined): KernelProfile {
  if (v === undefined) return profile;
  const device = v.device.kind !== undefined ? v.device : { ...profile.device, ...v.device };
  return { ...profile, device: device as KernelProfile['device'] };
}

/** The variant start `start` tries. */
export function variantOf(s: CalibrateSetup, start: number): DeviceVariant | undefined {
  return s.variants[start % Math.max(1, s.variants.length)];
}

/** One unit of work. */
export type CalibrateTask = CalibrateSetup &
  (
    | { readonly kind: 'start'; readonly start: number }
    | { readonly kind: 'hop'; readonly hop: number; readonly from: readonly number[] }
    | { readonly kind: 'loo'; readonly leaveOut: number; readonly from: readonly number[] }
    | { readonly kind: 'probe'; readonly at: readonly number[] }
  );

/** A task's answer: where it ended, its loss, and the model's signals there (for a refit: of the point left out). */
export interface CalibrateCell {
  readonly u: readonly number[];
  readonly loss: number;
  readonly evals: number;
  readonly model: readonly Signals[];
}

/** The unit coordinates the `k`-th start of a variant begins at: the first is the profile itself. */
export function startPoint(space: readonly Param[], profile: KernelProfile, k: number): number[] {
  return k === 0 ? space.map((p) => unitOf(p, p.read(profile))) : halton(k - 1, space.length);
}

/** How far a hop moves each coordinate from the best point so far, at most (unit coordinates). */
export const HOP_RADIUS = 0.15;

/** Where the Halton sequence of hops begins: past any number of starts, so no hop repeats a start's point. */
const HOP_HALTON = 1 << 16;

/**
 * The point hop `k` starts from: `from` moved by up to {@link HOP_RADIUS} in
 * every coordinate, along the `k`-th Halton point (basin hopping: the loss
 * of a discrete simulation has many local minima close to the global one,
 * which starts spread over the whole cube rarely land in).
 */
export function hopPoint(from: readonly number[], k: number): number[] {
  const h = halton(HOP_HALTON + k, from.length);
  return from.map((u, i) => Math.min(1, Math.max(0, u + (2 * (h[i] as number) - 1) * HOP_RADIUS)));
}

/**
 * Search from `u0` on `points`: Levenberg–Marquardt on the residuals (the
 * loss is a sum of squares, so a Gauss–Newton step goes much further than a
 * simplex move per simulation), then Nelder–Mead with a small simplex from
 * its best, which copes with the steps a discrete simulation has.
 */
function search(points: readonly MeasuredPoint[], s: CalibrateSetup, space: readonly Param[], u0: readonly number[]): { u: readonly number[]; loss: number; evals: number } {
  const memo = new Map<string, { loss: number; res: number[] }>();
  let evals = 0;
  const at = (u: readonly number[]): { loss: number; res: number[] } => {
    const key = u.join();
    let r = memo.get(key);
    if (r === undefined) {
      evals++;
      const m = profileLoss(points, applyParams(s.profile, space, u), s.seed);
      r = { loss: m.loss, res: residuals(m.model, points) };
      memo.set(key, r);
    }
    return r;
  };
  const n = space.length;
  const nRes = at(u0).res.length;
  const lm = levenbergMarquardt({ x: Array.from({ length: nRes }, (_, i) => i), y: new Array<number>(nRes).fill(0) }, (u) => (i) => at(u).res[i] ?? 0, {
    initialValues: [...u0],
    minValues: new Array<number>(n).fill(0),
    maxValues: new Array<number>(n).fill(1),
    gradientDifference: LM_STEP,
    damping: 0.1,
    maxIterations: Math.max(1, Math.floor((s.evals * 0.6) / (n + 2))),
    errorTolerance: 1e-9,
  });
  const start = lm.parameterValues.map((v) => Math.min(1, Math.max(0, v)));
  const polish = nelderMead((u) => at(u).loss, start, { step: 0.05, maxEvals: Math.max(2 * n + 2, s.evals - evals) });
  const first = at(start).loss;
  return polish.v <= first ? { u: polish.x, loss: polish.v, evals } : { u: start, loss: first, evals };
}

/** The finite-difference step of the Jacobian, in unit coordinates. */
const LM_STEP = 0.02;

/** Run one task (on any thread). */
export function runCalibrateTask(t: CalibrateTask): CalibrateCell {
  const points = measuredPoints(t.inputs, t.runtime, t.rampTime);
  switch (t.kind) {
    case 'start': {
      const profile = withVariant(t.profile, variantOf(t, t.start));
      const space = paramSpace(profile);
      const r = search(points, { ...t, profile }, space, startPoint(space, profile, Math.floor(t.start / Math.max(1, t.variants.length))));
      return { ...r, model: profileLoss(points, applyParams(profile, space, r.u), t.seed).model };
    }
    case 'hop': {
      // the profile is the fitted variant's already (finishCalibration sets it)
      const space = paramSpace(t.profile);
      const r = search(points, t, space, hopPoint(t.from, t.hop));
      return { ...r, model: profileLoss(points, applyParams(t.profile, space, r.u), t.seed).model };
    }
    case 'loo': {
      const space = paramSpace(t.profile);
      const rest = points.filter((_, i) => i !== t.leaveOut);
      const r = search(rest, { ...t, evals: Math.ceil(t.evals / 2) }, space, t.from);
      const out = points[t.leaveOut] as MeasuredPoint;
      return { ...r, model: profileLoss([out], applyParams(t.profile, space, r.u), t.seed).model };
    }
    case 'probe': {
      const space = paramSpace(t.profile);
      const r = profileLoss(points, applyParams(t.profile, space, t.at), t.seed);
      return { u: t.at, loss: r.loss, evals: 1, model: r.model };
    }
  }
}

/** How far each parameter is moved (in unit coordinates) to see whether the data pins it. */
export const PROBE_STEP = 0.1;

/**
 * A parameter is not constrained when moving it by {@link PROBE_STEP} of its
 * range either way changes the loss by less than this: about a 4% change of
 * one point's IOPS.
 */
export const UNCONSTRAINED_DELTA = 0.0015;

/** The probe tasks for `u`: each parameter moved down and up. */
export function probePoints(u: readonly number[]): number[][] {
  return u.flatMap((_, j) => [-PROBE_STEP, PROBE_STEP].map((d) => u.map((v, i) => (i === j ? Math.min(1, Math.max(0, v + d)) : v))));
}

/** Which parameters the probes around the optimum (loss `best`) found unconstrained. */
export function unconstrained(space: readonly Param[], best: number, probes: readonly CalibrateCell[]): string[] {
  const moved = (j: number, side: number): number => Math.abs((probes[2 * j + side] as CalibrateCell).loss - best);
  return space.filter((_, j) => Math.max(moved(j, 0), moved(j, 1)) < UNCONSTRAINED_DELTA).map((p) => p.name);
}
