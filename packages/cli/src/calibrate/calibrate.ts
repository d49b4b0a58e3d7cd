/**
 * `dio calibrate`: fit a profile to fio JSON results from a real machine and
 * say how far to trust it. The machine's layout comes first (CPU count from
 * the jobs' `cpus_allowed` or `--cpus`; the device model, its hardware
 * queues and interrupt CPU; the discrete device choices to try in turn),
 * then the fit (fit.ts), then per point the measured and fitted signals and
 * a leave-one-out prediction, and the parameters the data does not pin down.
 * @module
 */
import type { DeviceKind, DeviceOptions } from '@dio/blockdev';
import type { KernelProfile } from '@dio/fio';
import { UsageError } from '../errors';
import type { CalibrateCell, CalibrateSetup, CalibrateTask, DeviceVariant } from './fit';
import { HOP_ROUNDS, HOPS, probePoints, unconstrained, variantOf, withVariant } from './fit';
import { measuredPoints, type MeasuredPoint, type Signals } from './points';
import { logErrors } from './simulate';
import { applyParams, paramSpace, paramValues } from './space';

/** The machine layout flags. */
export interface LayoutOptions {
  readonly cpus?: number | undefined;
  readonly queues?: number | undefined;
  readonly irqCpu?: number | undefined;
  readonly deviceKind?: DeviceKind | undefined;
}

/** How the layout was chosen, for the report. */
export interface Layout {
  readonly profile: KernelProfile;
  readonly cpus: number;
  readonly cpusFrom: string;
  readonly kind: DeviceKind;
  readonly queues: number;
  /** The CPU taking the disk's interrupt (virtio-blk), or null: each queue's own CPUs. */
  readonly irqCpu: number | null;
}

/** The option that counts a kind's hardware queues. */
const QUEUE_OPTION: Readonly<Record<DeviceKind, string>> = { null_blk: 'submit_queues', nvme: 'nr_io_queues', 'virtio-blk': 'num_queues' };

/** A device option's number, if the device has it. */
const numberOption = (d: DeviceOptions, key: string): number | undefined => {
  const v = (d as Readonly<Record<string, unknown>>)[key];
  return typeof v === 'number' ? v : undefined;
};

/**
 * The device of the layout: the profile's own when the kind is the same
 * (with its queue count), else the other kind's defaults with the profile's
 * capacity and block size.
 */
function layoutDevice(d: DeviceOptions, kind: DeviceKind, queues: number, irqCpu: number | null): DeviceOptions {
  const own = (d.kind ?? 'null_blk') === kind;
  const { gb, bs } = d;
  const base: Record<string, unknown> = own ? { ...d } : { kind, ...(gb !== undefined && { gb }), ...(bs !== undefined && { bs }) };
  base[QUEUE_OPTION[kind]] = queues;
  if (irqCpu !== null) base.irq_cpu = irqCpu;
  return base as DeviceOptions;
}

/**
 * The profile on the measured machine's layout: as many CPUs as `--cpus`, or
 * as the highest CPU the jobs were pinned to needs (at least 2: a machine
 * with fio pinned has another CPU for everything else), or the profile's; the
 * device kind of `--device-kind` or the profile's, with `--queues` hardware
 * queues (default: the profile's, or the kind's: one per CPU for nvme, one
 * for virtio-blk); a virtio disk's interrupt on `--irq-cpu`, or on the CPU
 * every job was pinned to (where `scripts/measure-real.sh` pins fio).
 */
export function machineLayout(base: KernelProfile, points: readonly MeasuredPoint[], o: LayoutOptions): Layout {
  const pinned = points.flatMap((p) => p.job.cpusAllowed ?? []);
  const cpus = o.cpus ?? (pinned.length > 0 ? Math.max(2, Math.max(...pinned) + 1) : base.cpus);
  const cpusFrom = o.cpus !== undefined ? '--cpus' : pinned.length > 0 ? "the jobs' cpus_allowed" : `profile ${base.name}`;
  const maxPinned = pinned.length > 0 ? Math.max(...pinned) : -1;
  if (maxPinned >= cpus) throw new UsageError(`--cpus ${cpus}: the jobs are pinned to CPU ${maxPinned}; give at least ${maxPinned + 1}`);
  const kind = o.deviceKind ?? base.device.kind ?? 'null_blk';
  const own = (base.device.kind ?? 'null_blk') === kind ? numberOption(base.device, QUEUE_OPTION[kind]) : undefined;
  const queues = o.queues ?? Math.min(own ?? (kind === 'nvme' ? cpus : 1), cpus);
  if (queues > cpus) throw new UsageError(`--queues ${queues}: at most one hardware queue per CPU (${cpus})`);
  if (o.irqCpu !== undefined && kind !== 'virtio-blk') throw new UsageError(`--irq-cpu: only a virtio-blk disk takes its interrupt on one CPU (${kind} interrupts each queue's own CPUs)`);
  if (o.irqCpu !== undefined && o.irqCpu >= cpus) throw new UsageError(`--irq-cpu ${o.irqCpu}: the machine has CPUs 0..${cpus - 1}`);
  const onePinned = new Set(pinned).size === 1 && points.every((p) => p.job.cpusAllowed?.length === 1) ? (pinned[0] as number) : null;
  const irqCpu = kind === 'virtio-blk' ? (o.irqCpu ?? onePinned ?? numberOption(base.device, 'irq_cpu') ?? null) : null;
  return { profile: { ...base, cpus, device: layoutDevice(base.device, kind, queues, irqCpu) }, cpus, cpusFrom, kind, queues, irqCpu };
}

/**
 * The discrete device choices to try in turn: a virtio-blk host serving
 * requests asynchronously (QEMU with aio=native/io_uring) or one at a time
 * (Firecracker's sync engine, QEMU aio=threads with one worker), unless
 * `--host-io` or the profile says which.
 */
export function deviceVariants(layout: Layout, hostIo: 'async' | 'sync' | undefined): DeviceVariant[] {
  if (layout.kind !== 'virtio-blk') return [];
  const fixed = hostIo ?? ('host_io' in layout.profile.device ? layout.profile.device.host_io : undefined);
  return (fixed !== undefined ? [fixed] : (['async', 'sync'] as const)).map((h) => ({ name: `host_io=${h}`, device: { host_io: h } }));
}

/**
 * `--device-kind auto`: every device model tried in turn (and a virtio
 * host's I/O modes), each on its own layout — whole devices, since one
 * model's options are not another's.
 */
export function everyDeviceVariant(layouts: readonly Layout[], hostIo: 'async' | 'sync' | undefined): DeviceVariant[] {
  return layouts.flatMap((l) => {
    const own = deviceVariants(l, hostIo);
    if (own.length === 0) return [{ name: l.kind, device: { ...l.profile.device } }];
    return own.map((v) => ({ name: `${l.kind} ${v.name}`, device: { ...l.profile.device, ...v.device } }));
  });
}

/** The signals shown per point, with their units. */
const SHOWN: readonly { key: keyof Signals; label: string; scale: number; unit: string }[] = [
  { key: 'iops', label: 'IOPS', scale: 1, unit: '' },
  { key: 'clatP50', label: 'p50 clat', scale: 1e-3, unit: ' us' },
  { key: 'clatP99', label: 'p99 clat', scale: 1e-3, unit: ' us' },
  { key: 'slatMean', label: 'mean slat', scale: 1e-3, unit: ' us' },
  { key: 'latMean', label: 'mean lat', scale: 1e-3, unit: ' us' },
  { key: 'sysPerIo', label: 'sys CPU/IO', scale: 1e-3, unit: ' us' },
  { key: 'ctxPerIo', label: 'ctx sw/IO', scale: 1, unit: '' },
];

/** One point of the report. */
export interface PointReport {
  readonly label: string;
  readonly sources: readonly string[];
  readonly measured: Signals;
  readonly fitted: Signals;
  /** Predicted with this point left out of the fit (absent with one point). */
  readonly leaveOneOut?: Signals;
}

/** Everything a calibration found. */
export interface CalibrationResult {
  readonly profile: KernelProfile;
  readonly parameters: Record<string, number>;
  readonly loss: number;
  readonly startLosses: readonly number[];
  readonly bestStart: number;
  /** Each round's hop losses (rounds stop when one finds nothing better). */
  readonly hopLosses: readonly (readonly number[])[];
  /** The search that found the result: a start, or a hop from a point. */
  readonly bestSearch: BestSearch;
  /** Each discrete device choice tried and its best loss. */
  readonly variants: readonly { readonly name: string; readonly loss: number }[];
  /** The choice the fit kept. */
  readonly variant?: string;
  readonly points: readonly PointReport[];
  readonly unconstrained: readonly string[];
  readonly evaluations: number;
}

/** The tasks of the fit, in order: `starts` searches per variant (start k tries variant k mod their number). */
export function startTasks(setup: CalibrateSetup, starts: number): CalibrateTask[] {
  return Array.from({ length: starts * Math.max(1, setup.variants.length) }, (_, start) => ({ ...setup, kind: 'start' as const, start }));
}

/** The tasks after the fit: a refit per point left out (with two or more points), then the probes. */
export function trustTasks(setup: CalibrateSetup, nPoints: number, best: readonly number[]): CalibrateTask[] {
  const loo = nPoints >= 2 ? Array.from({ length: nPoints }, (_, leaveOut) => ({ ...setup, kind: 'loo' as const, leaveOut, from: best })) : [];
  return [...loo, ...probePoints(best).map((at) => ({ ...setup, kind: 'probe' as const, at })), { ...setup, kind: 'probe' as const, at: best }];
}

/** Which search found the fit: re-running that one task gives the same parameters. */
export type BestSearch = { readonly kind: 'start'; readonly start: number } | { readonly kind: 'hop'; readonly hop: number; readonly from: readonly number[] };

/** Runs tasks (on worker threads or not) and returns their cells in order. */
export type TaskRunner = (tasks: readonly CalibrateTask[]) => Promise<CalibrateCell[]>;

/**
 * Basin hopping: rounds of `setup.hops` searches from points near the best so
 * far, while a round improves on it ({@link HOP_ROUNDS} at most). Returns the
 * best, the search that found it, and every round's cells.
 */
async function hopRounds(setup: CalibrateSetup, start: CalibrateCell, startSearch: BestSearch, run: TaskRunner): Promise<{ best: CalibrateCell; bestSearch: BestSearch; rounds: CalibrateCell[][] }> {
  const n = setup.hops ?? HOPS;
  let best = start;
  let bestSearch = startSearch;
  const rounds: CalibrateCell[][] = [];
  for (let round = 0; n > 0 && round < HOP_ROUNDS; round++) {
    const from = best.u;
    const hops = await run(Array.from({ length: n }, (_, i) => ({ ...setup, kind: 'hop' as const, hop: round * n + i, from })));
    rounds.push(hops);
    const before = best;
    hops.forEach((c, i) => {
      if (c.loss < best.loss) {
        best = c;
        bestSearch = { kind: 'hop', hop: round * n + i, from };
      }
    });
    if (best === before) break;
  }
  return { best, bestSearch, rounds };
}

/** The searches' results → the best, its trust tasks run, the report's figures. Sharded runs finish here after `dio merge`. */
export async function finishCalibration(all: CalibrateSetup, found: readonly CalibrateCell[], run: TaskRunner, name: string): Promise<CalibrationResult> {
  const points = measuredPoints(all.inputs, all.runtime, all.rampTime);
  let bestStart = 0;
  found.forEach((c, i) => {
    if (c.loss < (found[bestStart] as CalibrateCell).loss) bestStart = i;
  });
  // from here on, the best start's variant is the machine
  const variant = variantOf(all, bestStart);
  const setup: CalibrateSetup = { ...all, profile: withVariant(all.profile, variant), variants: variant === undefined ? [] : [variant] };
  const space = paramSpace(setup.profile);
  const hopped = await hopRounds(setup, found[bestStart] as CalibrateCell, { kind: 'start', start: bestStart }, run);
  const best = hopped.best;
  const trust = await run(trustTasks(setup, points.length, best.u));
  const nLoo = points.length >= 2 ? points.length : 0;
  const probes = trust.slice(nLoo, trust.length - 1);
  const atBest = trust[trust.length - 1] as CalibrateCell;
  const profile = { ...applyParams(setup.profile, space, best.u), name };
  return {
    profile,
    parameters: paramValues(space, best.u),
    loss: atBest.loss,
    startLosses: found.map((c) => c.loss),
    bestStart,
    hopLosses: hopped.rounds.map((r) => r.map((c) => c.loss)),
    bestSearch: hopped.bestSearch,
    variants: all.variants.map((v, i) => ({ name: v.name, loss: Math.min(...found.filter((_, k) => k % all.variants.length === i).map((c) => c.loss)) })),
    ...(variant !== undefined && { variant: variant.name }),
    points: points.map((p, i) => ({
      label: p.label,
      sources: p.sources,
      measured: p.measured,
      fitted: atBest.model[i] as Signals,
      ...(nLoo > 0 && { leaveOneOut: (trust[i] as CalibrateCell).model[0] as Signals }),
    })),
    unconstrained: unconstrained(space, atBest.loss, probes),
    evaluations: [...found, ...hopped.rounds.flat(), ...trust].reduce((a, c) => a + c.evals, 0),
  };
}

/** Run a whole calibration: `starts` searches, then the trust tasks. */
export async function calibrate(setup: CalibrateSetup, starts: number, run: TaskRunner, name: string): Promise<CalibrationResult> {
  if (setup.inputs.length === 0) throw new UsageError('calibrate: give at least one fio JSON result');
  return finishCalibration(setup, await run(startTasks(setup, starts)), run, name);
}

const pctErr = (model: number | undefined, measured: number | undefined): string => {
  if (model === undefined || measured === undefined || measured <= 0) return '–';
  const e = (model / measured - 1) * 100;
  return `${e >= 0 ? '+' : ''}${e.toFixed(1)}%`;
};
const fmt = (v: number | undefined, scale: number, unit: string): string => (v === undefined ? '–' : `${scale === 1 && v >= 100 ? Math.round(v * scale) : (v * scale).toFixed(scale === 1 ? 2 : 1)}${unit}`);

/** The report: parameters, then per point every signal measured, fitted and predicted with the point left out. */
export function reportLines(r: CalibrationResult, layout: Layout, space = paramSpace(r.profile)): string[] {
  const out: string[] = [];
  const d = r.profile.device;
  const kind = d.kind ?? 'null_blk';
  const irq = kind === 'virtio-blk' ? numberOption(d, 'irq_cpu') : undefined;
  out.push(`machine: ${layout.cpus} CPUs (from ${layout.cpusFrom}); device ${kind} with ${numberOption(d, QUEUE_OPTION[kind]) ?? 1} hardware queue(s)${irq !== undefined ? `, its interrupt on CPU ${irq}` : ''}`);
  const hops = r.hopLosses.map((round, i) => `round ${i + 1}: ${round.map((l) => l.toFixed(4)).join(', ')}`).join('; ');
  const found = r.bestSearch.kind === 'start' ? `start ${r.bestSearch.start}` : `hop ${r.bestSearch.hop}`;
  out.push(`fit: loss ${r.loss.toFixed(4)} (found by ${found}; best of ${r.startLosses.length} starts: ${r.startLosses.map((l) => l.toFixed(4)).join(', ')}; hops around the best: ${hops}), ${r.evaluations} simulations`);
  if (r.variants.length > 1) out.push(`device: ${r.variant ?? '?'} fits best (tried in turn, best loss each: ${r.variants.map((v) => `${v.name} ${v.loss.toFixed(4)}`).join(', ')})`);
  out.push('parameter | value | meaning');
  for (const p of space) {
    const v = r.parameters[p.name] as number;
    out.push(`${p.name} | ${v >= 100 ? Math.round(v) : v.toPrecision(3)}${r.unconstrained.includes(p.name) ? ' (not constrained by the data)' : ''} | ${p.describe}`);
  }
  out.push('point | signal | measured | fitted | error | left out: predicted | error');
  for (const p of r.points) {
    for (const s of SHOWN) {
      const m = p.measured[s.key];
      if (m === undefined) continue;
      const f = p.fitted[s.key];
      const l = p.leaveOneOut?.[s.key];
      out.push(`${p.label} | ${s.label} | ${fmt(m, s.scale, s.unit)} | ${fmt(f, s.scale, s.unit)} | ${pctErr(f, m)} | ${p.leaveOneOut === undefined ? '–' : `${fmt(l, s.scale, s.unit)} | ${pctErr(l, m)}`}`);
    }
  }
  if (r.points.length < 2) out.push('note: one point: no leave-one-out prediction; give results at two or more queue depths (QD1 and QD16 at least)');
  if (r.unconstrained.length > 0) out.push(`note: the data does not constrain ${r.unconstrained.join(', ')}: predictions that depend on them are guesses; add points (other depths or engines) that exercise them`);
  const loo = r.points.flatMap((p) => (p.leaveOneOut !== undefined ? [{ label: p.label, e: logErrors(p.leaveOneOut, p.measured).iops ?? 0 }] : []));
  const worst = loo.reduce<{ label: string; e: number } | null>((w, x) => (w === null || Math.abs(x.e) > Math.abs(w.e) ? x : w), null);
  if (worst !== null) out.push(`trust: predicted from the other points alone, ${worst.label}'s IOPS is off by ${pctErr(Math.exp(worst.e), 1)} (the worst leave-one-out error); expect errors of that order between and beyond the measured points`);
  return out;
}
