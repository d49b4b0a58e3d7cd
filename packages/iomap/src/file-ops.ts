/**
 * The O_DIRECT file operations of a DioFs file, mirroring XFS's
 * xfs_file_write_iter / xfs_file_read_iter direct paths: i_rwsem (the
 * IOLOCK) around iomap_dio_rw, the unaligned and extending-write cases that
 * drain DIO first, NOWAIT trylocks, fsync, and iopoll.
 * @module
 */
import type { Bio } from '@dio/blockdev';
import { type DioFs, fsFallocate, fsyncFile, type FsInode } from '@dio/fs';
import { dioMisaligned, EAGAIN, EINVAL, EOPNOTSUPP, type File, type FileOperations, inodeDioWait, IOCB_NOWAIT, IOCB_WRITE, type IovIter, type Kiocb, O_DIRECT } from '@dio/kiocb';
import { downRead, downReadNow, downReadTrylock, downWrite, downWriteTrylock, type KGen, upRead, upWrite } from '@dio/sim';
import { iomapDioRw, iomapDioRwNow } from './dio-rw';
import type { DioEndIo } from './dio';
import { IOMAP_DIO_FORCE_WAIT } from './flags';
import type { CompletionPolicy } from './policy';

// fs/xfs/xfs_file.c: xfs_ilock_iocb()
function* ilockIocb(ino: FsInode, iocb: Kiocb, exclusive: boolean): KGen<number> {
  if (iocb.kiFlags & IOCB_NOWAIT) {
    const ok = exclusive ? downWriteTrylock(ino.iRwsem) : downReadTrylock(ino.iRwsem);
    return ok ? 0 : -EAGAIN;
  }
  yield exclusive ? downWrite(ino.iRwsem) : downRead(ino.iRwsem);
  return 0;
}

/**
 * {@link ilockIocb} as a plain call when it needs no sleep: NOWAIT trylocks,
 * and a shared lock that is free (the engine's down_read fast path). null —
 * nothing taken — means `yield* ilockIocb()`.
 */
function ilockIocbNow(ino: FsInode, iocb: Kiocb, exclusive: boolean): number | null {
  if (iocb.kiFlags & IOCB_NOWAIT) {
    const ok = exclusive ? downWriteTrylock(ino.iRwsem) : downReadTrylock(ino.iRwsem);
    return ok ? 0 : -EAGAIN;
  }
  if (exclusive) return null;
  return downReadNow(ino.iRwsem) ? 0 : null;
}

function unlock(ino: FsInode, exclusive: boolean): void {
  if (exclusive) upWrite(ino.iRwsem);
  else upRead(ino.iRwsem);
}

// fs/xfs/xfs_file.c: xfs_file_dio_write()
function* dioWrite(fs: DioFs, policy: CompletionPolicy, endIo: DioEndIo, iocb: Kiocb, from: IovIter): KGen<number> {
  const r = dioWriteNow(fs, policy, endIo, iocb, from);
  return typeof r === 'number' ? r : yield* r;
}

/** {@link dioWrite} as a plain call: the result, or the generator that continues where it must yield and returns it. */
function dioWriteNow(fs: DioFs, policy: CompletionPolicy, endIo: DioEndIo, iocb: Kiocb, from: IovIter): number | KGen<number> {
  const ino = iocb.kiFilp.fInode as FsInode;
  const count = from.remaining;
  const lbs = fs.bdev.logicalBlockSize;
  // direct I/O must be aligned to the device's logical block size
  if (dioMisaligned(iocb.kiPos, from.alignment(), lbs)) return -EINVAL;
  iocb.kiFlags |= IOCB_WRITE;
  const unaligned = ((iocb.kiPos | count) & (fs.blockSize - 1)) !== 0;
  // xfs_file_dio_write_unaligned(): "we can't unshare a partial block" — -ENOTBLK, and
  // xfs_file_write_iter() falls back to a buffered write, which this model does not emulate.
  if (unaligned && ino.extents.hasShared) return -EOPNOTSUPP;
  // xfs_file_dio_write_unaligned(): exclusive lock, drain, and wait for completion
  const exclusive = unaligned || iocb.kiPos > ino.iSize;
  if (exclusive && iocb.kiFlags & IOCB_NOWAIT) return -EAGAIN;
  const e = ilockIocbNow(ino, iocb, exclusive);
  if (e === null) return dioWriteLock(fs, policy, endIo, iocb, from, unaligned, exclusive);
  if (e) return e;
  if (exclusive) return dioWriteDrain(fs, policy, endIo, iocb, from, unaligned);
  return dioWriteRw(fs, policy, endIo, iocb, from, unaligned, false);
}

/** xfs_file_dio_write() when taking the IOLOCK must sleep. */
function* dioWriteLock(fs: DioFs, policy: CompletionPolicy, endIo: DioEndIo, iocb: Kiocb, from: IovIter, unaligned: boolean, exclusive: boolean): KGen<number> {
  const e = yield* ilockIocb(iocb.kiFilp.fInode as FsInode, iocb, exclusive);
  if (e) return e;
  const r = exclusive ? dioWriteDrain(fs, policy, endIo, iocb, from, unaligned) : dioWriteRw(fs, policy, endIo, iocb, from, unaligned, false);
  return typeof r === 'number' ? r : yield* r;
}

/** xfs_file_write_checks(): a write past EOF (or unaligned) must drain in-flight DIO first. */
function* dioWriteDrain(fs: DioFs, policy: CompletionPolicy, endIo: DioEndIo, iocb: Kiocb, from: IovIter, unaligned: boolean): KGen<number> {
  const ino = iocb.kiFilp.fInode as FsInode;
  let exclusive = true;
  yield* inodeDioWait(ino);
  if (!unaligned) {
    // xfs_ilock_demote(IOLOCK_EXCL → SHARED)
    upWrite(ino.iRwsem);
    yield downRead(ino.iRwsem);
    exclusive = false;
  }
  const r = dioWriteRw(fs, policy, endIo, iocb, from, unaligned, exclusive);
  return typeof r === 'number' ? r : yield* r;
}

/** xfs_file_dio_write() with the IOLOCK held: iomap_dio_rw, then unlock. */
function dioWriteRw(fs: DioFs, policy: CompletionPolicy, endIo: DioEndIo, iocb: Kiocb, from: IovIter, unaligned: boolean, exclusive: boolean): number | KGen<number> {
  const ino = iocb.kiFilp.fInode as FsInode;
  const r = iomapDioRwNow(iocb, from, { fs, policy, endIo, dioFlags: unaligned ? IOMAP_DIO_FORCE_WAIT : 0 });
  if (typeof r !== 'number') return dioWriteUnlockAfter(r, ino, exclusive);
  unlock(ino, exclusive);
  return r;
}

function* dioWriteUnlockAfter(g: KGen<number>, ino: FsInode, exclusive: boolean): KGen<number> {
  const ret = yield* g;
  unlock(ino, exclusive);
  return ret;
}

// fs/xfs/xfs_file.c: xfs_file_dio_read()
function* dioRead(fs: DioFs, policy: CompletionPolicy, iocb: Kiocb, to: IovIter): KGen<number> {
  const ino = iocb.kiFilp.fInode as FsInode;
  const lbs = fs.bdev.logicalBlockSize;
  if (dioMisaligned(iocb.kiPos, to.alignment(), lbs)) return -EINVAL;
  iocb.kiFlags &= ~IOCB_WRITE;
  const e = ilockIocbNow(ino, iocb, false) ?? (yield* ilockIocb(ino, iocb, false));
  if (e) return e;
  const ret = yield* iomapDioRw(iocb, to, { fs, policy, endIo: null });
  upRead(ino.iRwsem);
  return ret;
}

/**
 * File operations for DioFs files with a completion policy: pass as
 * `new DioFs(sim, bdev, { fops: iomapFileOperations(policy) })`. Only
 * O_DIRECT I/O is emulated; buffered I/O returns -EOPNOTSUPP.
 */
export function iomapFileOperations(policy: CompletionPolicy): (fs: DioFs) => FileOperations {
  return (fs) => {
    // xfs_dio_write_ops.end_io (one closure per filesystem, not per write)
    const endIo: DioEndIo = (i, size, err, flags) => fs.writeEndIo(i, size, err, flags);
    return fops(fs, policy, endIo);
  };
}

function fops(fs: DioFs, policy: CompletionPolicy, endIo: DioEndIo): FileOperations {
  return {
    writeIter(iocb: Kiocb, from: IovIter): KGen<number> {
      if (!(iocb.kiFilp.fFlags & O_DIRECT)) return errno(-EOPNOTSUPP);
      return dioWrite(fs, policy, endIo, iocb, from);
    },
    writeIterNow(iocb: Kiocb, from: IovIter): number | KGen<number> {
      if (!(iocb.kiFilp.fFlags & O_DIRECT)) return -EOPNOTSUPP;
      return dioWriteNow(fs, policy, endIo, iocb, from);
    },
    readIter(iocb: Kiocb, to: IovIter): KGen<number> {
      if (!(iocb.kiFilp.fFlags & O_DIRECT)) return errno(-EOPNOTSUPP);
      return dioRead(fs, policy, iocb, to);
    },
    fsync(file: File, start: number, end: number, datasync: boolean): KGen<number> {
      return fsyncFile(fs, file, start, end, datasync);
    },
    fallocate(file: File, mode: number, offset: number, len: number): KGen<number> {
      return fsFallocate(fs, file, mode, offset, len);
    },
    // block/fops.c / iomap: iocb_bio_iopoll()
    *iopoll(iocb: Kiocb): KGen<number> {
      const bio = iocb.private as Bio | null;
      if (bio === null || typeof bio !== 'object' || !('biOpf' in bio)) return 0;
      return yield* fs.bdev.bioPoll(bio);
    },
  };
}

function* errno(e: number): KGen<number> {
  return e;
}
