/**
 * `--shard i/n`: run a fixed share of a command's points, and describe it in
 * a shard document that `dio merge` puts back together.
 *
 * Points are numbered in the order the unsharded run prints them (compare:
 * for each QD, each profile; sweep: for each combination, each profile;
 * fuzz: seed `from + k` is point k). Point k belongs to shard `k mod n`,
 * shards are numbered from 0 (as Kubernetes' JOB_COMPLETION_INDEX and a
 * Slurm `--array=0-(n-1)`). Round-robin rather than contiguous blocks: a
 * sweep's first `--set` varies slowest, so neighbouring points share its
 * value (say iodepth=16, the costliest to simulate) and a contiguous block
 * would give one shard all of them; interleaving spreads every axis over
 * every shard. The assignment never depends on timing, so the union of the
 * n shards is exactly the unsharded run for any n.
 * @module
 */
import { createHash } from 'node:crypto';
import type { KernelProfile } from '@dio/fio';
import { DIO_VERSION } from './version';
import { UsageError } from './errors';


/** Shard `index` (from 0) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** `--shard 2/7` → { index: 2, count: 7 }; 0 ≤ i < n. */
export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || !Number.isSafeInteger(count) || count < 1 || index >= count) {
    throw new UsageError(`--shard: '${s}' must be i/n with 0 <= i < n (shards count from 0, like JOB_COMPLETION_INDEX)`);
  }
  return { index, count };
}

/** The point indices of `shard` among `total` points: index, index + n, index + 2n, … */
export function shardIndices(total: number, shard: Shard): number[] {
  const out: number[] = [];
  for (let k = shard.index; k < total; k += shard.count) out.push(k);
  return out;
}

/** The commands that shard. */
export type ShardCommand = 'compare' | 'sweep' | 'fuzz' | 'calibrate';

/** What every shard document starts with: enough for `dio merge` to check the shards belong together. */
export interface ShardHeader {
  readonly command: ShardCommand;
  readonly version: string;
  readonly index: number;
  readonly count: number;
  /** How many points the unsharded run has. */
  readonly points: number;
  /** The arguments that define the work: shards merge only when these are equal. */
  readonly work: Readonly<Record<string, unknown>>;
}

/** The shard header of one run. */
export function shardHeader(command: ShardCommand, shard: Shard, points: number, work: Readonly<Record<string, unknown>>): ShardHeader {
  return { command, version: DIO_VERSION, index: shard.index, count: shard.count, points, work };
}

/** Hex SHA-256 of a string. */
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Profiles as a shard records them: the name and a hash of the resolved profile (a JSON file's content counts, not its path). */
export function profileIds(profiles: readonly KernelProfile[]): { name: string; sha256: string }[] {
  return profiles.map((p) => ({ name: p.name, sha256: sha256(JSON.stringify(p)) }));
}

/** A shard's results: each with the index of its point. */
export interface IndexedResult<R> {
  readonly index: number;
  readonly result: R;
}

/** The tasks of `shard` (all of them without one), in order. */
export function shardTasks<T>(tasks: readonly T[], shard: Shard | null): T[] {
  return shard === null ? [...tasks] : shardIndices(tasks.length, shard).map((k) => tasks[k] as T);
}

/** A shard's results (of shardTasks, in order) with the index of each point. */
export function withIndices<R>(results: readonly R[], shard: Shard): IndexedResult<R>[] {
  return results.map((result, j) => ({ index: shard.index + j * shard.count, result }));
}

/** A shard document: the header, then the shard's results (indexed points, or a fuzz tally). */
export function shardJson(header: ShardHeader, results: unknown, provenance?: unknown): string {
  return JSON.stringify({ dio_shard: header, ...(provenance !== undefined && { provenance }), results }, null, 2);
}

/** The `--shard` option of a command: null without one; a shard needs `--format json` (the document dio merge reads). */
export function shardOption(arg: string | undefined, format: string): Shard | null {
  if (arg === undefined) return null;
  const shard = parseShard(arg);
  if (format !== 'json') throw new UsageError('--shard: add --format json: a shard prints a JSON document for dio merge');
  return shard;
}
