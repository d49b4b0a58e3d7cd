/**
 * fio's per-job seeds (init.c: setup_random_seeds(), td_fill_rand_seeds()):
 * one seed per stream (block sizes, rwmix, offsets, ...) derived from
 * `randseed` and the job's thread number, so every stream of every job is
 * the one fio draws from.
 * @module
 */
import { FRand } from './frand';

const M64 = (1n << 64n) - 1n;

/** fio.h: FIO_RANDSEED. */
export const FIO_RANDSEED = 0xb1899bedn;

/** fio's default `randseed` (options.c: "0x89"). */
export const FIO_DEFAULT_RANDSEED = 0x89n;

/** fio.h: the FIO_RAND_*_OFF indexes into td->rand_seeds. */
export const FIO_RAND = {
  BS_OFF: 0,
  BS1_OFF: 1,
  BS2_OFF: 2,
  VER_OFF: 3,
  MIX_OFF: 4,
  FILE_OFF: 5,
  BLOCK_OFF: 6,
  FILE_SIZE_OFF: 7,
  TRIM_OFF: 8,
  BUF_OFF: 9,
  SEQ_RAND_READ_OFF: 10,
  SEQ_RAND_WRITE_OFF: 11,
  SEQ_RAND_TRIM_OFF: 12,
  START_DELAY: 13,
  DEDUPE_OFF: 14,
  POISSON_OFF: 15,
  ZONE_OFF: 16,
  POISSON2_OFF: 17,
  POISSON3_OFF: 18,
  PRIO_CMDS: 19,
  DEDUPE_WORKING_SET_IX: 20,
  NR_OFFS: 21,
} as const;

/** What seeds a job's streams. */
export interface SeedOptions {
  /** `randseed` (fio's default 0x89 when unset). */
  readonly randseed: bigint;
  /** Whether `randseed` was given. */
  readonly randseedSet: boolean;
  /** `randrepeat` (default true). */
  readonly randrepeat: boolean;
  /** `allrandrepeat`. */
  readonly allrandrepeat: boolean;
  /** fio's td->thread_number: 1-based over all jobs and clones of the run. */
  readonly threadNumber: number;
  /** Where `randrepeat=0` without `randseed` takes its seeds (fio: the OS RNG; dio: the run's --seed). */
  readonly entropy: () => bigint;
}

/** init.c: setup_random_seeds() + the block-offset override of td_fill_rand_seeds(). */
export function fioRandSeeds(o: SeedOptions): bigint[] {
  const seeds: bigint[] = [];
  if (!o.randrepeat && !o.randseedSet) {
    for (let i = 0; i < FIO_RAND.NR_OFFS; i++) seeds.push(o.entropy() & M64);
  } else {
    let seed = o.randseed & M64;
    for (let i = 0; i < 4; i++) seed = (seed * 0x9e370001n) & M64;
    for (let i = 0; i < FIO_RAND.NR_OFFS; i++) {
      seeds.push((seed * BigInt(o.threadNumber) + BigInt(i)) & M64);
      seed = (seed * 0x9e370001n) & M64;
    }
  }
  if (o.allrandrepeat) {
    for (let i = 0; i < FIO_RAND.NR_OFFS; i++) seeds[i] = (FIO_RANDSEED * BigInt(o.threadNumber) + BigInt(i)) & M64;
  }
  // td_fill_rand_seeds_internal(): randrepeat pins the offset stream to FIO_RANDSEED * thread_number
  if (o.randrepeat) seeds[FIO_RAND.BLOCK_OFF] = (FIO_RANDSEED * BigInt(o.threadNumber)) & M64;
  return seeds;
}

/** A stream seeded from `seeds[index]`. */
export function streamOf(seeds: readonly bigint[], index: number, use64: boolean): FRand {
  return new FRand(seeds[index] ?? 0n, use64);
}
