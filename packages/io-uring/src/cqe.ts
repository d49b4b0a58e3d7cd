/**
 * Posting CQEs: the CQ ring, the overflow list (IORING_FEAT_NODROP: nothing
 * is lost), batched completion flushes, and waking CQ waiters.
 * @module
 */
import { charge, clearArray } from '@dio/sim';
import type { CqWaiter, IoRingCtx } from './ctx';
import type { IoKiocb } from './req';
import { IORING_SQ_CQ_OVERFLOW } from './uapi';

// io_uring/io_uring.c: io_fill_cqe_req() / io_cqring_event_overflow()
/** Post one CQE; if the CQ ring is full, keep it on the overflow list (flushed later, in order). */
export function postCqe(ctx: IoRingCtx, userData: bigint, res: number, flags: number): void {
  const c = { userData, res, flags };
  ctx.stats.cqesPosted++;
  if (ctx.overflowList.length === 0 && ctx.cq.push(c)) return;
  ctx.overflowList.push(c);
  ctx.stats.cqesOverflowed++;
  ctx.sq.flags |= IORING_SQ_CQ_OVERFLOW;
}

// io_uring/io_uring.c: __io_cqring_overflow_flush()
/** Move overflowed CQEs into the ring as room allows. */
export function overflowFlush(ctx: IoRingCtx): void {
  while (ctx.overflowList.length > 0 && ctx.cq.space > 0) ctx.cq.push(ctx.overflowList.shift() as { userData: bigint; res: number; flags: number });
  if (ctx.overflowList.length === 0) ctx.sq.flags &= ~IORING_SQ_CQ_OVERFLOW;
}

/** Post a request's CQE (io_req_complete_post's posting part). */
export function postReq(ctx: IoRingCtx, req: IoKiocb): void {
  if (req.copyOut !== null && req.cqe.res > 0) req.copyOut();
  req.copyOut = null;
  postCqe(ctx, req.userData, req.cqe.res, req.cqe.flags);
  const sim = ctx.sim;
  if (sim.tracing) {
    sim.trace('io_uring_complete', { req: req.id, user_data: req.userData.toString(), res: req.cqe.res });
    sim.traceSpan('e', req.id, `io ${req.id}`);
  }
}

// io_uring/io_uring.c: __io_submit_flush_completions()
/** Post every batched completion, then wake CQ waiters (not needed with DEFER_TASKRUN: only the submitter waits). */
export function flushCompletions(ctx: IoRingCtx): void {
  const reqs = ctx.complReqs;
  const n = reqs.length;
  if (n === 0) return;
  for (let i = 0; i < n; i++) {
    charge(ctx.sim.costs.ioUringCqe); // read per CQE: a read names the next spend for stage accounting
    postReq(ctx, reqs[i] as IoKiocb);
  }
  clearArray(reqs);
  if (!ctx.deferTaskrun) cqringWake(ctx);
}

/** io_should_wake(): enough CQEs for this waiter. */
export function shouldWake(ctx: IoRingCtx, w: CqWaiter): boolean {
  return ctx.cq.tail - w.cqTail >= 0;
}

/** io_has_work(): overflowed CQEs or local task_work to run. */
export function hasWork(ctx: IoRingCtx): boolean {
  return ctx.overflowList.length > 0 || ctx.workList.length > 0;
}

// io_uring/io_uring.c: io_cqring_wake() → io_wake_function()
/** Wake waiters whose condition holds (the wake function checks before waking). */
export function cqringWake(ctx: IoRingCtx): void {
  if (ctx.cqWaiters.length === 0) return;
  const work = hasWork(ctx);
  for (let i = 0; i < ctx.cqWaiters.length; ) {
    const w = ctx.cqWaiters[i] as CqWaiter;
    if (work || shouldWake(ctx, w)) {
      if (i === ctx.cqWaiters.length - 1) ctx.cqWaiters.pop();
      else ctx.cqWaiters.splice(i, 1);
      w.wq.wakeUpAll();
    } else i++;
  }
}
