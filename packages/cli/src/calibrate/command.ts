/**
 * The `dio calibrate` command: read the fio JSON results, lay out the
 * machine, run the fit on worker threads with a progress bar, print the
 * trust report and write the profile with where it came from.
 * @module
 */
import { basename } from 'node:path';
import { DEVICE_KINDS, type DeviceKind } from '@dio/blockdev';
import type { KernelProfile } from '@dio/fio';
import { interruptible } from '../interrupt';
import { runCells } from '../parallel';
import { loadProfile, parseCount, parseJobs, parseSeed, shippedRoot } from '../profile-arg';
import { progress } from '../progress';
import { parseShard, sha256, shardTasks } from '../shard';
import { calibrateShardJson, type CalibrateWork } from '../shard-doc';
import { UsageError } from '../errors';
import { parsePositiveTime, parseTime } from '../time-arg';
import type { UserFs } from '../user-fs';
import { DIO_VERSION } from '../version';
import { type CalibrationResult, deviceVariants, everyDeviceVariant, finishCalibration, type Layout, machineLayout, reportLines, startTasks, type TaskRunner } from './calibrate';
import type { CalibrateCell, CalibrateSetup } from './fit';
import { measuredPoints } from './points';
import { logErrors } from './simulate';

/** The command's options as commander gives them. */
export interface CalibrateOptions {
  readonly out: string;
  readonly profile: string;
  readonly runtime: string;
  readonly rampTime: string;
  readonly evaluations: string;
  readonly starts: string;
  readonly hops: string;
  readonly seed: string;
  readonly cpus?: string;
  readonly queues?: string;
  readonly irqCpu?: string;
  readonly hostIo?: string;
  readonly deviceKind?: string;
  readonly jobs?: string;
  readonly quiet?: boolean;
  readonly shard?: string;
}

/** What the command prints and reads. */
export interface CalibrateIo {
  out(s: string): void;
  isTTY: boolean;
}

/** The profile file: what a profile holds, plus `calibration` (inputs, version, parameters, errors). */
function profileFile(base: KernelProfile, r: CalibrationResult, inputs: readonly (readonly [string, string])[], setup: CalibrateSetup, starts: number, layout: Layout): string {
  const { name, description, version, policy, writeThroughCache, ioUringCallerComp, cpus, memoryMb, sched, costs, device } = r.profile;
  const pct = (v: number | undefined): number | null => (v === undefined ? null : Math.round((Math.exp(v) - 1) * 1000) / 10);
  const calibration = {
    dio_version: DIO_VERSION,
    from_profile: base.name,
    // the machine every fitted parameter is relative to: with from_profile, enough to re-run any search
    layout: { cpus: layout.cpus, kind: layout.kind, queues: layout.queues, irq_cpu: layout.irqCpu },
    inputs: inputs.map(([file, text]) => ({ file, sha256: sha256(text) })),
    seed: setup.seed,
    runtime: setup.runtime,
    ramp_time: setup.rampTime,
    starts,
    hops_per_round: setup.hops,
    evaluations_per_start: setup.evals,
    loss: r.loss,
    // start k tried variant k mod their number: `--shard k/<starts x variants>` re-runs just this search
    best_start: r.bestStart,
    // the search that found the parameters: a start (above), or hop k from a point (in unit coordinates) with best_start's variant
    best_search: r.bestSearch,
    ...(r.variant !== undefined && { device_choice: r.variant, device_choices: r.variants, device_variants: setup.variants }),
    parameters: r.parameters,
    unconstrained: r.unconstrained,
    points: r.points.map((p) => ({
      point: p.label,
      files: p.sources,
      fit_error_pct: Object.fromEntries(Object.entries(logErrors(p.fitted, p.measured)).map(([k, v]) => [k, pct(v)])),
      ...(p.leaveOneOut !== undefined && { leave_one_out_error_pct: Object.fromEntries(Object.entries(logErrors(p.leaveOneOut, p.measured)).map(([k, v]) => [k, pct(v)])) }),
    })),
  };
  return `${JSON.stringify({ extends: shippedRoot(base), name, description, version, policy, writeThroughCache, ioUringCallerComp, cpus, memoryMb, sched, costs, device, calibration }, null, 2)}\n`;
}

/** A CPU number flag. */
function parseCpu(flag: string, s: string): number {
  const n = Number(s);
  if (!/^\s*\d+\s*$/.test(s) || !Number.isSafeInteger(n) || n > 4095) throw new UsageError(`${flag}: '${s}' must be a CPU number in 0..4095`);
  return n;
}

/** `--device-kind`: one of the device models, or `auto` (each tried in turn). */
function parseDeviceKind(s: string): DeviceKind | 'auto' {
  const k = [...DEVICE_KINDS, 'auto' as const].find((x) => x === s);
  if (k === undefined) throw new UsageError(`--device-kind: '${s}' must be one of ${DEVICE_KINDS.join(', ')} or auto`);
  return k;
}

/** A calibration's work: everything that defines it (what a shard records and `dio merge` finishes from). */
function calibrateWork(io: { files: UserFs }, inputs: readonly string[], o: CalibrateOptions): { work: CalibrateWork; setup: CalibrateSetup; base: KernelProfile; layout: Layout } {
  const base = loadProfile(o.profile, io.files);
  parsePositiveTime('--runtime', o.runtime);
  parseTime('--ramp-time', o.rampTime);
  const evals = parseCount('--evaluations', o.evaluations, 100_000);
  const starts = parseCount('--starts', o.starts, 1000);
  const hops = parseCount('--hops', o.hops, 1000, 0);
  const cpus = o.cpus === undefined ? undefined : parseCount('--cpus', o.cpus, 4096);
  const queues = o.queues === undefined ? undefined : parseCount('--queues', o.queues, 4096);
  const irqCpu = o.irqCpu === undefined ? undefined : parseCpu('--irq-cpu', o.irqCpu);
  const deviceKind = o.deviceKind === undefined ? undefined : parseDeviceKind(o.deviceKind);
  const texts = inputs.map((f) => [f, io.files.read(f, 'fio JSON result')] as const);
  const points = measuredPoints(texts, o.runtime, o.rampTime); // every file's errors before anything runs
  if (points.length === 0) throw new UsageError('calibrate: give at least one fio JSON result');
  const auto = deviceKind === 'auto';
  const layout = machineLayout(base, points, { cpus, queues, irqCpu: auto ? undefined : irqCpu, deviceKind: auto ? undefined : deviceKind });
  if (o.hostIo !== undefined && o.hostIo !== 'async' && o.hostIo !== 'sync') throw new UsageError(`--host-io: '${o.hostIo}' must be async or sync`);
  if (o.hostIo !== undefined && !auto && layout.kind !== 'virtio-blk') throw new UsageError('--host-io: only a virtio-blk disk has a host (add --device-kind virtio-blk)');
  const variants = auto
    ? everyDeviceVariant(
        DEVICE_KINDS.map((k) => machineLayout(base, points, { cpus, queues, irqCpu: k === 'virtio-blk' ? irqCpu : undefined, deviceKind: k })),
        o.hostIo,
      )
    : deviceVariants(layout, o.hostIo);
  const setup: CalibrateSetup = { inputs: texts, runtime: o.runtime, rampTime: o.rampTime, profile: layout.profile, seed: parseSeed(o.seed), evals, variants, hops };
  const work: CalibrateWork = {
    inputs: texts.map(([file, text]) => ({ file, text })),
    runtime: o.runtime,
    ramp_time: o.rampTime,
    seed: setup.seed,
    evaluations: evals,
    starts,
    hops,
    out: o.out,
    // named after its file, so two calibrated profiles side by side get their own columns
    name: `${shippedRoot(base)}+${basename(o.out)}`,
    base: { ...base },
    profile: { ...layout.profile },
    variants: variants.map((v) => ({ name: v.name, device: { ...v.device } })),
    layout: { cpus: layout.cpus, cpus_from: layout.cpusFrom, kind: layout.kind, queues: layout.queues, irq_cpu: layout.irqCpu },
  };
  return { work, setup, base, layout };
}

/** The work as a shard document recorded it. */
function fromWork(w: CalibrateWork): { setup: CalibrateSetup; base: KernelProfile; layout: Layout } {
  const profile = w.profile as unknown as KernelProfile;
  const setup: CalibrateSetup = { inputs: w.inputs.map(({ file, text }) => [file, text] as const), runtime: w.runtime, rampTime: w.ramp_time, profile, seed: w.seed, evals: w.evaluations, variants: w.variants, hops: w.hops };
  return { setup, base: w.base as unknown as KernelProfile, layout: { profile, cpus: w.layout.cpus, cpusFrom: w.layout.cpus_from, kind: w.layout.kind, queues: w.layout.queues, irqCpu: w.layout.irq_cpu } };
}

/** How the tasks run: on worker threads started from `workerEntry` (or this thread), with a progress bar. */
interface RunOpts {
  readonly jobs?: number | undefined;
  readonly quiet: boolean;
  readonly workerEntry: URL | null;
}

/** Run `body` with a task runner whose every batch of tasks gets a progress bar of its own size; Ctrl-C stops them. */
function withWorkers<T>(io: CalibrateIo, o: RunOpts, body: (run: TaskRunner) => Promise<T>): Promise<T> {
  let bar = progress(io, 0, true);
  // interruptible stops whichever bar is showing when the work ends or is interrupted
  return interruptible(
    (signal) =>
      body((tasks) => {
        let done = 0;
        bar.stop();
        bar = progress(io, tasks.length, o.quiet);
        return runCells('calibrate', tasks, o.workerEntry, o.jobs, () => bar.update(++done), signal);
      }),
    { stop: () => bar.stop() },
  );
}

/**
 * Finish from the searches' results (the unsharded run's, or `dio merge`'s of
 * calibrate shards): trust tasks, the profile file, the report.
 */
export async function finishCalibrate(io: CalibrateIo, files: UserFs, w: CalibrateWork, found: readonly CalibrateCell[], o: RunOpts): Promise<void> {
  const { setup, base, layout } = fromWork(w);
  const points = measuredPoints(setup.inputs, setup.runtime, setup.rampTime);
  const r = await withWorkers(io, o, (run) => finishCalibration(setup, found, run, w.name));
  files.write(w.out, profileFile(base, r, setup.inputs, setup, w.starts, layout), 'profile');
  io.out(`dio calibrate: ${points.length} point(s) from ${setup.inputs.length} file(s): ${points.map((p) => `${p.label}${p.sources.length > 1 ? ` (median of ${p.sources.length})` : ''}`).join(', ')}; profile ${base.name}, seed ${setup.seed}`);
  for (const line of reportLines(r, layout)) io.out(line);
  io.out(`wrote ${w.out} (profile '${r.profile.name}')`);
}

/** Run `dio calibrate` (or, with `--shard i/n`, its share of the searches, printed as a shard document). */
export async function calibrateCommand(io: CalibrateIo, files: UserFs, inputs: readonly string[], o: CalibrateOptions, workerEntry: URL | null): Promise<void> {
  const { work, setup } = calibrateWork({ files }, inputs, o);
  const jobs = parseJobs(o.jobs);
  const shard = o.shard === undefined ? null : parseShard(o.shard);
  const tasks = shardTasks(startTasks(setup, work.starts), shard);
  const runOpts: RunOpts = { jobs, quiet: o.quiet === true, workerEntry };
  const found = await withWorkers(io, runOpts, (run) => run(tasks));
  if (shard !== null) {
    io.out(calibrateShardJson(shard, work, found));
    return;
  }
  await finishCalibrate(io, files, work, found, runOpts);
}
