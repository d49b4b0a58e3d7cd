/**
 * Operations that change a file's space or size under i_rwsem and must
 * first drain direct I/O with inode_dio_wait(): truncate and fallocate
 * (allocate, keep-size, punch hole, zero range), plus fsync.
 * @module
 */
import { EINVAL, EOPNOTSUPP, inodeDioWait, type File } from '@dio/kiocb';
import { downWrite, type KGen, upWrite } from '@dio/sim';
import { NoSpaceError } from './allocator';
import type { DioFs } from './dio-fs';
import type { FsInode } from './fs-inode';
import { ENOSPC } from '@dio/kiocb';

/** fallocate(2) mode bits (include/uapi/linux/falloc.h). */
export const FALLOC_FL_KEEP_SIZE = 0x01;
export const FALLOC_FL_PUNCH_HOLE = 0x02;
export const FALLOC_FL_ZERO_RANGE = 0x10;

// fs/xfs/xfs_iops.c: xfs_setattr_size() (called with IOLOCK_EXCL held)
/** Set the file size: i_rwsem exclusive, wait for in-flight DIO, then free blocks past the new EOF. */
export function* setattrSize(fs: DioFs, ino: FsInode, size: number): KGen<number> {
  if (!Number.isSafeInteger(size) || size < 0) return -EINVAL;
  yield downWrite(ino.iRwsem);
  try {
    yield* inodeDioWait(ino);
    yield* fs.transaction(ino, () => {
      const keep = Math.ceil(size / fs.blockSize);
      if (size < ino.iSize) fs.freeRange(ino, keep, Math.max(0, ino.extents.endBlock - keep));
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
 * size; KEEP_SIZE does not; PUNCH_HOLE (needs KEEP_SIZE) frees whole blocks
 * in the range; ZERO_RANGE converts the range to unwritten.
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
  yield downWrite(ino.iRwsem);
  try {
    yield* inodeDioWait(ino);
    let err = 0;
    yield* fs.transaction(ino, () => {
      const first = Math.floor(offset / bs);
      const end = Math.ceil((offset + len) / bs);
      try {
        if (mode & FALLOC_FL_PUNCH_HOLE) {
          // only whole blocks are freed; partial edge blocks keep their data (XFS zeroes them)
          const a = Math.ceil(offset / bs);
          const b = Math.floor((offset + len) / bs);
          if (b > a) fs.freeRange(ino, a, b - a);
        } else if (mode & FALLOC_FL_ZERO_RANGE) {
          fs.allocRange(ino, first, end - first, 'unwritten');
          ino.extents.setState(first, end - first, 'unwritten');
        } else fs.allocRange(ino, first, end - first, 'unwritten');
      } catch (e) {
        if (e instanceof NoSpaceError) err = -ENOSPC;
        else throw e;
      }
      if (err === 0 && !(mode & (FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE)) && offset + len > ino.iSize) ino.iSize = offset + len;
    });
    return err;
  } finally {
    upWrite(ino.iRwsem);
  }
}

// fs/xfs/xfs_file.c: xfs_file_fsync()
/**
 * fsync/fdatasync: force the log if metadata is dirty (a PREFLUSH|FUA log
 * write, which also flushes the data written so far); otherwise flush the
 * device's volatile cache if it has one. Task context; sleeps.
 */
export function* fsyncFile(fs: DioFs, file: File, _start: number, _end: number, _datasync: boolean): KGen<number> {
  const ino = file.fInode as FsInode;
  if (fs.journal.dirty) {
    const r = yield* fs.journal.force();
    if (r === 0) ino.metaDirty = false;
    return r;
  }
  ino.metaDirty = false;
  if (fs.bdev.bdevWriteCache()) return yield* fs.journal.issueFlush();
  return 0;
}
