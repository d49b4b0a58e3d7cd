/**
 * What `dio calibrate` may change in a profile: a few mechanism-level
 * parameters, each with a range, fitted in the unit cube (log scale between
 * its bounds). CPU costs move in groups — one scale per kind of work, never
 * a number per point — and the device's parameters are the ones its model
 * documents (docs/devices.md).
 * @module
 */
import { resolveNvmeOptions, resolveVirtioOptions, type DeviceOptions } from '@dio/blockdev';
import { type KernelProfile, MAX_COST_NS, MAX_TIME_NS } from '@dio/fio';
import { defaultCosts, type CostModel, type DistSpec } from '@dio/sim';

/** One fitted parameter. */
export interface Param {
  /** Its name in reports and in the written profile's `calibration.parameters`. */
  readonly name: string;
  /** What it means, for the report. */
  readonly describe: string;
  readonly lo: number;
  readonly hi: number;
  /** Round to an integer (counts such as parallelism). */
  readonly integer?: boolean;
  /** Its value in `p` (where a start from the base profile begins). */
  read(p: KernelProfile): number;
  /** `p` with the parameter set to `v`. */
  apply(p: KernelProfile, v: number): KernelProfile;
}

/** A parameter's value at unit coordinate `u` ∈ [0, 1] (log scale). */
export function valueAt(param: Param, u: number): number {
  const v = param.lo * (param.hi / param.lo) ** Math.min(1, Math.max(0, u));
  return param.integer === true ? Math.round(v) : v;
}

/** The unit coordinate of `v` (clamped into the range). */
export function unitOf(param: Param, v: number): number {
  const c = Math.min(param.hi, Math.max(param.lo, v));
  return Math.log(c / param.lo) / Math.log(param.hi / param.lo);
}

/** Cost groups scaled together: what each kind of CPU work costs on the measured machine relative to the profile. */
const COST_GROUPS: Readonly<Record<string, { readonly describe: string; readonly keys: readonly (keyof CostModel)[] }>> = {
  hopScale: { describe: 'completion-hop costs (queue_work, work item, context switch)', keys: ['queueWork', 'workItem', 'contextSwitch'] },
  irqScale: { describe: 'interrupt entry/exit and softirq costs', keys: ['hardirq', 'softirq'] },
  userScale: {
    describe: "fio's own user-mode work per I/O",
    keys: ['userPerIo', 'userPerReap', 'fillPer4k', 'verifyMetaPer4k', 'verifyCrc32cPer4k', 'verifyMd5Per4k', 'verifySha1Per4k', 'verifySha256Per4k'],
  },
  idleScale: { describe: 'waking a CPU from idle', keys: ['idleExit'] },
};
const GROUPED = new Set(Object.values(COST_GROUPS).flatMap((g) => g.keys as readonly string[]));

/** Profile costs scaled: `scale(key)` gives each cost's factor against `base`. */
function scaledCosts(base: KernelProfile, p: KernelProfile, pick: (key: string) => boolean, f: number): KernelProfile {
  const costs: Record<string, number> = { ...(p.costs as Record<string, number>) };
  // the whole table the simulator runs with: costs the profile leaves at their defaults (an I/O scheduler's) scale too
  for (const [k, v] of Object.entries({ ...defaultCosts, ...base.costs })) {
    if (typeof v !== 'number' || !pick(k)) continue;
    costs[k] = Math.min(MAX_COST_NS, Math.max(0, Math.round(v * f)));
  }
  return { ...p, costs };
}

/** A scale of some of `base`'s costs (1 = as in the profile). */
function costScale(base: KernelProfile, name: string, describe: string, pick: (key: string) => boolean): Param {
  return {
    name,
    describe,
    lo: 0.1,
    hi: 100,
    read: () => 1,
    apply: (p, v) => scaledCosts(base, p, pick, v),
  };
}

/** The mean of a device latency distribution (lognormal keeps its relative spread; anything else becomes lognormal with 20%). */
function latencyMean(d: DistSpec | undefined, fallback: number): { mean: number; rel: number } {
  if (d === undefined) return { mean: fallback, rel: 0.2 };
  switch (d.kind) {
    case 'lognormal':
      return { mean: d.mean, rel: d.mean > 0 ? d.stddev / d.mean : 0.2 };
    case 'fixed':
      return { mean: d.value, rel: 0 };
    case 'exponential':
      return { mean: d.mean, rel: 1 };
    case 'normal':
      return { mean: d.mean, rel: d.mean > 0 ? d.stddev / d.mean : 0.2 };
    case 'uniform':
      return { mean: (d.min + d.max) / 2, rel: 0.3 };
    case 'empirical':
      return { mean: d.samples.reduce((a, b) => a + b, 0) / Math.max(1, d.samples.length), rel: 0.3 };
  }
}

/** The device's write service time: its mean (ns) and its spread. */
function deviceLatencyParams(): Param[] {
  const cur = (p: KernelProfile) => latencyMean(p.device.write_latency ?? p.device.latency, 'completion_nsec' in p.device ? (p.device.completion_nsec ?? 10_000) : 10_000);
  const set = (p: KernelProfile, mean: number, rel: number): KernelProfile => {
    const m = Math.min(MAX_TIME_NS, Math.max(1, Math.round(mean)));
    const lat: DistSpec = { kind: 'lognormal', mean: m, stddev: Math.round(m * rel) };
    return { ...p, device: { ...p.device, write_latency: lat, read_latency: lat } };
  };
  return [
    { name: 'deviceLatencyNs', describe: 'device write service time, mean (ns)', lo: 500, hi: 5_000_000, read: (p) => cur(p).mean, apply: (p, v) => set(p, v, cur(p).rel) },
    { name: 'deviceLatencySpread', describe: 'device service time stddev / mean', lo: 0.02, hi: 2, read: (p) => Math.max(0.02, cur(p).rel), apply: (p, v) => set(p, cur(p).mean, v) },
  ];
}

/**
 * Device options of the profile's kind moved together as one integer
 * parameter (usually one option; virtio's host per-request work is two:
 * popping and completing), read through the kind's defaults.
 */
function deviceOptions(name: string, keys: readonly string[], describe: string, lo: number, hi: number, resolved: (d: DeviceOptions) => number): Param {
  return {
    name,
    describe,
    lo,
    hi,
    integer: true,
    read: (p) => resolved(p.device),
    apply: (p, v) => ({ ...p, device: { ...p.device, ...Object.fromEntries(keys.map((k) => [k, Math.round(v)])) } as DeviceOptions }),
  };
}

const virtio = (d: DeviceOptions) => resolveVirtioOptions(d.kind === 'virtio-blk' ? (({ kind: _, ...rest }) => rest)(d) : {});
/** Requests the device serves at once (0 in a profile means unlimited; the fit works from 1 to 256). */
const PARALLELISM = deviceOptions('deviceParallelism', ['parallelism'], 'requests the device serves at once', 1, 256, (d) => ((d.parallelism ?? 0) > 0 ? (d.parallelism as number) : 256));

const nvme = (d: DeviceOptions) => resolveNvmeOptions(d.kind === 'nvme' ? (({ kind: _, ...rest }) => rest)(d) : {}, 1);

/** load_nsec: the device's slowdown per other request in service (a fit starts it at 1 ns when the profile has none). */
const LOAD = (read: (d: DeviceOptions) => number): Param => deviceOptions('deviceLoadNs', ['load_nsec'], 'service time added per other request in the device (ns)', 1, 200_000, (d) => Math.max(1, read(d)));

/** The device parameters of each kind. */
function deviceParams(p: KernelProfile): Param[] {
  switch (p.device.kind) {
    case 'virtio-blk':
      return [
        deviceOptions('kickNs', ['kick_nsec'], 'guest kick (a VM exit), CPU time of the submitter (ns)', 100, 200_000, (d) => virtio(d).kickNsec),
        deviceOptions('irqNs', ['irq_nsec'], 'virtio interrupt entry in the guest, CPU time (ns)', 100, 100_000, (d) => virtio(d).irqNsec),
        deviceOptions('hostWakeNs', ['host_wake_nsec'], 'iothread wake-up latency (ns)', 100, 200_000, (d) => virtio(d).hostWakeNsec),
        deviceOptions('hostRequestNs', ['host_submit_nsec', 'host_complete_nsec'], 'iothread time to pop, and to complete, one request (ns)', 50, 100_000, (d) => virtio(d).hostSubmitNsec),
        ...deviceLatencyParams(),
        LOAD((d) => virtio(d).loadNsec),
        PARALLELISM,
      ];
    case 'nvme':
      return [
        deviceOptions('irqNs', ['irq_nsec'], 'MSI-X interrupt entry, CPU time (ns)', 50, 100_000, (d) => nvme(d).irqNsec ?? p.costs.hardirq ?? 200),
        ...deviceLatencyParams(),
        LOAD((d) => nvme(d).loadNsec),
        PARALLELISM,
      ];
    default:
      return [...deviceLatencyParams(), PARALLELISM];
  }
}

/**
 * The parameters fitted for `base`: the scale of every per-I/O kernel CPU
 * cost, one scale per cost group, and its device kind's parameters.
 */
export function paramSpace(base: KernelProfile): Param[] {
  const ownIrq = base.device.kind === 'virtio-blk' || base.device.kind === 'nvme';
  return [
    costScale(base, 'cpuScale', 'every per-I/O kernel CPU cost not in a group below', (k) => !GROUPED.has(k) && k !== 'kworkerCreate'),
    // a device with its own interrupt cost leaves only the softirq to the irq group
    ...Object.entries(COST_GROUPS).map(([name, g]) => costScale(base, name, ownIrq && name === 'irqScale' ? 'softirq cost' : g.describe, (k) => (g.keys as readonly string[]).includes(k) && !(ownIrq && k === 'hardirq'))),
    ...deviceParams(base),
  ];
}

/** `base` with every parameter at its unit coordinate. */
export function applyParams(base: KernelProfile, space: readonly Param[], u: readonly number[]): KernelProfile {
  return space.reduce((p, param, i) => param.apply(p, valueAt(param, u[i] ?? 0.5)), base);
}

/** The named values at `u`, for reports and provenance. */
export function paramValues(space: readonly Param[], u: readonly number[]): Record<string, number> {
  return Object.fromEntries(space.map((p, i) => [p.name, valueAt(p, u[i] ?? 0.5)]));
}
