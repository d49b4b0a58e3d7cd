/**
 * Bad-block ranges (block/badblocks.c, as null_blk's configfs `badblocks`
 * attribute drives it: `+start-end` marks sectors bad, `-start-end` clears
 * them, both ends inclusive).
 * @module
 */

/** Thrown for a `badblocks` string that does not parse. */
export class BadblocksParseError extends Error {
  /** Always `'BadblocksParseError'`. */
  override readonly name = 'BadblocksParseError';
}

/** A hit: the first bad sector in a range and how many bad sectors follow it contiguously. */
export interface BadblocksHit {
  /** First bad sector inside the checked range. */
  readonly firstBad: number;
  /** Bad sectors from `firstBad` on, up to the end of the checked range. */
  readonly badSectors: number;
}

/** A set of bad sector ranges, kept sorted and merged. */
export class Badblocks {
  /** Sorted, disjoint, non-adjacent half-open ranges [start, end). */
  private ranges: Array<[number, number]> = [];

  /** Number of bad sectors. */
  get count(): number {
    return this.ranges.reduce((n, [s, e]) => n + e - s, 0);
  }

  /** No bad sectors (`count === 0`, without summing the ranges). */
  get empty(): boolean {
    return this.ranges.length === 0; // every range holds at least one sector
  }

  /** The ranges as `[start, endInclusive]` pairs. */
  list(): Array<[number, number]> {
    return this.ranges.map(([s, e]) => [s, e - 1]);
  }

  // block/badblocks.c: badblocks_set()
  /** Mark `sectors` sectors from `start` bad. */
  set(start: number, sectors: number): void {
    if (sectors <= 0) return;
    let s = start;
    let e = start + sectors;
    const keep: Array<[number, number]> = [];
    for (const [rs, re] of this.ranges) {
      if (re < s || rs > e) keep.push([rs, re]);
      else {
        s = Math.min(s, rs);
        e = Math.max(e, re);
      }
    }
    keep.push([s, e]);
    keep.sort((a, b) => a[0] - b[0]);
    this.ranges = keep;
  }

  // block/badblocks.c: badblocks_clear()
  /** Clear `sectors` sectors from `start`. */
  clear(start: number, sectors: number): void {
    if (sectors <= 0) return;
    const e = start + sectors;
    const out: Array<[number, number]> = [];
    for (const [rs, re] of this.ranges) {
      if (re <= start || rs >= e) out.push([rs, re]);
      else {
        if (rs < start) out.push([rs, start]);
        if (re > e) out.push([e, re]);
      }
    }
    this.ranges = out;
  }

  // block/badblocks.c: badblocks_check()
  /** The first bad sector in [sector, sector + sectors), or null if none. */
  check(sector: number, sectors: number): BadblocksHit | null {
    const end = sector + sectors;
    for (const [rs, re] of this.ranges) {
      if (re <= sector) continue;
      if (rs >= end) return null;
      const first = Math.max(rs, sector);
      return { firstBad: first, badSectors: Math.min(re, end) - first };
    }
    return null;
  }

  // drivers/block/null_blk/main.c: nullb_device_badblocks_store()
  /**
   * Apply one configfs command: `+start-end` (mark) or `-start-end` (clear),
   * inclusive sectors. Numbers parse as kstrtoull(…, 0) does: decimal, `0x`
   * hex or leading-`0` octal.
   */
  store(cmd: string): void {
    const m = /^\s*([+-])(\w+)-(\w+)\s*$/.exec(cmd);
    const start = m === null ? null : kstrtoull(m[2] as string);
    const end = m === null ? null : kstrtoull(m[3] as string);
    if (m === null || start === null || end === null) throw new BadblocksParseError(`badblocks: expected '+start-end' or '-start-end', got '${cmd}'`);
    if (end < start) throw new BadblocksParseError(`badblocks: end ${end} before start ${start} in '${cmd}'`);
    if (m[1] === '+') this.set(start, end - start + 1);
    else this.clear(start, end - start + 1);
  }

  // drivers/block/null_blk/main.c: nullb_device_badblocks_show()
  /** The configfs view: one `start-end` line per range. */
  show(): string {
    return this.list()
      .map(([s, e]) => `${s}-${e}\n`)
      .join('');
  }
}

// lib/kstrtox.c: kstrtoull() with base 0 — null when `s` is not a number
function kstrtoull(s: string): number | null {
  const m = /^(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))$/.exec(s);
  if (m === null) return null;
  const n = m[1] !== undefined ? parseInt(m[1], 16) : m[2] !== undefined ? parseInt(m[2], 8) : Number(m[3]);
  return Number.isSafeInteger(n) ? n : null;
}
