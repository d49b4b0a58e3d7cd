/**
 * Free-space allocator over the device's filesystem blocks: first fit over a
 * sorted free list, so allocation is deterministic.
 * @module
 */

/** A run of free blocks. */
interface FreeRun {
  start: number;
  len: number;
}

/** Thrown (as -ENOSPC by callers) when the device is full. */
export class NoSpaceError extends Error {
  override readonly name = 'NoSpaceError';
}

/** Block allocator (the bit of xfs_alloc / xfs_bmapi_write dio needs). */
export class BlockAllocator {
  private free: FreeRun[];

  /** Blocks `[first, first+count)` start free. */
  constructor(first: number, count: number) {
    this.free = count > 0 ? [{ start: first, len: count }] : [];
  }

  /** Free blocks left. */
  get available(): number {
    return this.free.reduce((a, r) => a + r.len, 0);
  }

  /** Allocate up to `len` contiguous blocks (at least 1); returns [start, got]. Throws NoSpaceError when full. */
  alloc(len: number): [number, number] {
    const r = this.free.find((f) => f.len >= len) ?? this.free[0];
    if (r === undefined) throw new NoSpaceError('no free blocks');
    const got = Math.min(len, r.len);
    const start = r.start;
    r.start += got;
    r.len -= got;
    if (r.len === 0) this.free.splice(this.free.indexOf(r), 1);
    return [start, got];
  }

  /** Return blocks to the free list. */
  release(start: number, len: number): void {
    if (len <= 0) return;
    this.free.push({ start, len });
    this.free.sort((a, b) => a.start - b.start);
    const out: FreeRun[] = [];
    for (const f of this.free) {
      const p = out[out.length - 1];
      if (p && p.start + p.len === f.start) p.len += f.len;
      else out.push({ ...f });
    }
    this.free = out;
  }
}
