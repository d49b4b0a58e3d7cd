/**
 * Loading kernel profiles from JSON: validated with zod, errors name the
 * field. A profile file may `extends` a shipped profile and override parts.
 *
 * This schema is the one place a profile is validated: every value the
 * device, the filesystem or the engine would reject at run time (null_blk's
 * option checks in blockdev options.ts, a distribution's parameters, a bad
 * `badblocks` command) is rejected here, with its field path, and so are
 * values that would overflow the nanosecond clock or allocate gigabytes.
 * @module
 */
import { Badblocks, DEVICE_KINDS, type DeviceKind, type DeviceOptions } from '@dio/blockdev';
import { z } from 'zod';
import type { KernelProfile } from './profile';
import { PROFILES, shippedProfile } from './profiles';

/** Longest time one cost, latency or scheduler period may be: 10 s of simulated time. */
export const MAX_TIME_NS = 10_000_000_000;
/** Longest per-operation CPU cost: 1 s (a real one is ns to µs). */
export const MAX_COST_NS = 1_000_000_000;
/** blk-mq's BLK_MQ_MAX_DEPTH: blk_mq_alloc_tag_set() caps a queue's depth there. */
export const BLK_MQ_MAX_DEPTH = 10_240;
/** The filesystem's block size: a device block may not be larger (DioFs refuses it). */
const FS_BLOCK_SIZE = 4096;

const time = (max = MAX_TIME_NS) => z.number().finite().nonnegative().max(max, `must be at most ${max} ns`);
const ns = z.number().int('must be an integer number of ns').nonnegative().max(MAX_COST_NS, `must be at most ${MAX_COST_NS} ns`);
const positiveMean = z.number().min(1, 'must be at least 1 ns').max(MAX_TIME_NS, `must be at most ${MAX_TIME_NS} ns`);

// @dio/sim distribution.ts: makeSampler()'s checks, plus bounds that keep every draw a safe integer
const dist = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('fixed'), value: time() }).strict(),
    z.object({ kind: z.literal('uniform'), min: time(), max: time() }).strict(),
    z.object({ kind: z.literal('exponential'), mean: positiveMean, min: time().optional() }).strict(),
    z.object({ kind: z.literal('normal'), mean: z.number().min(-MAX_TIME_NS).max(MAX_TIME_NS), stddev: time(), min: time().optional() }).strict(),
    z.object({ kind: z.literal('lognormal'), mean: positiveMean, stddev: time(), min: time().optional() }).strict(),
    z.object({ kind: z.literal('empirical'), samples: z.array(time()).min(1).max(100_000) }).strict(),
  ])
  .superRefine((d, ctx) => {
    if (d.kind === 'uniform' && d.min > d.max) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `min ${d.min} exceeds max ${d.max}`, path: ['min'] });
    if (d.kind === 'lognormal' && d.stddev > 10 * d.mean) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be at most 10 times the mean (larger draws overflow the clock)', path: ['stddev'] });
  });

const costs = z
  .object({
    syscall: ns,
    contextSwitch: ns,
    idleExit: ns,
    hardirq: ns,
    softirq: ns,
    blkSubmit: ns,
    blkComplete: ns,
    elvInsert: ns,
    elvDispatch: ns,
    iomapDioRw: ns,
    iomapBio: ns,
    iomapDioComplete: ns,
    queueWork: ns,
    workItem: ns,
    kworkerCreate: ns,
    taskWorkAdd: ns,
    taskWorkRun: ns,
    ioUringIssue: ns,
    ioUringCqe: ns,
    aioSubmit: ns,
    aioComplete: ns,
    aioGetevents: ns,
    fsMetadataUpdate: ns,
    userPerIo: ns,
    userPerReap: ns,
    // fio's data costs (ns per 4 KiB): random fill, verify header and checksums
    fillPer4k: ns,
    verifyMetaPer4k: ns,
    verifyCrc32cPer4k: ns,
    verifyMd5Per4k: ns,
    verifySha1Per4k: ns,
    verifySha256Per4k: ns,
  })
  .partial()
  .strict();

const sched = z
  .object({
    preempt: z.enum(['full', 'voluntary', 'none']),
    fair: z.enum(['cfs', 'eevdf']),
    baseSliceNs: ns.min(1),
    latencyNs: ns,
    minGranularityNs: ns.min(1),
    wakeupGranularityNs: ns,
    // HZ from 10000 down to 1: a finer tick floods the engine with events
    tickNs: ns.min(100_000, 'must be at least 100000 ns (HZ=10000)'),
    idleResidencyNs: ns,
  })
  .partial()
  .strict();

/** A configfs badblocks command, checked by the parser the device uses. */
const badblock = z
  .string()
  .max(200)
  .superRefine((cmd, ctx) => {
    try {
      new Badblocks().store(cmd);
    } catch (e) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: (e as Error).message });
    }
  });

// @dio/blockdev options.ts: resolveOptions()'s checks, with upper bounds
const device = z
  .object({
    gb: z.number().min(1 / 1024, 'must be at least 1/1024 (1 MiB)').max(1 << 20, 'must be at most 1048576 (1 PiB)'),
    bs: z
      .number()
      .int()
      .refine((b) => b >= 512 && b <= FS_BLOCK_SIZE && (b & (b - 1)) === 0, `must be a power of two in 512..${FS_BLOCK_SIZE} (the filesystem's block size)`),
    max_sectors: z.number().int().min(1).max(65_536),
    submit_queues: z.number().int().min(1),
    hw_queue_depth: z.number().int().min(1).max(BLK_MQ_MAX_DEPTH, `must be at most ${BLK_MQ_MAX_DEPTH} (BLK_MQ_MAX_DEPTH)`),
    shared_tags: z.boolean(),
    irqmode: z.union([z.enum(['none', 'softirq', 'timer', 'hardirq']), z.literal(0), z.literal(1), z.literal(2)]),
    completion_nsec: z.number().int().nonnegative().max(MAX_TIME_NS),
    latency: dist,
    read_latency: dist,
    write_latency: dist,
    flush_latency: dist,
    parallelism: z.number().int().nonnegative().max(1_000_000),
    // MiB/s: 0 is no limit; below 1 MiB/s one request would take longer than the clock can count
    mbps: z.number().refine((m) => m === 0 || (m >= 1 && m <= 10_000_000), 'must be 0 (no limit) or 1..10000000 MiB/s'),
    poll_queues: z.number().int().nonnegative(),
    poll_nsec: z.number().int().min(1).max(MAX_COST_NS),
    memory_backed: z.boolean(),
    write_cache: z.boolean(),
    cache_size: z.number().nonnegative().max(1 << 20),
    fua: z.boolean(),
    discard: z.boolean(),
    badblocks: z.array(badblock).max(10_000),
    badblocks_once: z.boolean(),
    badblocks_partial_io: z.boolean(),
    scheduler: z.enum(['none', 'mq-deadline']),
    nr_requests: z.number().int().min(1).max(BLK_MQ_MAX_DEPTH, `must be at most ${BLK_MQ_MAX_DEPTH}`),
    fifo_batch: z.number().int().min(1).max(1_000_000),
    read_expire: z.number().int().min(1).max(MAX_TIME_NS / 1_000_000, 'must be at most 10000 ms'),
    write_expire: z.number().int().min(1).max(MAX_TIME_NS / 1_000_000, 'must be at most 10000 ms'),
    writes_starved: z.number().int().nonnegative().max(1_000_000),
    // the device models (@dio/blockdev device-options.ts); which kind may set which field is checked on the merged profile
    kind: z.enum(DEVICE_KINDS as [DeviceKind, ...DeviceKind[]]),
    load_nsec: ns,
    irq_nsec: ns,
    num_queues: z.number().int().min(1).max(1024),
    kick_nsec: ns,
    irq_cpu: z.number().int().nonnegative().max(4095),
    irq_delay_nsec: ns,
    host_wake_nsec: ns,
    host_poll_nsec: ns,
    host_submit_nsec: ns,
    host_complete_nsec: ns,
    host_io: z.enum(['async', 'sync']),
    nr_io_queues: z.number().int().min(1).max(65_535),
    doorbell_nsec: ns,
    intcoal_thr: z.number().int().nonnegative().max(255, 'must be at most 255 (an 8-bit field)'),
    intcoal_time: z.number().int().nonnegative().max(255, 'must be at most 255 (100 µs units, an 8-bit field)'),
  })
  .partial()
  .strict();

/** Device fields only some kinds have; every other field is shared by all kinds. */
const KIND_FIELDS: Readonly<Record<string, readonly DeviceKind[]>> = {
  submit_queues: ['null_blk'],
  shared_tags: ['null_blk'],
  irqmode: ['null_blk'],
  completion_nsec: ['null_blk'],
  poll_queues: ['null_blk', 'nvme'],
  poll_nsec: ['null_blk', 'nvme'],
  irq_nsec: ['nvme', 'virtio-blk'],
  num_queues: ['virtio-blk'],
  kick_nsec: ['virtio-blk'],
  irq_cpu: ['virtio-blk'],
  irq_delay_nsec: ['virtio-blk'],
  host_wake_nsec: ['virtio-blk'],
  host_poll_nsec: ['virtio-blk'],
  host_submit_nsec: ['virtio-blk'],
  host_complete_nsec: ['virtio-blk'],
  host_io: ['virtio-blk'],
  nr_io_queues: ['nvme'],
  doorbell_nsec: ['nvme'],
  intcoal_thr: ['nvme'],
  intcoal_time: ['nvme'],
};

/** A device field the profile's kind does not have, as a problem. */
function kindProblem(d: DeviceOptions): Problem | null {
  const kind = d.kind ?? 'null_blk';
  for (const [field, v] of Object.entries(d)) {
    const kinds = Object.hasOwn(KIND_FIELDS, field) ? KIND_FIELDS[field] : undefined;
    if (v !== undefined && kinds !== undefined && !kinds.includes(kind)) return [`device.${field}`, `not an option of kind ${kind} (only ${kinds.join(', ')})`];
  }
  return null;
}

const profileFile = z
  .object({
    extends: z.string().optional(),
    name: z.string().min(1).max(200).optional(),
    description: z.string().max(10_000).optional(),
    version: z.string().max(200).optional(),
    policy: z.enum(['workqueue', 'caller', 'inline']).optional(),
    writeThroughCache: z.boolean().optional(),
    ioUringCallerComp: z.boolean().optional(),
    cpus: z.number().int().min(1).max(4096).optional(),
    // fio's $mb_memory: 1 MiB .. 1 PiB
    memoryMb: z.number().int().min(1).max(1 << 30).optional(),
    sched: sched.optional(),
    costs: costs.optional(),
    device: device.optional(),
    // where a `dio calibrate` profile came from (inputs, dio version, fit errors): kept for readers, not used to run
    calibration: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** A profile file failed validation; `message` names the file and field. */
export class ProfileError extends Error {
  override readonly name = 'ProfileError';
}

const shippedNames = (): string => Object.keys(PROFILES).join(', ');

/** Resolve a profile by shipped name. */
export function profileByName(name: string): KernelProfile {
  const p = shippedProfile(name);
  if (p === undefined) throw new ProfileError(`unknown profile '${name}' (shipped: ${shippedNames()})`);
  return p;
}

/** A field problem in a merged profile: [path, message]. */
type Problem = readonly [string, string];

/**
 * The checks that span fields, on the profile as merged with what it
 * extends (null_blk's resolveOptions() and null_validate_conf()).
 */
function crossFieldProblems(p: KernelProfile): Problem | null {
  const d = p.device;
  const bs = d.bs ?? 512;
  if (((d.max_sectors ?? 2560) * 512) % bs !== 0) return ['device.max_sectors', `${d.max_sectors} sectors is not a multiple of bs ${bs}`];
  const wrongKind = kindProblem(d);
  if (wrongKind !== null) return wrongKind;
  // null_blk: null_validate_conf() caps submit_queues and poll_queues at nr_cpu_ids; blk-mq maps no queue without a CPU
  const f = d as Readonly<Record<string, unknown>>;
  for (const q of ['submit_queues', 'poll_queues', 'num_queues', 'nr_io_queues']) {
    const n = f[q];
    if (typeof n === 'number' && n > p.cpus) return [`device.${q}`, `must be at most cpus (${p.cpus})`];
  }
  const irqCpu = f['irq_cpu'];
  if (typeof irqCpu === 'number' && irqCpu >= p.cpus) return ['device.irq_cpu', `must be a CPU of the machine (0..${p.cpus - 1})`];
  // the scheduler's tunables exist only with it (/sys/block/<dev>/queue/iosched/ is mq-deadline's)
  if (d.scheduler !== 'mq-deadline') {
    for (const t of ['nr_requests', 'fifo_batch', 'read_expire', 'write_expire', 'writes_starved']) if (f[t] !== undefined) return [`device.${t}`, "needs device.scheduler 'mq-deadline'"];
  }
  return null;
}

/** The merged device: the file's fields over the base's, unless the file picks another kind (then the base's device is not inherited). */
function deviceOf(base: DeviceOptions, file: DeviceOptions | undefined): DeviceOptions {
  if (file === undefined) return base;
  if (file.kind !== undefined && file.kind !== (base.kind ?? 'null_blk')) return file;
  return { ...base, ...file } as DeviceOptions;
}

/** Parse and validate profile JSON text (from `where`, for messages). */
export function parseProfile(text: string, where: string): KernelProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ProfileError(`${where}: not valid JSON: ${(e as Error).message}`);
  }
  const r = profileFile.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue?.path.join('.') || '(top level)';
    throw new ProfileError(`${where}: field '${path}': ${issue?.message ?? 'invalid'}`);
  }
  const f = r.data;
  const baseName = f.extends ?? 'linux-6.5';
  const base = shippedProfile(baseName);
  if (base === undefined) throw new ProfileError(`${where}: field 'extends': unknown profile '${baseName}' (shipped: ${shippedNames()})`);
  const p: KernelProfile = {
    name: f.name ?? `${base.name}+${where}`,
    description: f.description ?? base.description,
    version: f.version ?? base.version,
    policy: f.policy ?? base.policy,
    writeThroughCache: f.writeThroughCache ?? base.writeThroughCache,
    ioUringCallerComp: f.ioUringCallerComp ?? base.ioUringCallerComp,
    cpus: f.cpus ?? base.cpus,
    ...((f.memoryMb ?? base.memoryMb) === undefined ? {} : { memoryMb: f.memoryMb ?? base.memoryMb }),
    sched: { ...base.sched, ...(f.sched as object) },
    costs: { ...base.costs, ...(f.costs as object) },
    device: deviceOf(base.device, f.device as DeviceOptions | undefined),
  };
  const problem = crossFieldProblems(p);
  if (problem !== null) throw new ProfileError(`${where}: field '${problem[0]}': ${problem[1]}`);
  return p;
}
