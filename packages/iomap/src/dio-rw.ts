/**
 * iomap_dio_rw: the entry point filesystems call from ->read_iter and
 * ->write_iter for O_DIRECT.
 * @module
 */
import { blkFinishPlugNow, blkStartPlug, type BlkPlug } from '@dio/blockdev';
import type { FsInode } from '@dio/fs';
import { IOMAP_DIRECT, IOMAP_NOWAIT, IOMAP_OVERWRITE_ONLY, IOMAP_WRITE } from '@dio/fs';
import { EAGAIN, EIOCBQUEUED, ENOTBLK, inodeDioBegin, IOCB_HIPRI, IOCB_NOWAIT, IOCB_WRITE, isSyncKiocb, type IovIter, type Kiocb, userBackedIter } from '@dio/kiocb';
import { charge, currentTask, type KGen, WaitQueue, waitEvent } from '@dio/sim';
import { iomapDioIterNow } from './bio-iter';
import { iomapDioComplete } from './complete';
import { type DioEndIo, IomapDio } from './dio';
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
function* kiocbInvalidatePages(iocb: Kiocb, count: number): KGen<number> {
  const mapping = iocb.kiFilp.fMapping;
  if (mapping.nrpages === 0) return 0;
  if (iocb.kiFlags & IOCB_NOWAIT) return -EAGAIN;
  const n = mapping.invalidateRange(iocb.kiPos, count);
  yield 200 * Math.max(1, n);
  return 0;
}

/** What __iomap_dio_rw() returns: the dio to complete, null (nothing to do) or a negative errno. */
type StartRes = IomapDio | number | null;

/** True when a `…Now` step of __iomap_dio_rw() handed back the generator that finishes it. */
function isGen(r: StartRes | KGen<StartRes>): r is KGen<StartRes> {
  return typeof r === 'object' && r !== null && !(r instanceof IomapDio);
}

// fs/iomap/direct-io.c: __iomap_dio_rw()
/**
 * Issue the dio. Returns the dio when the caller must complete it
 * (synchronous, or everything finished during submission), null when
 * nothing was to be done, or a negative errno (-EIOCBQUEUED when queued).
 */
export function* iomapDioRwStart(iocb: Kiocb, iter: IovIter, a: IomapDioArgs): KGen<StartRes> {
  const r = iomapDioRwStartNow(iocb, iter, a);
  return isGen(r) ? yield* r : r;
}

/** {@link iomapDioRwStart} as a plain call: its result, or the generator that continues where it must yield and returns it. */
function iomapDioRwStartNow(iocb: Kiocb, iter: IovIter, a: IomapDioArgs): StartRes | KGen<StartRes> {
  const fs = a.fs;
  const dioFlags = a.dioFlags ?? 0;
  const isWrite = (iocb.kiFlags & IOCB_WRITE) !== 0;
  const waitForCompletion = isSyncKiocb(iocb) || (dioFlags & IOMAP_DIO_FORCE_WAIT) !== 0;
  const count = iter.remaining;
  if (count === 0) return null;
  const cost = fs.sim.costs.iomapDioRw;
  if (!charge(cost)) return startAfterCharge(cost, iocb, iter, a, isWrite, waitForCompletion, count);
  return startCharged(iocb, iter, a, isWrite, waitForCompletion, count);
}

function* startAfterCharge(cost: number, iocb: Kiocb, iter: IovIter, a: IomapDioArgs, isWrite: boolean, wait: boolean, count: number): KGen<StartRes> {
  yield cost;
  const r = startCharged(iocb, iter, a, isWrite, wait, count);
  return isGen(r) ? yield* r : r;
}

/**
 * The walk of __iomap_dio_rw() over the file's mappings: its `struct
 * iomap_iter iomi` (pos, len, flags) plus what the end of the function needs.
 * One per dio, so the plain-call steps below and the generators that take
 * over where one must yield share it instead of passing it piece by piece.
 */
interface DioWalk {
  readonly dio: IomapDio;
  /** iomi.flags: IOMAP_DIRECT | IOMAP_WRITE | IOMAP_NOWAIT | IOMAP_OVERWRITE_ONLY */
  readonly flags: number;
  /** iomi.pos and iomi.len: where the walk is, and the bytes still to map. */
  pos: number;
  len: number;
  /** The whole request, for the trace. */
  readonly count: number;
  /** wait_for_completion */
  wait: boolean;
  plug: BlkPlug | null;
}

const isWriteDio = (dio: IomapDio): boolean => (dio.flags & IOMAP_DIO_WRITE) !== 0;

/** __iomap_dio_rw() after its CPU cost: allocate the dio and check the write, up to the invalidation. */
function startCharged(iocb: Kiocb, iter: IovIter, a: IomapDioArgs, isWrite: boolean, wait: boolean, count: number): StartRes | KGen<StartRes> {
  const fs = a.fs;
  const ino = iocb.kiFilp.fInode as FsInode;
  const dioFlags = a.dioFlags ?? 0;
  const dio = new IomapDio(iocb, ino, fs, a.policy, a.endIo, a.doneBefore ?? 0, iter, currentTask());
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
  }
  const w: DioWalk = { dio, flags: iomapFlags, pos: iocb.kiPos, len: count, count, wait, plug: null };
  // (no generator when the mapping has no cached pages: kiocbInvalidatePages returns 0 at once)
  if (isWrite && iocb.kiFilp.fMapping.nrpages !== 0) return startInvalidate(w);
  return startIssue(w);
}

function* startInvalidate(w: DioWalk): KGen<StartRes> {
  const r = yield* kiocbInvalidatePages(w.dio.iocb, w.count);
  if (r) return r === -EAGAIN ? r : -ENOTBLK;
  const s = startIssue(w);
  return isGen(s) ? yield* s : s;
}

/** __iomap_dio_rw() from the done workqueue on: begin the dio, plug, and walk the mappings. */
function startIssue(w: DioWalk): StartRes | KGen<StartRes> {
  const dio = w.dio;
  // 6.6: writes only; 6.19 (222f2c7c6d14): every async dio, since read errors complete in the workqueue too
  if (!w.wait && (isWriteDio(dio) || dio.policy.queuesReads === true)) dio.fs.sb.initDioDoneWq();
  inodeDioBegin(dio.inode, dio);
  w.plug = blkStartPlug();
  return issueLoop(w);
}

/** The iomap_iter() loop of __iomap_dio_rw() from w.pos, w.len bytes to go. */
function issueLoop(w: DioWalk): StartRes | KGen<StartRes> {
  const dio = w.dio;
  while (w.len > 0) {
    const m = dio.fs.iomapBeginNow(dio.inode, w.pos, w.len, w.flags);
    if (m === null) return loopBegin(w);
    if (typeof m === 'number') return issueEnd(w, m);
    const r = iomapDioIterNow(dio, m, w.pos, Math.min(w.len, m.length));
    if (typeof r !== 'number') return loopIter(w, r);
    const stop = extentDone(w, r);
    if (stop !== null) return issueEnd(w, stop);
  }
  return issueEnd(w, 0);
}

/** After one extent: advance, and return the result that ends the loop (an error, nothing done, or EOF of a read), or null to go on. */
function extentDone(w: DioWalk, processed: number): number | null {
  const dio = w.dio;
  // We can only poll for single bio I/Os.
  dio.iocb.kiFlags &= ~IOCB_HIPRI;
  if (processed <= 0) return processed;
  w.pos += processed;
  w.len -= processed;
  if (!isWriteDio(dio) && w.pos >= dio.iSize) return 0;
  return null;
}

function* loopBegin(w: DioWalk): KGen<StartRes> {
  const m = yield* w.dio.fs.iomapBegin(w.dio.inode, w.pos, w.len, w.flags);
  if (typeof m === 'number') {
    const e = issueEnd(w, m);
    return isGen(e) ? yield* e : e;
  }
  const r = iomapDioIterNow(w.dio, m, w.pos, Math.min(w.len, m.length));
  return yield* loopIter(w, typeof r === 'number' ? null : r, typeof r === 'number' ? r : 0);
}

/** The loop after an extent that had to yield (`g`, or already `processed`): stop, or go on with the next one. */
function* loopIter(w: DioWalk, g: KGen<number> | null, processed = 0): KGen<StartRes> {
  if (g !== null) processed = yield* g;
  const stop = extentDone(w, processed);
  const s = stop !== null ? issueEnd(w, stop) : issueLoop(w);
  return isGen(s) ? yield* s : s;
}

/** The end of __iomap_dio_rw(): unplug, settle the error, drop the submission reference, wait if synchronous. */
function issueEnd(w: DioWalk, ret: number): StartRes | KGen<StartRes> {
  const flush = w.plug === null ? null : blkFinishPlugNow(w.plug); // blk_finish_plug(): a generator only if a request must yield
  if (flush !== null) return issueEndAfterFlush(w, flush, ret);
  return issueDone(w, ret);
}

function* issueEndAfterFlush(w: DioWalk, flush: KGen<void>, ret: number): KGen<StartRes> {
  yield* flush;
  const s = issueDone(w, ret);
  return isGen(s) ? yield* s : s;
}

function issueDone(w: DioWalk, ret: number): StartRes | KGen<StartRes> {
  const dio = w.dio;
  const iocb = dio.iocb;
  let waitForCompletion = w.wait;
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
      const sim = dio.fs.sim;
      if (sim.tracing) sim.trace('iomap_dio_rw_queued', { ino: dio.inode.iIno, dio: dio.id, pos: iocb.kiPos, len: w.count });
      return -EIOCBQUEUED;
    }
    return waitSync(dio);
  }
  return dio;
}

function* waitSync(dio: IomapDio): KGen<StartRes> {
  dio.syncWq = new WaitQueue(`dio ${dio.id} completion`, () => [dio.owner]);
  // set_current_state(TASK_UNINTERRUPTIBLE); blk_io_schedule() until end_io clears submit.waiter
  yield* waitEvent(dio.syncWq, () => dio.submit.waiter === null, { state: 'D' });
  return dio;
}

// fs/iomap/direct-io.c: iomap_dio_rw()
/** Direct I/O: bytes transferred, -EIOCBQUEUED for queued async I/O, or a negative errno. */
export function* iomapDioRw(iocb: Kiocb, iter: IovIter, a: IomapDioArgs): KGen<number> {
  const r = iomapDioRwNow(iocb, iter, a);
  return typeof r === 'number' ? r : yield* r;
}

/** {@link iomapDioRw} as a plain call: the result, or the generator that continues where it must yield and returns it. */
export function iomapDioRwNow(iocb: Kiocb, iter: IovIter, a: IomapDioArgs): number | KGen<number> {
  const d = iomapDioRwStartNow(iocb, iter, a);
  return isGen(d) ? rwAfterStart(d) : rwComplete(d);
}

function* rwAfterStart(g: KGen<StartRes>): KGen<number> {
  const r = rwComplete(yield* g);
  return typeof r === 'number' ? r : yield* r;
}

/** iomap_dio_rw() after __iomap_dio_rw(): complete the dio it handed back. */
function rwComplete(dio: StartRes): number | KGen<number> {
  if (dio === null) return 0;
  if (typeof dio === 'number') return dio;
  return iomapDioComplete(dio);
}
