/**
 * io_uring/rw.c: READ/WRITE/READV/WRITEV/…_FIXED — import the buffer, set
 * up the kiocb, issue inline with IOCB_NOWAIT (or blocking from io-wq),
 * kiocb_done, and the completion callbacks.
 * @module
 */
import {
  EAGAIN,
  EBADF,
  EFAULT,
  EINVAL,
  EIOCBQUEUED,
  EOPNOTSUPP,
  FMODE_READ,
  FMODE_WRITE,
  IOCB_ALLOC_CACHE,
  IOCB_DIO_CALLER_COMP,
  IOCB_DIRECT,
  IOCB_HIPRI,
  IOCB_NOWAIT,
  IOCB_WRITE,
  IovIter,
  Kiocb,
  kiocbSetRwFlags,
  O_NONBLOCK,
} from '@dio/kiocb';
import { currentCtx, type KGen } from '@dio/sim';
import type { IoKiocb } from './req';
import { REQ_F_CUR_POS, REQ_F_ISREG, REQ_F_NOWAIT, REQ_F_REISSUE } from './req';
import { reqTaskWorkAdd } from './tw';
import { IORING_OP_READ_FIXED, IORING_OP_READV, IORING_OP_WRITE_FIXED, IORING_OP_WRITEV } from './uapi';

/** IOU_OK: complete the request with cqe.res now. */
export const IOU_OK = 0;
/** IOU_ISSUE_SKIP_COMPLETE: the request completes later (the kernel reuses -EIOCBQUEUED). */
export const IOU_ISSUE_SKIP_COMPLETE = -EIOCBQUEUED;
/** MAX_RW_COUNT: INT_MAX rounded down to a page. */
const MAX_RW_COUNT = 0x7ffff000;
const UIO_MAXIOV = 1024;

// io_uring/rw.c: io_import_iovec() / io_import_fixed()
function importIter(req: IoKiocb): IovIter | number {
  const sqe = req.sqe;
  const ctx = req.ctx;
  if (sqe.opcode === IORING_OP_READV || sqe.opcode === IORING_OP_WRITEV) {
    const iov = sqe.iovecs;
    if (iov === null || sqe.len !== iov.length) return -EFAULT;
    if (sqe.len > UIO_MAXIOV) return -EINVAL;
    let total = 0;
    for (const v of iov) {
      if (v.addr < 0 || v.len < 0 || (v.buf !== null && v.buf.length < v.len)) return -EFAULT;
      total += v.len;
    }
    // One iov_iter over the concatenation; iov_iter_alignment() ORs every segment address and length.
    let align = 0;
    for (const v of iov) align |= v.addr | v.len;
    const segs = iov.every((v) => v.buf !== null) ? iov.map((v) => (v.buf as Uint8Array).subarray(0, v.len)) : null;
    const bufs = segs === null ? null : concat(segs);
    // READV: the data lands in the bounce buffer; scatter it to the user's segments before the CQE is posted
    if (segs !== null && bufs !== null && sqe.opcode === IORING_OP_READV) req.copyOut = () => scatter(bufs, segs);
    return new IovIter('ITER_IOVEC', bufs, Math.min(total, MAX_RW_COUNT), align);
  }
  if (sqe.opcode === IORING_OP_READ_FIXED || sqe.opcode === IORING_OP_WRITE_FIXED) {
    const bufs = ctx.fixedBufs;
    if (bufs === null || sqe.bufIndex < 0 || sqe.bufIndex >= bufs.length) return -EFAULT;
    const imu = bufs[sqe.bufIndex] as { addr: number; buf: Uint8Array | null; len: number };
    if (sqe.addr < imu.addr || sqe.addr + sqe.len > imu.addr + imu.len) return -EFAULT;
    const off = sqe.addr - imu.addr;
    return new IovIter('ITER_BVEC', imu.buf?.subarray(off, off + sqe.len) ?? null, sqe.len, sqe.addr);
  }
  if (sqe.addr < 0 || sqe.len < 0 || (sqe.buf !== null && sqe.buf.length < sqe.len)) return -EFAULT;
  return IovIter.ubuf(sqe.buf, Math.min(sqe.len, MAX_RW_COUNT), sqe.addr);
}

function scatter(from: Uint8Array, to: readonly Uint8Array[]): void {
  let o = 0;
  for (const p of to) {
    p.set(from.subarray(o, o + p.length));
    o += p.length;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// io_uring/rw.c: io_rw_init_file()
function rwInitFile(req: IoKiocb, mode: number): number {
  const file = req.file;
  if (file === null) return -EBADF;
  if (!(mode === FMODE_WRITE ? file.writable : file.readable)) return -EBADF;
  let k = req.kiocb;
  if (k === null) {
    const sqe = req.sqe;
    k = new Kiocb(file, sqe.off, null);
    k.kiIoprio = sqe.ioprio;
    k.owner = req;
    k.kiTask = req.task;
    const e = kiocbSetRwFlags(k, sqe.opFlags);
    if (e < 0) return e;
    k.kiFlags |= IOCB_ALLOC_CACHE;
    if (k.kiFlags & IOCB_NOWAIT || file.fFlags & O_NONBLOCK) req.flags |= REQ_F_NOWAIT;
    if (req.ctx.iopoll) {
      if (!(k.kiFlags & IOCB_DIRECT) || file.fOp.iopoll === undefined) return -EOPNOTSUPP;
      k.kiFlags |= IOCB_HIPRI;
      k.kiComplete = ioCompleteRwIopoll;
      req.iopollCompleted = false;
    } else {
      if (k.kiFlags & IOCB_HIPRI) return -EINVAL;
      k.kiComplete = ioCompleteRw;
    }
    req.kiocb = k;
  }
  return 0;
}

// io_uring/rw.c: io_read() / io_write()
/** Issue a read or write. Returns IOU_OK, IOU_ISSUE_SKIP_COMPLETE, -EAGAIN (punt to io-wq) or another negative errno. */
export function* ioRw(req: IoKiocb, isWrite: boolean, nonblock: boolean): KGen<number> {
  if (req.iter === null) {
    const it = importIter(req);
    if (typeof it === 'number') return it;
    req.iter = it;
  }
  const iter = req.iter;
  const e = rwInitFile(req, isWrite ? FMODE_WRITE : FMODE_READ);
  if (e) return e;
  const k = req.kiocb as Kiocb;
  const file = req.file as NonNullable<IoKiocb['file']>;
  req.cqe.res = iter.remaining;
  const start = iter.offset;
  if (nonblock) {
    // If the file doesn't support async, just async punt; buffered regular files punt too.
    if (!file.supportsNowait || !(k.kiFlags & IOCB_DIRECT)) return -EAGAIN;
    k.kiFlags |= IOCB_NOWAIT;
  } else k.kiFlags &= ~IOCB_NOWAIT;
  // io_kiocb_update_pos(): ki_pos == -1 means the file position (a reissue keeps the position it already has)
  if (k.kiPos === -1) {
    req.flags |= REQ_F_CUR_POS;
    k.kiPos = file.fPos;
  }
  if (k.kiPos < 0) return -EINVAL; // rw_verify_area()
  req.flags |= REQ_F_ISREG;
  const fop = file.fOp;
  let ret: number;
  if (!isWrite) ret = yield* fop.readIter(k, iter);
  else {
    k.kiFlags |= IOCB_WRITE;
    // 6.6-rc1 (099ada2c8726): non-polled writes accept completions handed back to the task
    if (req.ctx.issuer.setsCallerComp && !(k.kiFlags & IOCB_HIPRI)) k.kiFlags |= IOCB_DIO_CALLER_COMP;
    ret = yield* fop.writeIter(k, iter);
  }
  if (req.flags & REQ_F_REISSUE) {
    req.flags &= ~REQ_F_REISSUE;
    ret = -EAGAIN;
  }
  if (ret === -EOPNOTSUPP && k.kiFlags & IOCB_NOWAIT) ret = -EAGAIN;
  if (ret === -EAGAIN && req.flags & REQ_F_NOWAIT) return kiocbDone(req, ret);
  if (!nonblock || ret !== -EAGAIN) {
    if (ret === -EAGAIN && req.ctx.iopoll) return punt(req, iter, start);
    if (ret !== req.cqe.res && ret >= 0 && isWrite) {
      // Short write: the rest continues in io-wq, and bytes_done remembers what was written.
      req.bytesDone += ret;
      if (req.ctx.sim.tracing) req.ctx.sim.trace('io_uring_short_write', { req: req.id, wanted: req.cqe.res, got: ret });
      return -EAGAIN;
    }
    return kiocbDone(req, ret);
  }
  return punt(req, iter, start);
}

/** copy_iov: restore the iterator and return -EAGAIN so the request is punted. */
function punt(req: IoKiocb, iter: IovIter, start: number): number {
  iter.revert(iter.offset - start);
  return -EAGAIN;
}

/** io_fixup_rw_res(): add bytes done by earlier partial attempts. */
function fixupRwRes(req: IoKiocb, res: number): number {
  if (req.bytesDone > 0) return res < 0 ? req.bytesDone : res + req.bytesDone;
  return res;
}

// io_uring/rw.c: io_rw_should_reissue()
/**
 * Never for RWF_NOWAIT / O_NONBLOCK requests; otherwise only from the
 * submitting task itself, in task context (not an io-wq worker, not IRQ).
 * IOPOLL requests are not reissued here (modelling choice: the poll loop has
 * no reissue path in this model).
 */
function shouldReissue(req: IoKiocb): boolean {
  if (req.flags & REQ_F_NOWAIT) return false;
  const c = currentCtx();
  return c.kind === 'task' && c.task === req.task && !req.ctx.iopoll;
}

// io_uring/rw.c: __io_complete_rw_common()
function completeRwCommon(req: IoKiocb, res: number): boolean {
  if (res !== req.cqe.res) {
    if ((res === -EAGAIN || res === -EOPNOTSUPP) && shouldReissue(req)) {
      req.flags |= REQ_F_REISSUE;
      return true;
    }
    req.fail(res);
  }
  return false;
}

// io_uring/rw.c: kiocb_done()
/** Finish the issue: complete inline (IOU_OK), through ki_complete (io_rw_done), or later; a reissue goes back to -EAGAIN. */
function kiocbDone(req: IoKiocb, ret: number): number {
  const k = req.kiocb as Kiocb;
  const finalRet = fixupRwRes(req, ret);
  if (ret >= 0 && req.flags & REQ_F_CUR_POS && req.file) req.file.fPos = k.kiPos;
  if (ret >= 0 && k.kiComplete === ioCompleteRw) {
    if (!completeRwCommon(req, ret)) {
      req.cqe.res = finalRet;
      req.ctx.stats.inlineCompletions++;
      return IOU_OK;
    }
  } else if (ret !== -EIOCBQUEUED) {
    // io_rw_done()
    (k.kiComplete as NonNullable<Kiocb['kiComplete']>)(k, ret);
  }
  if (req.flags & REQ_F_REISSUE) {
    req.flags &= ~REQ_F_REISSUE;
    req.iter?.revert(req.iter.offset);
    return -EAGAIN;
  }
  return IOU_ISSUE_SKIP_COMPLETE;
}

// io_uring/rw.c: io_complete_rw() (the kiocb's ki_complete, in bio completion context)
/** ki_complete of non-polled requests: set the result (unless the completion was handed back) and queue task_work. */
export function ioCompleteRw(kiocb: Kiocb, res: number): void {
  const req = kiocb.owner as IoKiocb;
  if (kiocb.dioComplete === null || !(kiocb.kiFlags & IOCB_DIO_CALLER_COMP)) {
    if (completeRwCommon(req, res)) return;
    req.cqe.res = fixupRwRes(req, res);
  }
  req.twFunc = ioReqRwComplete;
  reqTaskWorkAdd(req, true);
}

// io_uring/rw.c: io_req_rw_complete() (task_work)
/** Runs in the submitter's task: a handed-back dio completion runs here (it may sleep), then the request completes. */
export function* ioReqRwComplete(req: IoKiocb): KGen<void> {
  const k = req.kiocb as Kiocb;
  const dc = k.dioComplete;
  if (k.kiFlags & IOCB_DIO_CALLER_COMP && dc !== null) {
    k.dioComplete = null;
    const res = yield* dc(k.private);
    req.cqe.res = fixupRwRes(req, res);
  }
  req.ctx.complReqs.push(req); // io_req_task_complete → io_req_complete_defer
}

// io_uring/rw.c: io_complete_rw_iopoll()
/** ki_complete of IOPOLL requests: record the result; the poller reaps it. */
export function ioCompleteRwIopoll(kiocb: Kiocb, res: number): void {
  const req = kiocb.owner as IoKiocb;
  if (res !== req.cqe.res) {
    if (res === -EAGAIN && shouldReissue(req)) {
      req.flags |= REQ_F_REISSUE;
      return;
    }
    req.cqe.res = res;
  } else req.cqe.res = fixupRwRes(req, res);
  req.iopollCompleted = true;
}
