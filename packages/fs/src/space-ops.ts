/**
 * Operations that change a file's space or size under i_rwsem and must
 * first drain direct I/O with inode_dio_wait(): truncate and fallocate
 * (allocate, keep-size, punch hole, zero range), plus fsync.
 * @module
 */
import { EINVAL, ENOSPC, EOPNOTSUPP, inodeDioWait, type File } from '@dio/kiocb';
import { downWrite, type KGen, upWrite } from '@dio/sim';
import { NoSpaceError } from './allocator';
import type { DioFs } from './dio-fs';
import type { FsInode } from './fs-inode';
import { zeroRange } from './zero-range';

/** fallocate(2) mode bits (include/uapi/linux/falloc.h). */
export const FALLOC_FL_KEEP_SIZE = 0x01;
export const FALLOC_FL_PUNCH_HOLE = 0x02;
export const FALLOC_FL_ZERO_RANGE = 0x10;

// fs/xfs/xfs_iops.c: xfs_setattr_size() (called with IOLOCK_EXCL held)
/**
 * Set the file size: i_rwsem exclusive, wait for in-flight DIO, zero the
 * part of the EOF block that moves in or out of the file (xfs_zero_range
 * when growing, iomap_truncate_page when shrinking), then free the blocks
 * past the new EOF and log the size.
 */
export function* setattrSize(fs: DioFs, ino: FsInode, size: number): KGen<number> {
  if (!Number.isSafeInteger(size) || size < 0) return -EINVAL;
  yield downWrite(ino.iRwsem);
  try {
    // Wait for all direct I/O to complete.
    yield* inodeDioWait(ino);
    const bs = fs.blockSize;
    const old = ino.iSize;
    const z = size > old ? yield* zeroRange(fs, ino, old, size - old) : size % bs ? yield* zeroRange(fs, ino, size, bs - (size % bs)) : 0;
    if (z < 0) return z;
    yield* fs.transaction(ino, () => {
      const keep = Math.ceil(size / bs);
      if (size < old) fs.freeRange(ino, keep, Math.max(0, ino.extents.endBlock - keep));
      ino.iSize = size;
    });
    return 0;
  } finally {
    upWrite(ino.iRwsem);
  }
}

// fs/xfs/xfs_file.c: xfs_file_fallocate()
/**
 * fallocate(2) on `file`. Takes i_rwsem exclusive and waits for all DIO
 * first (inode_dio_wait, as XFS does unconditionally: AIO may change the
 * size on completion). Mode 0 allocates unwritten extents and extends the
 * size; KEEP_SIZE does not; PUNCH_HOLE (needs KEEP_SIZE) zeroes the partial
 * edge blocks and frees the whole blocks in between (xfs_free_file_space);
 * ZERO_RANGE zeroes the partial edges, allocates holes and turns the whole
 * blocks unwritten.
 */
export function* fallocate(fs: DioFs, file: File, mode: number, offset: number, len: number): KGen<number> {
  // fs/open.c: vfs_fallocate() checks
  if (offset < 0 || len <= 0 || !Number.isSafeInteger(offset + len)) return -EINVAL;
  if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) return -EOPNOTSUPP;
  if (mode & FALLOC_FL_PUNCH_HOLE && !(mode & FALLOC_FL_KEEP_SIZE)) return -EOPNOTSUPP;
  if (mode & FALLOC_FL_PUNCH_HOLE && mode & FALLOC_FL_ZERO_RANGE) return -EINVAL;
  if (!file.writable) return -EINVAL;
  const ino = file.fInode as FsInode;
  const bs = fs.blockSize;
  const end = offset + len;
  // whole blocks inside the range, and all blocks touched by it
  const a = Math.ceil(offset / bs);
  const b = Math.floor(end / bs);
  const first = Math.floor(offset / bs);
  const last = Math.ceil(end / bs);
  yield downWrite(ino.iRwsem);
  try {
    // Must wait for all AIO to complete: it can change the file size on completion without our locks.
    yield* inodeDioWait(ino);
    if (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) {
      const z = yield* zeroEdges(fs, ino, offset, end, a, b);
      if (z < 0) return z;
    }
    let err = 0;
    yield* fs.transaction(ino, () => {
      try {
        if (mode & FALLOC_FL_PUNCH_HOLE) {
          if (b > a) fs.freeRange(ino, a, b - a);
        } else {
          fs.allocRange(ino, first, last - first, 'unwritten');
          if (mode & FALLOC_FL_ZERO_RANGE && b > a) ino.extents.setState(a, b - a, 'unwritten');
        }
      } catch (e) {
        if (e instanceof NoSpaceError) err = -ENOSPC;
        else throw e;
      }
      if (err === 0 && !(mode & FALLOC_FL_KEEP_SIZE) && end > ino.iSize) ino.iSize = end;
    });
    return err;
  } finally {
    upWrite(ino.iRwsem);
  }
}

/** Zero the parts of `[offset, end)` that do not cover whole blocks `[a, b)`. */
function* zeroEdges(fs: DioFs, ino: FsInode, offset: number, end: number, a: number, b: number): KGen<number> {
  const bs = fs.blockSize;
  if (b <= a) return yield* zeroRange(fs, ino, offset, end - offset);
  if (offset < a * bs) {
    const r = yield* zeroRange(fs, ino, offset, a * bs - offset);
    if (r < 0) return r;
  }
  return end > b * bs ? yield* zeroRange(fs, ino, b * bs, end - b * bs) : 0;
}

// fs/xfs/xfs_file.c: xfs_file_fsync()
/**
 * fsync/fdatasync: if the inode is pinned in the log (xfs_ipincount), force
 * the log — a PREFLUSH|FUA log write, which also makes the data written so
 * far durable. When that force wrote nothing itself (a pure overwrite with
 * nothing to log, or only a wait for a log write already in flight, whose
 * PREFLUSH may predate this file's data) flush the device's volatile cache
 * with blkdev_issue_flush (skipped when there is no cache). Task context;
 * sleeps.
 */
export function* fsyncFile(fs: DioFs, file: File, _start: number, _end: number, _datasync: boolean): KGen<number> {
  const ino = file.fInode as FsInode;
  let logFlushed = false;
  if (ino.metaDirty) {
    const f = yield* fs.journal.force();
    if (f.error < 0) return f.error;
    logFlushed = f.logFlushed;
  }
  // If the log force was a no-op (or only waited for someone else's log write), flush the data device's cache here.
  if (!logFlushed && fs.bdev.bdevWriteCache()) return yield* fs.journal.issueFlush();
  return 0;
}
