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
import { downRead, downReadTrylock, downWrite, downWriteTrylock, type KGen, returned, upRead, upWrite } from '@dio/sim';
import { iomapDioRw, type IomapDioArgs } from './dio-rw';
import type { DioEndIo } from './dio';
import { IOMAP_DIO_FORCE_WAIT } from './flags';
import type { CompletionPolicy } from './policy';

// fs/xfs/xfs_file.c: xfs_ilock_iocb()
/** A plain function: it may sleep only in xfs_ilock(), its last call (`returned` on the NOWAIT branch). */
function ilockIocb(ino: FsInode, iocb: Kiocb, exclusive: boolean): KGen<number> {
  if (iocb.kiFlags & IOCB_NOWAIT) {
    const ok = exclusive ? downWriteTrylock(ino.iRwsem) : downReadTrylock(ino.iRwsem);
    return returned(ok ? 0 : -EAGAIN);
  }
  return xfsIlock(ino, exclusive);
}

// fs/xfs/xfs_inode.c: xfs_ilock()
/**
 * Take the IOLOCK (i_rwsem), sleeping for it when it is contended; returns 0
 * (xfs_ilock_iocb's result once it has it). down_read()/down_write() are
 * LOCK_CONTENDED(sem, __down_*_trylock, __down_*): a free lock is taken at
 * once, without a step of the engine; only a contended one yields its request.
 */
function* xfsIlock(ino: FsInode, exclusive: boolean): KGen<number> {
  if (!(exclusive ? downWriteTrylock(ino.iRwsem) : downReadTrylock(ino.iRwsem))) yield exclusive ? downWrite(ino.iRwsem) : downRead(ino.iRwsem);
  return 0;
}

function unlock(ino: FsInode, exclusive: boolean): void {
  if (exclusive) upWrite(ino.iRwsem);
  else upRead(ino.iRwsem);
}

/**
 * The iomap_dio_rw() arguments of a filesystem's direct I/O, made once (the
 * kernel passes constant tables: xfs_direct_write_iomap_ops,
 * xfs_dio_write_ops, and the dio_flags of each call site).
 */
interface XfsDioArgs {
  /** xfs_file_dio_write_aligned(), xfs_file_dio_read() */
  readonly write: IomapDioArgs;
  /** xfs_file_dio_write_unaligned(): IOMAP_DIO_FORCE_WAIT */
  readonly writeUnaligned: IomapDioArgs;
  readonly read: IomapDioArgs;
}

// fs/xfs/xfs_file.c: xfs_file_dio_write()
function* dioWrite(args: XfsDioArgs, iocb: Kiocb, from: IovIter): KGen<number> {
  const fs = args.write.fs;
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
  let exclusive = unaligned || iocb.kiPos > ino.iSize;
  if (exclusive && iocb.kiFlags & IOCB_NOWAIT) return -EAGAIN;
  const e = yield* ilockIocb(ino, iocb, exclusive);
  if (e) return e;
  if (exclusive) {
    // xfs_file_write_checks(): a write past EOF (or unaligned) must drain in-flight DIO first
    yield* inodeDioWait(ino);
    if (!unaligned) {
      // xfs_ilock_demote(IOLOCK_EXCL → SHARED)
      upWrite(ino.iRwsem);
      yield downRead(ino.iRwsem);
      exclusive = false;
    }
  }
  const ret = yield* iomapDioRw(iocb, from, unaligned ? args.writeUnaligned : args.write);
  unlock(ino, exclusive);
  return ret;
}

// fs/xfs/xfs_file.c: xfs_file_dio_read()
function* dioRead(args: XfsDioArgs, iocb: Kiocb, to: IovIter): KGen<number> {
  const fs = args.read.fs;
  const ino = iocb.kiFilp.fInode as FsInode;
  const lbs = fs.bdev.logicalBlockSize;
  if (dioMisaligned(iocb.kiPos, to.alignment(), lbs)) return -EINVAL;
  iocb.kiFlags &= ~IOCB_WRITE;
  const e = yield* ilockIocb(ino, iocb, false);
  if (e) return e;
  const ret = yield* iomapDioRw(iocb, to, args.read);
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
    const endIo: DioEndIo = (i, size, err, flags): KGen<number> => fs.writeEndIo(i, size, err, flags);
    return fops(fs, policy, endIo);
  };
}

function fops(fs: DioFs, policy: CompletionPolicy, endIo: DioEndIo): FileOperations {
  const args: XfsDioArgs = {
    write: { fs, policy, endIo, dioFlags: 0 },
    writeUnaligned: { fs, policy, endIo, dioFlags: IOMAP_DIO_FORCE_WAIT },
    read: { fs, policy, endIo: null, dioFlags: 0 },
  };
  return {
    writeIter(iocb: Kiocb, from: IovIter): KGen<number> {
      if (!(iocb.kiFilp.fFlags & O_DIRECT)) return errno(-EOPNOTSUPP);
      return dioWrite(args, iocb, from);
    },
    readIter(iocb: Kiocb, to: IovIter): KGen<number> {
      if (!(iocb.kiFilp.fFlags & O_DIRECT)) return errno(-EOPNOTSUPP);
      return dioRead(args, iocb, to);
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
