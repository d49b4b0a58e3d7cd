/**
 * Completing a direct I/O: iomap_dio_complete and the three ways it is
 * reached (inline in end_io, from the workqueue, or handed back to the
 * issuer with IOCB_DIO_CALLER_COMP).
 * @module
 */
import { inodeDioEnd, IOCB_SYNC, iocbIsDsync, type Kiocb } from '@dio/kiocb';
import { charge, currentCtx, type KGen, mightSleep, returned } from '@dio/sim';
import type { WorkStruct } from '@dio/workqueue';
import type { IomapDio } from './dio';
import { IOMAP_DIO_NEED_SYNC, IOMAP_DIO_WRITE } from './flags';
import { invalidateInodePages2Range } from './truncate';

// fs/iomap/direct-io.c: iomap_dio_complete()
/**
 * Finish the dio, in kernel order: ->end_io; result (short reads clamped to
 * the i_size snapshot); page-cache invalidation of the written range (after
 * end_io); inode_dio_end; ki_pos; generic_write_sync for NEED_SYNC; plus
 * done_before. Returns bytes or a negative errno. May sleep (->end_io may
 * take a transaction, the sync may wait for I/O): the inline completion runs
 * it with `runNoSleep()` only on the routes where it cannot.
 */
export function* iomapDioComplete(dio: IomapDio): KGen<number> {
  const iocb = dio.iocb;
  const offset = iocb.kiPos;
  const ctx = currentCtx();
  charge(dio.fs.sim.costs.iomapDioComplete);
  let ret = dio.error;
  const endIo = dio.endIo;
  if (endIo !== null) ret = yield* endIo(iocb, dio.size, ret, dio.flags);
  if (ret === 0) {
    ret = dio.size;
    // check for short read
    if (offset + ret > dio.iSize && !(dio.flags & IOMAP_DIO_WRITE)) ret = Math.max(0, dio.iSize - offset);
  }
  // (returns at once when there are no cached pages)
  if (!dio.error && dio.size && dio.flags & IOMAP_DIO_WRITE && !dio.policy.skipInvalidate(dio)) yield* kiocbInvalidatePostDirectWrite(iocb, dio.size);
  inodeDioEnd(dio.inode, dio);
  if (ret > 0) {
    iocb.kiPos += ret;
    // If this is a DSYNC write, make sure we push it to stable storage now that we've written data.
    if (dio.flags & IOMAP_DIO_NEED_SYNC) ret = yield* genericWriteSync(iocb, ret);
    if (ret > 0) ret += dio.doneBefore;
  }
  const sim = dio.fs.sim;
  if (sim.tracing) {
    sim.trace('iomap_dio_complete', { ino: dio.inode.iIno, dio: dio.id, ret, ctx: ctx.kind, via: dio.via });
    sim.traceFlow('f', dio.id, 'dio');
  }
  return ret;
}

// fs/iomap/direct-io.c: iomap_dio_complete_work()
/** Complete and report through ki_complete: the work function of the dio's work item (a kworker: may sleep), also called directly by the inline path. */
export function* iomapDioCompleteWork(work: WorkStruct): KGen<void> {
  const dio = work as IomapDio; // container_of(work, struct iomap_dio, aio.work)
  const ret = yield* iomapDioComplete(dio);
  const iocb = dio.iocb;
  const kc = iocb.kiComplete;
  if (kc === null) throw new Error('iomap_dio_complete_work on a sync kiocb');
  kc(iocb, ret);
}

// fs/iomap/direct-io.c: iomap_dio_deferred_complete()
/** The `dio_complete` callback handed to an IOCB_DIO_CALLER_COMP issuer. */
export function iomapDioDeferredComplete(priv: unknown): KGen<number> {
  return iomapDioComplete(priv as IomapDio);
}

// mm/filemap.c: kiocb_invalidate_post_direct_write()
/**
 * Drop cached pages the write covered; takes page locks, so it may sleep
 * (task context only when pages exist). A plain function handing back
 * invalidate_inode_pages2_range()'s generator, its only call that may sleep
 * (`returned` when there are no pages); its result is 0 (the kernel only
 * warns when the invalidation fails).
 */
export function kiocbInvalidatePostDirectWrite(iocb: Kiocb, count: number): KGen<number> {
  const mapping = iocb.kiFilp.fMapping;
  if (mapping.nrpages === 0) return returned(0);
  mightSleep('invalidate_inode_pages2_range() takes page locks');
  return invalidateInodePages2Range(mapping, iocb.kiPos, count);
}

// include/linux/fs.h: generic_write_sync()
/** For O_DSYNC/O_SYNC: vfs_fsync_range over what was written (datasync unless IOCB_SYNC). */
export function* genericWriteSync(iocb: Kiocb, count: number): KGen<number> {
  if (!iocbIsDsync(iocb)) return count;
  mightSleep('generic_write_sync() -> vfs_fsync_range()');
  const file = iocb.kiFilp;
  const r = yield* file.fOp.fsync(file, iocb.kiPos - count, iocb.kiPos - 1, !(iocb.kiFlags & IOCB_SYNC));
  return r < 0 ? r : count;
}
