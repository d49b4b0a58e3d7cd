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
import { IOU_ISSUE_SKIP_COMPLETE, IOU_OK, ioRwNow } from './rw';
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
} from './uapi';

const RW_OPS = new Set([IORING_OP_READ, IORING_OP_WRITE, IORING_OP_READV, IORING_OP_WRITEV, IORING_OP_READ_FIXED, IORING_OP_WRITE_FIXED]);
const WRITE_OPS = new Set([IORING_OP_WRITE, IORING_OP_WRITEV, IORING_OP_WRITE_FIXED]);
const FIXED_OPS = new Set([IORING_OP_READ_FIXED, IORING_OP_WRITE_FIXED]);
const EMULATED = new Set([...RW_OPS, IORING_OP_NOP, IORING_OP_FSYNC, IORING_OP_FALLOCATE]);
const IOPOLL_OPS = new Set([...RW_OPS, IORING_OP_NOP]);

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
  // Known to the kernel but not emulated here (sockets, timeouts, …): refused the same way.
  if (!EMULATED.has(sqe.opcode)) return -EINVAL;
  if (sqe.flags & ~IOSQE_SUPPORTED) return -EINVAL;
  // io_issue_defs[opcode].iopoll: an IOPOLL ring takes only pollable opcodes (rw and NOP)
  if (ctx.iopoll && !IOPOLL_OPS.has(sqe.opcode)) return -EINVAL;
  if (sqe.flags & IOSQE_ASYNC) req.flags |= REQ_F_FORCE_ASYNC;
  if (sqe.flags & IOSQE_FIXED_FILE) req.flags |= REQ_F_FIXED_FILE;
  if (sqe.opcode === IORING_OP_FSYNC) return fsyncPrep(req);
  if (RW_OPS.has(sqe.opcode)) {
    // io_prep_rw(): a fixed buffer index must name a registered buffer
    if (FIXED_OPS.has(sqe.opcode) && (ctx.fixedBufs === null || !Number.isInteger(sqe.bufIndex) || sqe.bufIndex < 0 || sqe.bufIndex >= ctx.fixedBufs.length)) return -EFAULT;
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

// io_uring/io_uring.c: io_issue_sqe()
/** Run the opcode. `nonblock` = IO_URING_F_NONBLOCK (inline issue). */
export function* issueSqe(req: IoKiocb, nonblock: boolean): KGen<number> {
  const r = issueSqeNow(req, nonblock);
  return typeof r === 'number' ? r : yield* r;
}

/** {@link issueSqe} as a plain call: the result, or the generator that continues where it must yield and returns it. */
function issueSqeNow(req: IoKiocb, nonblock: boolean): number | KGen<number> {
  if (!assignFile(req)) return -EBADF;
  const op = req.opcode;
  let ret: number;
  if (RW_OPS.has(op)) {
    const r = ioRwNow(req, WRITE_OPS.has(op), nonblock);
    if (typeof r !== 'number') return issueSqeAfter(r, req);
    ret = r;
  } else if (op === IORING_OP_FSYNC) return issueSqeAfter(ioFsync(req, nonblock), req);
  else if (op === IORING_OP_FALLOCATE) return issueSqeAfter(ioFallocate(req, nonblock), req);
  else {
    req.cqe.res = 0;
    ret = IOU_OK;
  }
  return issueSqeEnd(req, ret);
}

function* issueSqeAfter(g: KGen<number>, req: IoKiocb): KGen<number> {
  return issueSqeEnd(req, yield* g);
}

/** The end of io_issue_sqe(): an IOPOLL request that was queued goes on the poll list. */
function issueSqeEnd(req: IoKiocb, ret: number): number {
  if (ret === IOU_ISSUE_SKIP_COMPLETE && req.ctx.iopoll && RW_OPS.has(req.opcode)) req.ctx.iopollList.push(req);
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
/** As a plain call: null when done, else the generator that finishes it. */
function queueSqeNow(req: IoKiocb): KGen<void> | null {
  const ctx = req.ctx;
  if (req.flags & REQ_F_FORCE_ASYNC) {
    iowq(ctx).enqueue(req);
    return null;
  }
  const ret = issueSqeNow(req, true);
  if (typeof ret !== 'number') return queueSqeAfter(ret, req);
  queueSqeResult(req, ret);
  return null;
}

function* queueSqeAfter(g: KGen<number>, req: IoKiocb): KGen<void> {
  queueSqeResult(req, yield* g);
}

/** io_queue_sqe() after the inline issue: complete, leave queued, or punt to io-wq. */
function queueSqeResult(req: IoKiocb, ret: number): void {
  const ctx = req.ctx;
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
  const r = submitSqesNow(ctx, nr);
  return typeof r === 'number' ? r : yield* r;
}

/** {@link submitSqes} as a plain call: SQEs consumed, or the generator that continues where it must yield and returns them. */
export function submitSqesNow(ctx: IoRingCtx, nr: number): number | KGen<number> {
  const entries = Math.min(nr, ctx.sq.ready);
  if (entries <= 0) return 0;
  return submitLoop(ctx, entries, 0);
}

/** submitOne()'s answer when a bad SQE ends the batch. */
const SUBMIT_STOP = 1;

/** The io_submit_sqes() loop, `done` of `entries` SQEs already consumed. */
function submitLoop(ctx: IoRingCtx, entries: number, done: number): number | KGen<number> {
  const task = currentTask();
  const sim = ctx.sim;
  while (done < entries) {
    const slot = ctx.sq.sqes[ctx.sq.head & ctx.sq.mask] as IoKiocb['sqe'];
    ctx.sq.head++;
    done++;
    const req = new IoKiocb(ctx, { ...slot }, task);
    req.submittedAt = sim.now;
    ctx.stats.sqesSubmitted++;
    if (sim.tracing) {
      sim.traceSpan('b', req.id, `io ${req.id}`, { opcode: req.opcode, user_data: req.userData.toString() });
      sim.trace('io_uring_submit_req', { req: req.id, opcode: req.opcode });
    }
    const cost = sim.costs.ioUringIssue;
    if (!charge(cost)) return submitAfterCharge(cost, ctx, req, entries, done);
    const s = submitOne(ctx, req);
    if (s === SUBMIT_STOP) break;
    if (s !== null) return submitResume(s, ctx, entries, done);
  }
  return submitEnd(ctx, done);
}

/** One SQE after its issue cost: io_init_req, then io_queue_sqe. SUBMIT_STOP, null (go on), or the generator that finishes it. */
function submitOne(ctx: IoRingCtx, req: IoKiocb): typeof SUBMIT_STOP | KGen<void> | null {
  const err = initReq(ctx, req);
  if (err) {
    req.fail(err);
    ctx.complReqs.push(req);
    return ctx.flags & IORING_SETUP_SUBMIT_ALL ? null : SUBMIT_STOP;
  }
  return queueSqeNow(req);
}

function* submitAfterCharge(cost: number, ctx: IoRingCtx, req: IoKiocb, entries: number, done: number): KGen<number> {
  yield cost;
  const s = submitOne(ctx, req);
  const r = s === SUBMIT_STOP ? submitEnd(ctx, done) : s === null ? submitLoop(ctx, entries, done) : submitResume(s, ctx, entries, done);
  return typeof r === 'number' ? r : yield* r;
}

function* submitResume(g: KGen<void>, ctx: IoRingCtx, entries: number, done: number): KGen<number> {
  yield* g;
  const r = submitLoop(ctx, entries, done);
  return typeof r === 'number' ? r : yield* r;
}

/** io_submit_state_end(): post the completions batched during submission. */
function submitEnd(ctx: IoRingCtx, done: number): number {
  flushCompletions(ctx);
  return done;
}
