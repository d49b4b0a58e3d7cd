/**
 * Submission: io_submit_sqes → io_init_req (SQE validation, CQE errors) →
 * io_issue_sqe (inline, non-blocking) → io-wq punt on -EAGAIN.
 * @module
 */
import { EAGAIN, EBADF, EFAULT, EINVAL } from '@dio/kiocb';
import { charge, currentTask, type KGen } from '@dio/sim';
import { flushCompletions } from './cqe';
import type { IoRingCtx } from './ctx';
import { IoWq } from './iowq';
import { fsyncPrep, ioFallocate, ioFsync } from './ops';
import { IoKiocb, REQ_F_FIXED_FILE, REQ_F_FORCE_ASYNC, REQ_F_NOWAIT } from './req';
import { IOU_ISSUE_SKIP_COMPLETE, IOU_OK, ioRw } from './rw';
import {
  IORING_OP_FALLOCATE,
  IORING_OP_FSYNC,
  IORING_OP_LAST,
  IORING_OP_NOP,
  IORING_OP_READ,
  IORING_OP_READ_FIXED,
  IORING_OP_READV,
  IORING_OP_WRITE,
  IORING_OP_WRITE_FIXED,
  IORING_OP_WRITEV,
  IORING_SETUP_SUBMIT_ALL,
  IOSQE_ASYNC,
  IOSQE_FIXED_FILE,
  IOSQE_SUPPORTED,
  copySqe,
} from './uapi';

// io_uring/opdef.c: io_issue_defs[] — the part of each opcode's entry this model reads, as flag bits
/** Emulated here (others known to the kernel are refused with -EINVAL). */
const DEF_EMULATED = 1 << 0;
/** A read or write (io_read / io_write). */
const DEF_RW = 1 << 1;
/** A write. */
const DEF_WRITE = 1 << 2;
/** Takes a registered buffer (READ_FIXED / WRITE_FIXED). */
const DEF_FIXED = 1 << 3;
/** `.iopoll`: allowed on an IOPOLL ring. */
const DEF_IOPOLL = 1 << 4;

/** io_issue_defs[opcode], indexed by opcode (0 for the opcodes not emulated). */
const ISSUE_DEFS: Uint8Array = (() => {
  const d = new Uint8Array(IORING_OP_LAST);
  const rw = DEF_EMULATED | DEF_RW | DEF_IOPOLL;
  d[IORING_OP_NOP] = DEF_EMULATED | DEF_IOPOLL;
  d[IORING_OP_READV] = rw;
  d[IORING_OP_WRITEV] = rw | DEF_WRITE;
  d[IORING_OP_FSYNC] = DEF_EMULATED;
  d[IORING_OP_READ_FIXED] = rw | DEF_FIXED;
  d[IORING_OP_WRITE_FIXED] = rw | DEF_WRITE | DEF_FIXED;
  d[IORING_OP_FALLOCATE] = DEF_EMULATED;
  d[IORING_OP_READ] = rw;
  d[IORING_OP_WRITE] = rw | DEF_WRITE;
  return d;
})();

// io_uring/io_uring.c: io_init_req() (with each opcode's ->prep)
/**
 * Validate an SQE. Returns 0 or the negative errno its CQE carries; a
 * failure here stops the submission batch (unless SUBMIT_ALL). The file is
 * not looked up here: that happens at issue (io_assign_file), so a bad fd
 * fails only its own SQE.
 */
function initReq(ctx: IoRingCtx, req: IoKiocb): number {
  const sqe = req.sqe;
  if (!Number.isInteger(sqe.opcode) || sqe.opcode < 0 || sqe.opcode >= IORING_OP_LAST) return -EINVAL;
  const def = ISSUE_DEFS[sqe.opcode] as number;
  // Known to the kernel but not emulated here (sockets, timeouts, …): refused the same way.
  if (!(def & DEF_EMULATED)) return -EINVAL;
  if (sqe.flags & ~IOSQE_SUPPORTED) return -EINVAL;
  // io_issue_defs[opcode].iopoll: an IOPOLL ring takes only pollable opcodes (rw and NOP)
  if (ctx.iopoll && !(def & DEF_IOPOLL)) return -EINVAL;
  if (sqe.flags & IOSQE_ASYNC) req.flags |= REQ_F_FORCE_ASYNC;
  if (sqe.flags & IOSQE_FIXED_FILE) req.flags |= REQ_F_FIXED_FILE;
  if (sqe.opcode === IORING_OP_FSYNC) return fsyncPrep(req);
  if (def & DEF_RW) {
    // io_prep_rw(): a fixed buffer index must name a registered buffer
    if (def & DEF_FIXED && (ctx.fixedBufs === null || !Number.isInteger(sqe.bufIndex) || sqe.bufIndex < 0 || sqe.bufIndex >= ctx.fixedBufs.length)) return -EFAULT;
    if (!Number.isSafeInteger(sqe.off) || sqe.off < -1) return -EINVAL;
  }
  return 0;
}

// io_uring/io_uring.c: io_assign_file() → io_file_get_fixed() / io_file_get_normal()
/** Resolve the request's file once, at first issue. False means -EBADF. */
function assignFile(req: IoKiocb): boolean {
  if (req.file !== null || req.opcode === IORING_OP_NOP) return true;
  const ctx = req.ctx;
  const fd = req.sqe.fd;
  if (req.flags & REQ_F_FIXED_FILE) {
    const tbl = ctx.fixedFiles;
    const f = tbl !== null && Number.isInteger(fd) && fd >= 0 && fd < tbl.length ? tbl[fd] : null;
    req.file = f ?? null;
  } else req.file = ctx.files.get(fd) ?? null;
  return req.file !== null;
}

// io_uring/io_uring.c: io_iopoll_req_issued()
/**
 * Put a queued IOPOLL request on the poll list: at the tail, or at the head
 * if it already completed ("for fast devices, IO may have already
 * completed. If it has, add it to the front so we find it first"):
 * io_do_iopoll() reaps only the completed prefix of the list, so at the tail
 * it would wait behind every older request still in flight. From io-wq on an
 * SQPOLL ring it wakes the SQ thread, which does the polling there.
 */
function iopollReqIssued(req: IoKiocb, unlocked: boolean): void {
  const ctx = req.ctx;
  const list = ctx.iopollList;
  if (req.iopollCompleted) list.unshift(req);
  else list.push(req);
  // issued from io-wq (IO_URING_F_UNLOCKED) on an SQPOLL ring: the SQ thread may be asleep, and it is the one that polls
  if (unlocked && ctx.sqpoll) ctx.sqWakeup.wakeUpAll();
}

// io_uring/io_uring.c: io_issue_sqe()
/** Run the opcode. `nonblock` = IO_URING_F_NONBLOCK (inline issue: the opcode never sleeps then). */
export function* issueSqe(req: IoKiocb, nonblock: boolean): KGen<number> {
  if (!assignFile(req)) return -EBADF;
  const op = req.opcode;
  const def = ISSUE_DEFS[op] as number;
  let ret: number;
  if (def & DEF_RW) ret = yield* ioRw(req, (def & DEF_WRITE) !== 0, nonblock);
  else if (op === IORING_OP_FSYNC) ret = yield* ioFsync(req, nonblock);
  else if (op === IORING_OP_FALLOCATE) ret = yield* ioFallocate(req, nonblock);
  else {
    req.cqe.res = 0;
    ret = IOU_OK;
  }
  // an IOPOLL request that was queued goes on the poll list
  if (ret === IOU_ISSUE_SKIP_COMPLETE && req.ctx.iopoll && def & DEF_RW) iopollReqIssued(req, !nonblock);
  return ret;
}

/** The ring's io-wq, created on first punt. */
function iowq(ctx: IoRingCtx): IoWq {
  if (ctx.iowq === null) {
    const task = ctx.submitterTask;
    ctx.iowq = new IoWq(ctx, (r) => issueSqe(r, false), Math.min(ctx.sq.entries, 4 * ctx.sim.cpus.length), task.cpusAllowed, task.pid);
  }
  return ctx.iowq;
}

// io_uring/io_uring.c: io_queue_sqe()
/** Issue inline (non-blocking), then complete, leave queued, or punt to io-wq. */
function* queueSqe(req: IoKiocb): KGen<void> {
  const ctx = req.ctx;
  if (req.flags & REQ_F_FORCE_ASYNC) {
    iowq(ctx).enqueue(req);
    return;
  }
  const ret = yield* issueSqe(req, true);
  if (ret === IOU_OK) ctx.complReqs.push(req);
  else if (ret === IOU_ISSUE_SKIP_COMPLETE) return;
  else if (ret === -EAGAIN && !(req.flags & REQ_F_NOWAIT)) iowq(ctx).enqueue(req); // io_queue_async → io-wq
  else {
    req.fail(ret);
    ctx.complReqs.push(req);
  }
}

// io_uring/io_uring.c: io_submit_sqes()
/** Consume up to `nr` SQEs. A bad SQE gets its error CQE and stops submission (unless SUBMIT_ALL). Returns SQEs consumed. */
export function* submitSqes(ctx: IoRingCtx, nr: number): KGen<number> {
  const entries = Math.min(nr, ctx.sq.ready);
  if (entries <= 0) return 0;
  const task = currentTask();
  const sim = ctx.sim;
  let done = 0;
  while (done < entries) {
    const slot = ctx.sq.sqes[ctx.sq.head & ctx.sq.mask] as IoKiocb['sqe'];
    ctx.sq.head++;
    done++;
    const req = new IoKiocb(ctx, copySqe(slot), task);
    req.submittedAt = sim.now;
    ctx.stats.sqesSubmitted++;
    if (sim.tracing) {
      sim.traceSpan('b', req.id, `io ${req.id}`, { opcode: req.opcode, user_data: req.userData.toString() });
      sim.trace('io_uring_submit_req', { req: req.id, opcode: req.opcode });
    }
    charge(sim.costs.ioUringIssue);
    // io_submit_sqe(): io_init_req, then io_queue_sqe
    const err = initReq(ctx, req);
    if (err) {
      req.fail(err);
      ctx.complReqs.push(req);
      if (ctx.flags & IORING_SETUP_SUBMIT_ALL) continue;
      break;
    }
    yield* queueSqe(req);
  }
  // io_submit_state_end(): post the completions batched during submission
  flushCompletions(ctx);
  return done;
}
