/**
 * The shard documents `--shard i/n --format json` prints, per command: what
 * defines the work (shards merge only when it is equal) and the results.
 * The zod schemas are what `dio merge` accepts; the builders what the
 * commands write.
 * @module
 */
import type { KernelProfile } from '@dio/fio';
import { z } from 'zod';
import type { CalibrateCell } from './calibrate/fit';
import type { CompareCell } from './compare';
import type { Provenance } from './report/provenance';
import type { FuzzTally } from './dst/fuzz';
import { profileIds, type Shard, shardHeader, shardJson, withIndices } from './shard';
import type { SweepCell } from './sweep';
import type { SetAxis } from './sweep-set';

const int = z.number().int();
const profileId = z.object({ name: z.string(), sha256: z.string() });
const clat = z.object({ mean: z.number(), p50: z.number(), p99: z.number(), 'p99.9': z.number() });
const header = <C extends string, W extends z.ZodTypeAny>(command: C, work: W) =>
  z.object({ command: z.literal(command), version: z.string(), index: int.nonnegative(), count: int.positive(), points: int.nonnegative(), work });
const indexed = <R extends z.ZodTypeAny>(result: R) => z.array(z.object({ index: int.nonnegative(), result }));

/** What defines a comparison. */
const compareWork = z.object({
  qd: z.array(int),
  profiles: z.array(profileId),
  engine: z.string(),
  // a length: a runtime (and its ns), or a number of I/Os
  runtime: z.string().optional(),
  runtime_ns: z.number().optional(),
  number_ios: int.positive().optional(),
  ramp_time: z.string(),
  ramp_time_ns: z.number(),
  seed: int,
}).refine((w) => (w.number_ios !== undefined) !== (w.runtime !== undefined && w.runtime_ns !== undefined), { message: 'a compare shard runs either number_ios or a runtime (with runtime_ns)' });
/** What defines a sweep: the job file (its text by hash), the `--set` axes, the profiles, the seed. */
const sweepWork = z.object({ file: z.string(), job_sha256: z.string(), set: z.array(z.object({ option: z.string(), values: z.array(z.string()) })), profiles: z.array(profileId), seed: int });
/** What defines a fuzz campaign: seeds [from, from + seeds). */
const fuzzWork = z.object({ from: int, seeds: int.positive() });

// a cell's report figures (stage table, completion contexts, clat buckets) pass through as the shard wrote them
const compareResult = z.object({ qd: int, policy: z.string(), profile: z.string(), iops: z.number(), clat_ns: clat }).passthrough();
const sweepResult = z.object({ point: z.array(z.tuple([z.string(), z.string()])), profile: z.string(), iops: z.number(), clat_ns: clat }).passthrough();
/** Where the results came from (see report/provenance.ts); shards of one run agree on it but for the machine. */
const provenance = z.object({ dio_version: z.string(), command: z.string(), workload: z.string(), seed: int, profiles: z.array(z.object({ name: z.string(), json: z.string() })), machine: z.string() });
const fuzzFailure = z.object({ seed: int, case: z.string(), failures: z.array(z.string()), failureCount: int, traceHash: z.string() });
const fuzzTally = z.object({ writes: int, deadlocksReported: int, coverage: z.record(z.number()), failed: z.array(fuzzFailure), traceHashes: z.array(z.string()) });

/** What defines a calibration: the fio results themselves (a merge finishes the fit, so it needs them), the profiles and every setting. */
const calibrateWork = z.object({
  inputs: z.array(z.object({ file: z.string(), text: z.string() })),
  runtime: z.string(),
  ramp_time: z.string(),
  seed: int,
  evaluations: int.positive(),
  starts: int.positive(),
  hops: int,
  out: z.string(),
  name: z.string(),
  base: z.record(z.unknown()),
  profile: z.record(z.unknown()),
  variants: z.array(z.object({ name: z.string(), device: z.record(z.unknown()) })),
  layout: z.object({ cpus: int.positive(), cpus_from: z.string(), kind: z.enum(['null_blk', 'nvme', 'virtio-blk']), queues: int.positive(), irq_cpu: int.nonnegative().nullable() }),
});
/** One search's result: where it ended, its loss, its evaluations, the model's signals there. */
const calibrateResult = z.object({ u: z.array(z.number()), loss: z.number(), evals: int, model: z.array(z.record(z.number())) });

/** The header fields every version of a shard document has: checked first, so shards of other versions are named as such. */
export const shardEnvelope = z.object({ dio_shard: z.object({ command: z.enum(['compare', 'sweep', 'fuzz', 'calibrate']), version: z.string(), index: int.nonnegative(), count: int.positive() }) });

/** Each command's shard document. */
export const shardDocs = {
  compare: z.object({ dio_shard: header('compare', compareWork), provenance, results: indexed(compareResult) }),
  sweep: z.object({ dio_shard: header('sweep', sweepWork), provenance, results: indexed(sweepResult) }),
  fuzz: z.object({ dio_shard: header('fuzz', fuzzWork), results: fuzzTally }),
  calibrate: z.object({ dio_shard: header('calibrate', calibrateWork), results: indexed(calibrateResult) }),
};

/** A parsed shard document. */
export type ShardDoc = { [C in keyof typeof shardDocs]: z.infer<(typeof shardDocs)[C]> }[keyof typeof shardDocs];

/** The work of a comparison. */
export type CompareWork = z.infer<typeof compareWork>;
/** The work of a sweep. */
export type SweepWork = z.infer<typeof sweepWork>;
/** The work of a calibration. */
export type CalibrateWork = z.infer<typeof calibrateWork>;

/** `dio compare --shard`: the shard's cells (without the wall-clock rate, which differs run to run). */
export function compareShardJson(shard: Shard, points: number, w: Omit<CompareWork, 'profiles'> & { profiles: readonly KernelProfile[] }, cells: readonly CompareCell[], prov: Provenance): string {
  const results = cells.map(({ simIosPerSec: _, ...cell }) => cell);
  return shardJson(shardHeader('compare', shard, points, { ...w, profiles: profileIds(w.profiles) }), withIndices(results, shard), prov);
}

/** `dio sweep --shard`: the shard's cells. */
export function sweepShardJson(shard: Shard, points: number, w: { file: string; jobSha256: string; axes: readonly SetAxis[]; profiles: readonly KernelProfile[]; seed: number }, cells: readonly SweepCell[], prov: Provenance): string {
  const work: SweepWork = { file: w.file, job_sha256: w.jobSha256, set: w.axes.map((a) => ({ option: a.option, values: [...a.values] })), profiles: profileIds(w.profiles), seed: w.seed };
  return shardJson(shardHeader('sweep', shard, points, work), withIndices(cells, shard), prov);
}

/** `dio fuzz --shard`: the shard's tally of seeds [from, from + seeds). */
export function fuzzShardJson(shard: Shard, from: number, seeds: number, tally: FuzzTally): string {
  return shardJson(shardHeader('fuzz', shard, seeds, { from, seeds }), tally);
}

/** `dio calibrate --shard`: the shard's searches (start k is point k; `--starts` per device variant). */
export function calibrateShardJson(shard: Shard, work: CalibrateWork, cells: readonly CalibrateCell[]): string {
  return shardJson(shardHeader('calibrate', shard, work.starts * Math.max(1, work.variants.length), work), withIndices(cells, shard));
}
