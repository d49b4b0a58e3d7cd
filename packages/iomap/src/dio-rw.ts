/**
 * iomap_dio_rw: the entry point filesystems call from ->read_iter and
 * ->write_iter for O_DIRECT.
 * @module
 */
import { blkFinishPlug, blkStartPlug } from '@dio/blockdev';
import type { FsInode } from '@dio/fs';
import { IOMAP_DIRECT, IOMAP_NOWAIT, IOMAP_OVERWRITE_ONLY, IOMAP_WRITE } from '@dio/fs';
import { EAGAIN, EIOCBQUEUED, ENOTBLK, inodeDioBegin, IOCB_HIPRI, IOCB_NOWAIT, IOCB_WRITE, isSyncKiocb, type IovIter, type Kiocb, userBackedIter } from '@dio/kiocb';
import { charge, currentTask, type KGen, returned, wait } from '@dio/sim';
import { iomapDioIter } from './bio-iter';
import { iomapDioComplete } from './complete';
import { type DioEndIo, IomapDio } from './dio';
import { invalidateInodePages2Range } from './truncate';
import { IOMAP_DIO_DIRTY, IOMAP_DIO_FORCE_WAIT, IOMAP_DIO_OVERWRITE_ONLY, IOMAP_DIO_WRITE, IOMAP_DIO_WRITE_THROUGH, IOMAP_DIO_NEED_SYNC } from './flags';
import type { CompletionPolicy } from './policy';
import type { DioFs } from '@dio/fs';

/** What iomap_dio_rw needs from the filesystem besides the kiocb. */
export interface IomapDioArgs {
  readonly fs: DioFs;
  readonly policy: CompletionPolicy;
  /** ->end_io (xfs_dio_write_ops), or null (reads). */
  readonly endIo: DioEndIo | null;
  /** IOMAP_DIO_FORCE_WAIT | OVERWRITE_ONLY | PARTIAL */
  readonly dioFlags?: number;
  readonly doneBefore?: number;
}

// mm/filemap.c: kiocb_invalidate_pages()
/** A plain function: it may sleep only in invalidate_inode_pages2_range(), its last call (`returned` on the other branches). */
function kiocbInvalidatePages(iocb: Kiocb, count: number): KGen<number> {
  const mapping = iocb.kiFilp.fMapping;
  if (mapping.nrpages === 0) return returned(0);
  if (iocb.kiFlags & IOCB_NOWAIT) return returned(-EAGAIN);
  return invalidateInodePages2Range(mapping, iocb.kiPos, count);
}

/** What __iomap_dio_rw() returns: the dio to complete, null (nothing to do) or a negative errno. */
type StartRes = IomapDio | number | null;

// fs/iomap/direct-io.c: __iomap_dio_rw()
/**
 * Issue the dio. Returns the dio when the caller must complete it
 * (synchronous, or everything finished during submission), null when
 * nothing was to be done, or a negative errno (-EIOCBQUEUED when queued).
 */
export function* iomapDioRwStart(iocb: Kiocb, iter: IovIter, a: IomapDioArgs): KGen<StartRes> {
  const fs = a.fs;
  const ino = iocb.kiFilp.fInode as FsInode;
  const dioFlags = a.dioFlags ?? 0;
  const isWrite = (iocb.kiFlags & IOCB_WRITE) !== 0;
  let waitForCompletion = isSyncKiocb(iocb) || (dioFlags & IOMAP_DIO_FORCE_WAIT) !== 0;
  const count = iter.remaining;
  if (count === 0) return null;
  charge(fs.sim.costs.iomapDioRw);
  const dio = new IomapDio(iocb, ino, fs, a.policy, a.endIo, a.doneBefore ?? 0, iter, currentTask());
  // struct iomap_iter iomi: where the walk is, the bytes still to map, and the flags
  let pos = iocb.kiPos;
  let len = count;
  let iomapFlags = IOMAP_DIRECT;
  if (iocb.kiFlags & IOCB_NOWAIT) iomapFlags |= IOMAP_NOWAIT;
  a.policy.start(dio, iocb, isWrite, iocb.kiPos, count);
  if (!isWrite) {
    if (iocb.kiPos >= dio.iSize) return null;
    if (userBackedIter(iter)) dio.flags |= IOMAP_DIO_DIRTY;
  } else {
    iomapFlags |= IOMAP_WRITE;
    dio.flags |= IOMAP_DIO_WRITE;
    if (dioFlags & IOMAP_DIO_OVERWRITE_ONLY) {
      if (iocb.kiPos >= dio.iSize || iocb.kiPos + count > dio.iSize) return -EAGAIN;
      iomapFlags |= IOMAP_OVERWRITE_ONLY;
    }
    // Try to invalidate cache pages for the range we are writing; on failure the caller falls back to buffered I/O.
    const r = yield* kiocbInvalidatePages(iocb, count);
    if (r) return r === -EAGAIN ? r : -ENOTBLK;
  }
  // 6.6: writes only; 6.19 (222f2c7c6d14): every async dio, since read errors complete in the workqueue too
  if (!waitForCompletion && (isWrite || a.policy.queuesReads === true)) fs.sb.initDioDoneWq();
  inodeDioBegin(ino, dio);
  const plug = blkStartPlug();
  let ret = 0;
  // while ((ret = iomap_iter(&iomi, ops)) > 0)
  while (len > 0) {
    const m = yield* fs.iomapBegin(ino, pos, len, iomapFlags);
    if (typeof m === 'number') {
      ret = m;
      break;
    }
    const processed = yield* iomapDioIter(dio, m, pos, Math.min(len, m.length));
    // We can only poll for single bio I/Os.
    iocb.kiFlags &= ~IOCB_HIPRI;
    if (processed <= 0) {
      ret = processed;
      break;
    }
    pos += processed;
    len -= processed;
    if (!isWrite && pos >= dio.iSize) break;
  }
  blkFinishPlug(plug);
  if (ret === -ENOTBLK) {
    waitForCompletion = true;
    ret = 0;
  }
  if (ret < 0) dio.setError(ret);
  // All writes written through to the media: no cache flush needed at completion.
  if (dio.flags & IOMAP_DIO_WRITE_THROUGH) dio.flags &= ~IOMAP_DIO_NEED_SYNC;
  dio.policy.submitted(dio);
  iocb.private = dio.submit.pollBio;
  dio.waitForCompletion = waitForCompletion;
  if (--dio.ref !== 0) {
    if (!waitForCompletion) {
      const sim = fs.sim;
      if (sim.tracing) sim.trace('iomap_dio_rw_queued', { ino: ino.iIno, dio: dio.id, pos: iocb.kiPos, len: count });
      return -EIOCBQUEUED;
    }
    const wq = dio.syncWaitQueue();
    // for (;;) { set_current_state(TASK_UNINTERRUPTIBLE); if (!READ_ONCE(dio->submit.waiter)) break; blk_io_schedule(); }
    while (dio.submit.waiter !== null) yield wait(wq);
  }
  return dio;
}

// fs/iomap/direct-io.c: iomap_dio_rw()
/** Direct I/O: bytes transferred, -EIOCBQUEUED for queued async I/O, or a negative errno. */
export function* iomapDioRw(iocb: Kiocb, iter: IovIter, a: IomapDioArgs): KGen<number> {
  const dio = yield* iomapDioRwStart(iocb, iter, a);
  if (dio === null) return 0;
  if (typeof dio === 'number') return dio;
  return yield* iomapDioComplete(dio);
}
