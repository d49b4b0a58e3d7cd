/**
 * fio's LFSR offset generator (lib/lfsr.c: lfsr_init(), lfsr_next(),
 * lfsr_reset()) for `random_generator=lfsr`: every block once per pass,
 * without a random map. The tap table is fio 3.33's `lfsr_taps`.
 * @module
 */

/** lib/lfsr.c: lfsr_taps[i]: the taps of the maximal-length LFSR of i bits (zero entries dropped). */
export const LFSR_TAPS: readonly (readonly number[])[] = [
  [],
  [],
  [],
  [3, 2],
  [4, 3],
  [5, 3],
  [6, 5],
  [7, 6],
  [8, 6, 5, 4],
  [9, 5],
  [10, 7],
  [11, 9],
  [12, 6, 4, 1],
  [13, 4, 3, 1],
  [14, 5, 3, 1],
  [15, 14],
  [16, 15, 13, 4],
  [17, 14],
  [18, 11],
  [19, 6, 2, 1],
  [20, 17],
  [21, 19],
  [22, 21],
  [23, 18],
  [24, 23, 22, 17],
  [25, 22],
  [26, 6, 2, 1],
  [27, 5, 2, 1],
  [28, 25],
  [29, 27],
  [30, 6, 4, 1],
  [31, 28],
  [32, 31, 29, 1],
  [33, 20],
  [34, 27, 2, 1],
  [35, 33],
  [36, 25],
  [37, 5, 4, 3, 2, 1],
  [38, 6, 5, 1],
  [39, 35],
  [40, 38, 21, 19],
  [41, 38],
  [42, 41, 20, 19],
  [43, 42, 38, 37],
  [44, 43, 18, 17],
  [45, 44, 42, 41],
  [46, 45, 26, 25],
  [47, 42],
  [48, 47, 21, 20],
  [49, 40],
  [50, 49, 24, 23],
  [51, 50, 36, 35],
  [52, 49],
  [53, 52, 38, 37],
  [54, 53, 18, 17],
  [55, 31],
  [56, 55, 35, 34],
  [57, 50],
  [58, 39],
  [59, 58, 38, 37],
  [60, 59],
  [61, 60, 46, 45],
  [62, 61, 6, 5],
  [63, 62],
];

const M64 = (1n << 64n) - 1n;

/** lib/lfsr.h: struct fio_lfsr, with spin 0 (what fio's offset generator uses). */
export class Lfsr {
  private readonly xormask: bigint;
  private readonly cachedBit: bigint;
  private readonly maxVal: bigint;
  private lastVal = 0n;
  private numVals = 0n;
  private cycleLength = 0;

  /** lfsr_init(nums, seed, 0); throws when fio would fail (too many blocks, or a seed that is all ones). */
  constructor(nums: number, private readonly seed: bigint) {
    // find_lfsr(): the smallest i >= 3 with 2^i > nums
    let i = 3;
    while (i < 64 && 2 ** i <= nums) i++;
    const taps = LFSR_TAPS[i];
    if (taps === undefined || i === 64) throw new Error(`random_generator=lfsr: ${nums} blocks is too many`);
    this.maxVal = BigInt(nums) - 1n;
    let x = 0n;
    for (const t of taps) x |= 1n << BigInt(t - 1);
    this.xormask = x;
    this.cachedBit = 1n << BigInt((taps[0] ?? 1) - 1);
    // prepare_spin() with spin 0: the first step after init is a double one (lfsr_reset() does not restore it)
    this.cycleLength = 1;
    if (!this.reset()) throw new Error('random_generator=lfsr: fio cannot start the LFSR from this seed');
  }

  /** lfsr_reset(): back to the seed; false when the seed is invalid (all ones). */
  reset(): boolean {
    const bitmask = (this.cachedBit << 1n) - 1n;
    this.numVals = 0n;
    this.lastVal = this.seed & bitmask;
    return this.lastVal !== bitmask;
  }

  // __LFSR_NEXT()
  private step(): void {
    const v = this.lastVal;
    const low = (v & 1n) - 1n;
    this.lastVal = ((v >> 1n) | this.cachedBit) ^ (low & M64 & this.xormask);
  }

  /** lfsr_next(): the next block, or null once every block was returned. */
  next(): number | null {
    if (this.numVals++ > this.maxVal) return null;
    do {
      if (this.cycleLength > 0 && --this.cycleLength === 0) {
        this.step();
        this.step();
      } else this.step();
    } while (this.lastVal > this.maxVal);
    return Number(this.lastVal);
  }
}
