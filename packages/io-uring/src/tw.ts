/**
 * io_uring task_work: how a completion gets from bio end_io (IRQ,
 * kworker…) to the submitting task, in normal mode (task_work_add with
 * TWA_SIGNAL or TWA_SIGNAL_NO_IPI) and DEFER_TASKRUN mode (a local list run
 * only by the submitter inside io_uring_enter, with LAZY_WAKE batching).
 * @module
 */
import { charge, type KGen, type Task } from '@dio/sim';
import { flushCompletions } from './cqe';
import { type IoRingCtx, TwList } from './ctx';
import type { IoKiocb } from './req';
import { IORING_SQ_TASKRUN } from './uapi';

/** nr_tw for non-lazy adds: forces a wake-up (-1U). */
const NR_TW_FORCE = Number.MAX_SAFE_INTEGER;

// io_uring/io_uring.c: __io_req_task_work_add()
/** Queue `req.twFunc` to run in the request's task. `lazy` = IOU_F_TWQ_LAZY_WAKE. A plain call (any context). */
export function reqTaskWorkAdd(req: IoKiocb, lazy: boolean): void {
  const ctx = req.ctx;
  charge(ctx.sim.costs.taskWorkAdd);
  if (ctx.deferTaskrun) localWorkAdd(ctx, req, lazy);
  else normalWorkAdd(ctx, req);
}

// io_uring/io_uring.c: io_req_local_work_add()
function localWorkAdd(ctx: IoRingCtx, req: IoKiocb, lazy: boolean): void {
  const list = ctx.localWork.items;
  const n = list.length;
  const head = n > 0 ? list[n - 1] : undefined; // list[-1] on an empty list is a slow named-property miss, not an array read
  const nrTwPrev = head?.nrTw ?? 0;
  const nrTw = lazy ? nrTwPrev + 1 : NR_TW_FORCE;
  req.nrTw = nrTw;
  list.push(req);
  if (head === undefined && ctx.taskrunFlag) ctx.sq.flags |= IORING_SQ_TASKRUN;
  const nrWait = ctx.cqWaitNr;
  if (nrWait === 0) return; // no one is waiting
  if (nrWait > nrTw || nrTwPrev >= nrWait) return; // not enough, or an earlier add already woke it
  ctx.sim.wakeUpState(ctx.submitterTask, 'S');
}

// io_uring/io_uring.c: io_req_normal_work_add()
function normalWorkAdd(ctx: IoRingCtx, req: IoKiocb): void {
  let tw = ctx.taskLists.get(req.task);
  if (tw === undefined) {
    tw = new TwList();
    ctx.taskLists.set(req.task, tw);
  }
  const list = tw.items;
  list.push(req);
  if (list.length > 1) return; // task_work already pending
  if (ctx.taskrunFlag) ctx.sq.flags |= IORING_SQ_TASKRUN;
  const task = req.task;
  ctx.sim.taskWorkAdd(task, { name: 'tctx_task_work', fn: () => tctxTaskWork(ctx, task) }, ctx.notifyMethod);
}

// io_uring/io_uring.c: io_handle_tw_list()
/** Run a batch of task_work items in the task (an item may sleep: a handed-back dio completion). Returns items run. */
function* handleTwList(ctx: IoRingCtx, items: IoKiocb[]): KGen<number> {
  for (let i = 0; i < items.length; i++) {
    charge(ctx.sim.costs.taskWorkRun); // read per item: a read names the next spend for stage accounting
    const r = items[i] as IoKiocb;
    ctx.stats.taskWorkItems++;
    const fn = r.twFunc;
    r.twFunc = null;
    if (fn !== null) yield* fn(r);
  }
  return items.length;
}

// io_uring/io_uring.c: tctx_task_work()
/** The task_work callback of normal mode: run this task's queued completions, then post their CQEs. */
export function* tctxTaskWork(ctx: IoRingCtx, task: Task): KGen<void> {
  const tw = ctx.taskLists.get(task);
  if (tw === undefined) return;
  while (tw.items.length > 0) {
    if (ctx.taskrunFlag) ctx.sq.flags &= ~IORING_SQ_TASKRUN;
    const batch = tw.take();
    yield* handleTwList(ctx, batch);
    tw.done(batch);
    flushCompletions(ctx);
  }
}

// io_uring/io_uring.c: io_run_local_work() / __io_run_local_work()
/**
 * DEFER_TASKRUN: run the ring's local work (submitter only). Returns items
 * run. With tracing on, the run is an `io_run_local_work` slice inside the
 * submitter's slice, with the number of items run.
 */
export function* runLocalWork(ctx: IoRingCtx): KGen<number> {
  const sim = ctx.sim;
  const span = sim.tracing ? sim.traceNestedBegin('io_run_local_work') : null;
  const work = ctx.localWork;
  let n = 0;
  while (work.items.length > 0) {
    if (ctx.taskrunFlag) ctx.sq.flags &= ~IORING_SQ_TASKRUN;
    const batch = work.take();
    // each item's req->io_task_work.func, run here (io_handle_tw_list() is normal task_work's loop, not this one's)
    for (let i = 0; i < batch.length; i++) {
      charge(ctx.sim.costs.taskWorkRun);
      const r = batch[i] as IoKiocb;
      ctx.stats.taskWorkItems++;
      const fn = r.twFunc;
      r.twFunc = null;
      if (fn !== null) yield* fn(r);
    }
    n += batch.length;
    work.done(batch);
    flushCompletions(ctx);
  }
  if (span !== null) sim.traceNestedEnd(span, { items: n });
  return n;
}
