/**
 * Loading kernel profiles from JSON: validated with zod, errors name the
 * field. A profile file may `extends` a shipped profile and override parts.
 * @module
 */
import { z } from 'zod';
import type { KernelProfile } from './profile';
import { PROFILES } from './profiles';

const dist = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), value: z.number().nonnegative() }),
  z.object({ kind: z.literal('uniform'), min: z.number().nonnegative(), max: z.number().nonnegative() }),
  z.object({ kind: z.literal('exponential'), mean: z.number().positive(), min: z.number().nonnegative().optional() }),
  z.object({ kind: z.literal('normal'), mean: z.number(), stddev: z.number().nonnegative(), min: z.number().nonnegative().optional() }),
  z.object({ kind: z.literal('lognormal'), mean: z.number().positive(), stddev: z.number().nonnegative(), min: z.number().nonnegative().optional() }),
  z.object({ kind: z.literal('empirical'), samples: z.array(z.number().nonnegative()).min(1) }),
]);

const ns = z.number().int().nonnegative();

const costs = z
  .object({
    syscall: ns,
    contextSwitch: ns,
    idleExit: ns,
    hardirq: ns,
    softirq: ns,
    blkSubmit: ns,
    blkComplete: ns,
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
  })
  .partial()
  .strict();

const sched = z
  .object({
    preempt: z.enum(['full', 'voluntary', 'none']),
    latencyNs: ns,
    minGranularityNs: ns.min(1),
    wakeupGranularityNs: ns,
    tickNs: ns.min(1),
    idleResidencyNs: ns,
  })
  .partial()
  .strict();

const device = z
  .object({
    gb: z.number().positive(),
    bs: z.number().int().positive(),
    max_sectors: z.number().int().positive(),
    submit_queues: z.number().int().positive(),
    hw_queue_depth: z.number().int().positive(),
    shared_tags: z.boolean(),
    irqmode: z.union([z.enum(['none', 'softirq', 'timer', 'hardirq']), z.literal(0), z.literal(1), z.literal(2)]),
    completion_nsec: ns,
    latency: dist,
    read_latency: dist,
    write_latency: dist,
    flush_latency: dist,
    parallelism: z.number().int().nonnegative(),
    mbps: z.number().nonnegative(),
    poll_queues: z.number().int().nonnegative(),
    poll_nsec: ns,
    memory_backed: z.boolean(),
    write_cache: z.boolean(),
    cache_size: z.number().nonnegative(),
    fua: z.boolean(),
    discard: z.boolean(),
    badblocks: z.array(z.string()),
    badblocks_once: z.boolean(),
    badblocks_partial_io: z.boolean(),
  })
  .partial()
  .strict();

const profileFile = z
  .object({
    extends: z.string().optional(),
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    version: z.string().optional(),
    policy: z.enum(['workqueue', 'caller', 'inline']).optional(),
    writeThroughCache: z.boolean().optional(),
    ioUringCallerComp: z.boolean().optional(),
    cpus: z.number().int().min(1).max(4096).optional(),
    sched: sched.optional(),
    costs: costs.optional(),
    device: device.optional(),
  })
  .strict();

/** A profile file failed validation; `message` names the file and field. */
export class ProfileError extends Error {
  override readonly name = 'ProfileError';
}

/** Resolve a profile by shipped name. */
export function profileByName(name: string): KernelProfile {
  const p = PROFILES[name];
  if (p === undefined) throw new ProfileError(`unknown profile '${name}' (shipped: ${Object.keys(PROFILES).join(', ')})`);
  return p;
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
  const base = PROFILES[baseName];
  if (base === undefined) throw new ProfileError(`${where}: field 'extends': unknown profile '${baseName}' (shipped: ${Object.keys(PROFILES).join(', ')})`);
  return {
    name: f.name ?? `${base.name}+${where}`,
    description: f.description ?? base.description,
    version: f.version ?? base.version,
    policy: f.policy ?? base.policy,
    writeThroughCache: f.writeThroughCache ?? base.writeThroughCache,
    ioUringCallerComp: f.ioUringCallerComp ?? base.ioUringCallerComp,
    cpus: f.cpus ?? base.cpus,
    sched: { ...base.sched, ...(f.sched as object) },
    costs: { ...base.costs, ...(f.costs as object) },
    device: { ...base.device, ...(f.device as object) },
  };
}
