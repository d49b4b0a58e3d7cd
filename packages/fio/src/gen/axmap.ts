/**
 * fio's random map (lib/axmap.c) reduced to what offsets depend on: which
 * blocks were used, the next free one after a busy block, and marking a run
 * of blocks that stops at the first used one. One bit per block, as fio's
 * bottom level; full 32-bit words are skipped when searching.
 * @module
 */

const FULL = 0xffff_ffff;

/** A bitmap of `nr` blocks, padded to whole 64-bit words as fio's. */
export class Axmap {
  private readonly words: Uint32Array;

  constructor(readonly nr: number) {
    this.words = new Uint32Array(Math.ceil(nr / 64) * 2);
  }

  /** axmap_reset(). */
  reset(): void {
    this.words.fill(0);
  }

  /** axmap_isset(). */
  isSet(b: number): boolean {
    return (((this.words[b >>> 5] ?? 0) >>> (b & 31)) & 1) === 1;
  }

  /** axmap_set_nr(): marks up to `n` blocks from `b`, stopping at the first used one (or the padded end); returns how many. */
  setNr(b: number, n: number): number {
    const end = this.words.length * 32;
    let i = 0;
    for (; i < n && b + i < end; i++) {
      const at = b + i;
      const w = at >>> 5;
      const bit = 1 << (at & 31);
      const v = this.words[w] ?? 0;
      if ((v & bit) !== 0) break;
      this.words[w] = v | bit;
    }
    return i;
  }

  // the first free block in [from, to), or -1
  private firstFree(from: number, to: number): number {
    let b = from;
    while (b < to) {
      const w = this.words[b >>> 5] ?? 0;
      if (w === FULL) {
        b = ((b >>> 5) + 1) << 5;
        continue;
      }
      if (((w >>> (b & 31)) & 1) === 0) return b;
      b++;
    }
    return -1;
  }

  /** axmap_next_free(): the first free block after `b`, wrapping to the start; -1 when all are used. */
  nextFree(b: number): number {
    const after = this.firstFree(b + 1, this.nr);
    return after >= 0 ? after : this.firstFree(0, Math.min(b + 1, this.nr));
  }
}
