/**
 * The block-size, offset and randomness options of a job (fio's
 * thread_options: bssplit, bsrange, ba, offset_increment, zone_*,
 * random_distribution, random_generator, perc_rand, ...), kept together in
 * `FioJob.io`.
 * @module
 */

/** Per direction: read, write, trim (fio's DDIR_READ, DDIR_WRITE, DDIR_TRIM). */
export type PerDdir<T> = readonly [T, T, T];

/** One `bssplit` entry: block size and its share in percent. */
export interface BsSplitEntry {
  readonly bs: number;
  readonly perc: number;
}

/** One zone of `random_distribution=zoned` (percent of the range) or `zoned_abs` (bytes). */
export interface ZoneSplitEntry {
  /** Share of the accesses, percent. */
  readonly accessPerc: number;
  /** Size: percent of the file (zoned) or bytes (zoned_abs). */
  readonly size: number;
}

/** fio's random_distribution. */
export type RandomDistribution =
  | { readonly kind: 'random' }
  | { readonly kind: 'zipf' | 'pareto' | 'normal'; readonly value: number; readonly center: number }
  | { readonly kind: 'zoned' | 'zoned_abs'; readonly zones: PerDdir<readonly ZoneSplitEntry[]> };

/** fio's random_generator. */
export type RandomGenerator = 'tausworthe' | 'lfsr' | 'tausworthe64';

/** The options that decide which offsets and sizes a job issues. */
export interface FioIoOptions {
  /** `bsrange` per direction (min, max), when given. */
  readonly bsrange?: PerDdir<readonly [number, number]>;
  /** `bssplit` per direction (sorted by share, as fio), when given. */
  readonly bssplit?: PerDdir<readonly BsSplitEntry[]>;
  /** `blockalign` / `ba` per direction; 0 = the direction's minimum block size. */
  readonly blockalign: PerDdir<number>;
  /** `bs_unaligned`. */
  readonly bsUnaligned: boolean;
  /** The `:<nr>` of `rw=` as written (fio resolves it once it knows whether the job is random). */
  readonly rwPostfix?: string;
  /** `rw_sequencer`. */
  readonly rwSequencer: 'sequential' | 'identical';
  /** `offset` as a percentage of the file, when written `N%`. */
  readonly offsetPercent?: number;
  /** `offset_align` (0 = the minimum block size). */
  readonly offsetAlign: number;
  /** `offset_increment` in bytes. */
  readonly offsetIncrement: number;
  /** `offset_increment` as a percentage of the file, when written `N%`. */
  readonly offsetIncrementPercent?: number;
  /** `size` as a percentage of the file, when written `N%`. */
  readonly sizePercent?: number;
  /** `io_size` / `io_limit` in bytes (0 = size). */
  readonly ioSize: number;
  /** `io_size` as a percentage, when written `N%`. */
  readonly ioSizePercent?: number;
  /** `zonemode`. */
  readonly zonemode: 'none' | 'strided';
  /** `zonesize` (0 = no zones). */
  readonly zonesize: number;
  /** `zonerange` (0 = zonesize). */
  readonly zonerange: number;
  /** `zoneskip`. */
  readonly zoneskip: number;
  /** `random_distribution`. */
  readonly randomDistribution: RandomDistribution;
  /** `random_generator`. */
  readonly randomGenerator: RandomGenerator;
  /** `percentage_random` per direction. */
  readonly percentageRandom: PerDdir<number>;
  /** `allrandrepeat`. */
  readonly allrandrepeat: boolean;
}

/** fio's defaults. */
export const DEFAULT_IO_OPTIONS: FioIoOptions = {
  blockalign: [0, 0, 0],
  bsUnaligned: false,
  rwSequencer: 'sequential',
  offsetAlign: 0,
  offsetIncrement: 0,
  ioSize: 0,
  zonemode: 'none',
  zonesize: 0,
  zonerange: 0,
  zoneskip: 0,
  randomDistribution: { kind: 'random' },
  randomGenerator: 'tausworthe',
  percentageRandom: [100, 100, 100],
  allrandrepeat: false,
};
