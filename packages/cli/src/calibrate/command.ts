/**
 * The `dio calibrate` command: read the fio JSON results, lay out the
 * machine, run the fit on worker threads with a progress bar, print the
 * trust report and write the profile with where it came from.
 * @module
 */
import { basename } from 'node:path';
import type { KernelProfile } from '@dio/fio';
import { interruptible } from '../interrupt';
import { runCells } from '../parallel';
import { loadProfile, parseCount, parseJobs, parseSeed, shippedRoot } from '../profile-arg';
import { progress } from '../progress';
import { sha256 } from '../shard';
import { parsePositiveTime } from '../time-arg';
import type { UserFs } from '../user-fs';
import { DIO_VERSION } from '../version';
import { calibrate, type CalibrationResult, machineLayout, reportLines } from './calibrate';
import type { CalibrateSetup } from './fit';
import { measuredPoints } from './points';
import { logErrors } from './simulate';
import { paramSpace } from './space';

/** The command's options as commander gives them. */
export interface CalibrateOptions {
  readonly out: string;
  readonly profile: string;
  readonly runtime: string;
  readonly evaluations: string;
  readonly starts: string;
  readonly seed: string;
  readonly cpus?: string;
  readonly queues?: string;
  readonly jobs?: string;
  readonly quiet?: boolean;
}

/** What the command prints and reads. */
export interface CalibrateIo {
  out(s: string): void;
  isTTY: boolean;
}

/** The profile file: what a profile holds, plus `calibration` (inputs, version, parameters, errors). */
function profileFile(base: KernelProfile, r: CalibrationResult, inputs: readonly (readonly [string, string])[], setup: CalibrateSetup, starts: number): string {
  const { name, description, version, policy, writeThroughCache, ioUringCallerComp, cpus, sched, costs, device } = r.profile;
  const pct = (v: number | undefined): number | null => (v === undefined ? null : Math.round((Math.exp(v) - 1) * 1000) / 10);
  const calibration = {
    dio_version: DIO_VERSION,
    from_profile: base.name,
    inputs: inputs.map(([file, text]) => ({ file, sha256: sha256(text) })),
    seed: setup.seed,
    runtime: setup.runtime,
    starts,
    evaluations_per_start: setup.evals,
    loss: r.loss,
    parameters: r.parameters,
    unconstrained: r.unconstrained,
    points: r.points.map((p) => ({
      point: p.label,
      files: p.sources,
      fit_error_pct: Object.fromEntries(Object.entries(logErrors(p.fitted, p.measured)).map(([k, v]) => [k, pct(v)])),
      ...(p.leaveOneOut !== undefined && { leave_one_out_error_pct: Object.fromEntries(Object.entries(logErrors(p.leaveOneOut, p.measured)).map(([k, v]) => [k, pct(v)])) }),
    })),
  };
  return `${JSON.stringify({ extends: shippedRoot(base), name, description, version, policy, writeThroughCache, ioUringCallerComp, cpus, sched, costs, device, calibration }, null, 2)}\n`;
}

/** Run `dio calibrate`. */
export async function calibrateCommand(io: CalibrateIo, files: UserFs, inputs: readonly string[], o: CalibrateOptions, workerEntry: URL | null): Promise<void> {
  const base = loadProfile(o.profile, files);
  parsePositiveTime('--runtime', o.runtime);
  const evals = parseCount('--evaluations', o.evaluations, 100_000);
  const starts = parseCount('--starts', o.starts, 1000);
  const cpus = o.cpus === undefined ? undefined : parseCount('--cpus', o.cpus, 4096);
  const queues = o.queues === undefined ? undefined : parseCount('--queues', o.queues, 4096);
  const jobs = parseJobs(o.jobs);
  const texts = inputs.map((f) => [f, files.read(f, 'fio JSON result')] as const);
  const points = measuredPoints(texts, o.runtime); // every file's errors before anything runs
  const layout = machineLayout(base, points, { cpus, queues });
  const setup: CalibrateSetup = { inputs: texts, runtime: o.runtime, profile: layout.profile, seed: parseSeed(o.seed), evals };
  // named after its file, so two calibrated profiles side by side get their own columns
  const name = `${shippedRoot(base)}+${basename(o.out)}`;
  const total = starts + (points.length >= 2 ? points.length : 0) + 2 * paramSpace(layout.profile).length + 1;
  let done = 0;
  const bar = progress(io, total, o.quiet === true);
  const r = await interruptible(
    (signal) =>
      calibrate(setup, starts, (tasks) => runCells('calibrate', tasks, workerEntry, jobs, () => bar.update(++done), signal), name),
    bar,
  );
  bar.stop();
  files.write(o.out, profileFile(base, r, texts, setup, starts), 'profile');
  io.out(`dio calibrate: ${points.length} point(s) from ${inputs.length} file(s): ${points.map((p) => `${p.label}${p.sources.length > 1 ? ` (median of ${p.sources.length})` : ''}`).join(', ')}; profile ${base.name}, seed ${setup.seed}`);
  for (const line of reportLines(r, layout)) io.out(line);
  io.out(`wrote ${o.out} (profile '${r.profile.name}')`);
}
