/**
 * An inode's data fork: sorted, non-overlapping extents in filesystem
 * blocks. Ranges not covered are holes.
 * @module
 */

/** Extent state: `written` has data, `unwritten` is allocated but reads as zeros. */
export type ExtentState = 'written' | 'unwritten';

/** One extent: file blocks `[fileBlock, fileBlock+len)` at device block `diskBlock`. */
export interface Extent {
  fileBlock: number;
  len: number;
  diskBlock: number;
  state: ExtentState;
  /** Shared with another file (reflink): writes must copy-on-write. */
  shared: boolean;
}

/** A mapping lookup result: an extent piece, or a hole of `len` blocks (Infinity past the last extent). */
export type Lookup = { kind: 'extent'; ext: Extent; fileBlock: number; len: number } | { kind: 'hole'; fileBlock: number; len: number };

/** The extent list of one inode. */
export class ExtentMap {
  private exts: Extent[] = [];

  /** All extents, in file order (copies). */
  list(): Extent[] {
    return this.exts.map((e) => ({ ...e }));
  }

  /** What covers `fileBlock`, and for how many blocks the answer holds. */
  lookup(fileBlock: number): Lookup {
    for (const e of this.exts) {
      if (fileBlock < e.fileBlock) return { kind: 'hole', fileBlock, len: e.fileBlock - fileBlock };
      if (fileBlock < e.fileBlock + e.len) return { kind: 'extent', ext: e, fileBlock, len: e.fileBlock + e.len - fileBlock };
    }
    return { kind: 'hole', fileBlock, len: Number.POSITIVE_INFINITY };
  }

  /** Map `[fileBlock, fileBlock+len)` to device blocks starting at `diskBlock`, replacing whatever was there. Returns the replaced pieces. */
  insert(fileBlock: number, len: number, diskBlock: number, state: ExtentState, shared = false): Extent[] {
    const removed = this.remove(fileBlock, len);
    this.exts.push({ fileBlock, len, diskBlock, state, shared });
    this.normalize();
    return removed;
  }

  /** Unmap `[fileBlock, fileBlock+len)`; returns the pieces removed (with their disk blocks). */
  remove(fileBlock: number, len: number): Extent[] {
    const end = fileBlock + len;
    const out: Extent[] = [];
    const keep: Extent[] = [];
    for (const e of this.exts) {
      const eEnd = e.fileBlock + e.len;
      if (eEnd <= fileBlock || e.fileBlock >= end) {
        keep.push(e);
        continue;
      }
      if (e.fileBlock < fileBlock) keep.push({ ...e, len: fileBlock - e.fileBlock });
      if (eEnd > end) keep.push({ ...e, fileBlock: end, len: eEnd - end, diskBlock: e.diskBlock + (end - e.fileBlock) });
      const s = Math.max(e.fileBlock, fileBlock);
      const t = Math.min(eEnd, end);
      out.push({ ...e, fileBlock: s, len: t - s, diskBlock: e.diskBlock + (s - e.fileBlock) });
    }
    this.exts = keep;
    this.normalize();
    return out;
  }

  /** Set the state of every mapped block in the range (unwritten conversion). Returns blocks changed. */
  setState(fileBlock: number, len: number, state: ExtentState): number {
    let changed = 0;
    for (const piece of this.remove(fileBlock, len)) {
      if (piece.state !== state) changed += piece.len;
      this.exts.push({ ...piece, state });
    }
    this.normalize();
    return changed;
  }

  /** Whether any extent is shared (the inode is a reflink/COW inode: xfs_is_cow_inode). */
  get hasShared(): boolean {
    return this.exts.some((e) => e.shared);
  }

  /** File block just past the last mapped block (0 when empty). */
  get endBlock(): number {
    const last = this.exts[this.exts.length - 1];
    return last ? last.fileBlock + last.len : 0;
  }

  private normalize(): void {
    this.exts.sort((a, b) => a.fileBlock - b.fileBlock);
    const out: Extent[] = [];
    for (const e of this.exts) {
      const p = out[out.length - 1];
      if (p && p.fileBlock + p.len === e.fileBlock && p.diskBlock + p.len === e.diskBlock && p.state === e.state && p.shared === e.shared) {
        p.len += e.len;
      } else out.push({ ...e });
    }
    this.exts = out;
  }
}
