/**
 * Completing a direct I/O: iomap_dio_complete and the three ways it is
 * reached (inline in end_io, from the workqueue, or handed back to the
 * issuer with IOCB_DIO_CALLER_COMP).
 * @module
 */
import { inodeDioEnd, IOCB_SYNC, iocbIsDsync, kiCompleteNow, type Kiocb } from '@dio/kiocb';
import { charge, currentCtx, type ExecContext, type KGen, mightSleep } from '@dio/sim';
import type { IomapDio } from './dio';
import { IOMAP_DIO_NEED_SYNC, IOMAP_DIO_WRITE } from './flags';

// fs/iomap/direct-io.c: iomap_dio_complete()
/**
 * Finish the dio, in kernel order: ->end_io; result (short reads clamped to
 * the i_size snapshot); page-cache invalidation of the written range (after
 * end_io); inode_dio_end; ki_pos; generic_write_sync for NEED_SYNC; plus
 * done_before. Returns bytes or a negative errno.
 */
export function* iomapDioComplete(dio: IomapDio): KGen<number> {
  const r = iomapDioCompleteNow(dio);
  return typeof r === 'number' ? r : yield* r;
}

/** {@link iomapDioComplete} as a plain call: the result, or the generator that finishes from where it must yield and returns it. */
export function iomapDioCompleteNow(dio: IomapDio): number | KGen<number> {
  const offset = dio.iocb.kiPos;
  const ctx = currentCtx();
  const cost = dio.fs.sim.costs.iomapDioComplete;
  if (!charge(cost)) return completeAfterCharge(cost, dio, offset, ctx);
  return completeCharged(dio, offset, ctx);
}

function* completeAfterCharge(cost: number, dio: IomapDio, offset: number, ctx: ExecContext): KGen<number> {
  yield cost;
  const r = completeCharged(dio, offset, ctx);
  return typeof r === 'number' ? r : yield* r;
}

/** iomap_dio_complete() after its CPU cost: ->end_io, then the rest. */
function completeCharged(dio: IomapDio, offset: number, ctx: ExecContext): number | KGen<number> {
  const iocb = dio.iocb;
  let ret = dio.error;
  const endIo = dio.endIo;
  if (endIo !== null) {
    const r = endIo.now !== undefined ? endIo.now(iocb, dio.size, ret, dio.flags) : endIo(iocb, dio.size, ret, dio.flags);
    if (typeof r !== 'number') return completeAfterEndIo(dio, offset, ctx, r);
    ret = r;
  }
  return completeResult(dio, offset, ctx, ret);
}

function* completeAfterEndIo(dio: IomapDio, offset: number, ctx: ExecContext, g: KGen<number>): KGen<number> {
  const ret = yield* g;
  const r = completeResult(dio, offset, ctx, ret);
  return typeof r === 'number' ? r : yield* r;
}

/** iomap_dio_complete() after ->end_io: the result and page-cache invalidation. */
function completeResult(dio: IomapDio, offset: number, ctx: ExecContext, endIoRet: number): number | KGen<number> {
  const iocb = dio.iocb;
  let ret = endIoRet;
  if (ret === 0) {
    ret = dio.size;
    // check for short read
    if (offset + ret > dio.iSize && !(dio.flags & IOMAP_DIO_WRITE)) ret = Math.max(0, dio.iSize - offset);
  }
  if (!dio.error && dio.size && dio.flags & IOMAP_DIO_WRITE && !dio.policy.skipInvalidate(dio)) {
    // (no generator when there are no cached pages: it returns at once)
    if (iocb.kiFilp.fMapping.nrpages !== 0) return completeAfterInvalidate(dio, ctx, ret);
  }
  return completeEnd(dio, ctx, ret);
}

function* completeAfterInvalidate(dio: IomapDio, ctx: ExecContext, ret: number): KGen<number> {
  yield* kiocbInvalidatePostDirectWrite(dio.iocb, dio.size);
  const r = completeEnd(dio, ctx, ret);
  return typeof r === 'number' ? r : yield* r;
}

/** The end of iomap_dio_complete(): inode_dio_end, ki_pos, generic_write_sync and done_before. */
function completeEnd(dio: IomapDio, ctx: ExecContext, result: number): number | KGen<number> {
  let ret = result;
  inodeDioEnd(dio.inode, dio);
  if (ret > 0) {
    dio.iocb.kiPos += ret;
    // If this is a DSYNC write, make sure we push it to stable storage now that we've written data.
    if (dio.flags & IOMAP_DIO_NEED_SYNC) return completeAfterSync(dio, ctx, ret);
    ret += dio.doneBefore;
  }
  completeTrace(dio, ctx, ret);
  return ret;
}

function* completeAfterSync(dio: IomapDio, ctx: ExecContext, count: number): KGen<number> {
  let ret = yield* genericWriteSync(dio.iocb, count);
  if (ret > 0) ret += dio.doneBefore;
  completeTrace(dio, ctx, ret);
  return ret;
}

function completeTrace(dio: IomapDio, ctx: ExecContext, ret: number): void {
  const sim = dio.fs.sim;
  if (sim.tracing) {
    sim.trace('iomap_dio_complete', { ino: dio.inode.iIno, dio: dio.id, ret, ctx: ctx.kind, via: dio.via });
    sim.traceFlow('f', dio.id, 'dio');
  }
}

// fs/iomap/direct-io.c: iomap_dio_complete_work()
/** Complete and report through ki_complete: what the workqueue item and the inline path run. */
export function* iomapDioCompleteWork(dio: IomapDio): KGen<void> {
  const g = iomapDioCompleteWorkNow(dio);
  if (g !== null) yield* g;
}

/** {@link iomapDioCompleteWork} as a plain call: null when finished without yielding, else the generator that finishes it. */
export function iomapDioCompleteWorkNow(dio: IomapDio): KGen<void> | null {
  const r = iomapDioCompleteNow(dio);
  if (typeof r !== 'number') return completeWorkAfter(dio, r);
  return completeWorkReport(dio, r);
}

function* completeWorkAfter(dio: IomapDio, g: KGen<number>): KGen<void> {
  const ret = yield* g;
  const g2 = completeWorkReport(dio, ret);
  if (g2 !== null) yield* g2;
}

/** The ki_complete call that ends iomap_dio_complete_work(). */
function completeWorkReport(dio: IomapDio, ret: number): KGen<void> | null {
  const iocb = dio.iocb;
  const kc = iocb.kiComplete;
  if (kc === null) throw new Error('iomap_dio_complete_work on a sync kiocb');
  return kiCompleteNow(kc, iocb, ret);
}

// fs/iomap/direct-io.c: iomap_dio_deferred_complete()
/** The `dio_complete` callback handed to an IOCB_DIO_CALLER_COMP issuer. */
export function iomapDioDeferredComplete(priv: unknown): KGen<number> {
  return iomapDioComplete(priv as IomapDio);
}

// mm/filemap.c: kiocb_invalidate_post_direct_write()
/** Drop cached pages the write covered; takes page locks, so it may sleep (task context only when pages exist). */
export function* kiocbInvalidatePostDirectWrite(iocb: Kiocb, count: number): KGen<void> {
  const mapping = iocb.kiFilp.fMapping;
  if (mapping.nrpages === 0) return;
  mightSleep('invalidate_inode_pages2_range() takes page locks');
  const n = mapping.invalidateRange(iocb.kiPos, count);
  yield 200 * Math.max(1, n);
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
