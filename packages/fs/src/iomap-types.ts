/**
 * struct iomap and its constants (include/linux/iomap.h): what a
 * filesystem's ->iomap_begin tells iomap about a file range.
 * @module
 */
import type { BlockDevice } from '@dio/blockdev';

// iomap types
/** No blocks allocated, need allocation. */
export const IOMAP_HOLE = 0;
/** Delayed allocation blocks. */
export const IOMAP_DELALLOC = 1;
/** Blocks allocated at `iomap.addr`. */
export const IOMAP_MAPPED = 2;
/** Blocks allocated at `iomap.addr` in unwritten state. */
export const IOMAP_UNWRITTEN = 3;
/** Data inline in the inode. */
export const IOMAP_INLINE = 4;
export type IomapType = typeof IOMAP_HOLE | typeof IOMAP_DELALLOC | typeof IOMAP_MAPPED | typeof IOMAP_UNWRITTEN | typeof IOMAP_INLINE;

// iomap->flags reported by the filesystem
/** Blocks were freshly allocated: must be zeroed around a partial write. */
export const IOMAP_F_NEW = 1 << 0;
/** Inode has uncommitted metadata needed to access the data (O_DSYNC must not rely on FUA alone). */
export const IOMAP_F_DIRTY = 1 << 1;
/** Blocks are shared (reflink): the write goes to new blocks (COW). */
export const IOMAP_F_SHARED = 1 << 2;

// flags passed to ->iomap_begin
export const IOMAP_WRITE = 1 << 0;
export const IOMAP_ZERO = 1 << 1;
export const IOMAP_REPORT = 1 << 2;
export const IOMAP_FAULT = 1 << 3;
export const IOMAP_DIRECT = 1 << 4;
export const IOMAP_NOWAIT = 1 << 5;
export const IOMAP_OVERWRITE_ONLY = 1 << 6;

/** iomap->addr for holes. */
export const IOMAP_NULL_ADDR = -1;

/** struct iomap. Byte offsets and lengths. */
export interface Iomap {
  /** Disk offset of the mapping in bytes, or IOMAP_NULL_ADDR. */
  readonly addr: number;
  /** File offset of the mapping, bytes. */
  readonly offset: number;
  /** Length of the mapping, bytes. */
  readonly length: number;
  readonly type: IomapType;
  readonly flags: number;
  readonly bdev: BlockDevice;
}

/** iomap_sector(): the 512-byte sector of file position `pos` within the mapping. */
export function iomapSector(iomap: Iomap, pos: number): number {
  return Math.floor((iomap.addr + pos - iomap.offset) / 512);
}
