/**
 * fio's random map (lib/axmap.c) reduced to what offsets depend on: which
 * blocks were used, the next free one after a busy block, and marking a run
 * of blocks that stops at the first used one.
 * @module
 */

/** A bitmap of `nr` blocks, padded to whole 64-bit words as fio's. */
export class Axmap {
  private readonly bits: Uint8Array;

  constructor(readonly nr: number) {
    this.bits = new Uint8Array(Math.ceil(nr / 64) * 64);
  }

  /** axmap_reset(). */
  reset(): void {
    this.bits.fill(0);
  }

  /** axmap_isset(). */
  isSet(b: number): boolean {
    return this.bits[b] === 1;
  }

  /** axmap_set_nr(): marks up to `n` blocks from `b`, stopping at the first used one; returns how many. */
  setNr(b: number, n: number): number {
    let i = 0;
    for (; i < n; i++) {
      const at = b + i;
      if (at >= this.bits.length) break;
      if (this.bits[at] === 1) break;
      this.bits[at] = 1;
    }
    return i;
  }

  /** axmap_next_free(): the first free block after `b`, wrapping to the start; -1 when all are used. */
  nextFree(b: number): number {
    for (let i = b + 1; i < this.nr; i++) if (this.bits[i] === 0) return i;
    for (let i = 0; i <= Math.min(b, this.nr - 1); i++) if (this.bits[i] === 0) return i;
    return -1;
  }
}
