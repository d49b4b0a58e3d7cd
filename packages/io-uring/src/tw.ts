/**
 * io_uring task_work: how a completion gets from bio end_io (IRQ,
 * kworker…) to the submitting task, in normal mode (task_work_add with
 * TWA_SIGNAL or TWA_SIGNAL_NO_IPI) and DEFER_TASKRUN mode (a local list run
 * only by the submitter inside io_uring_enter, with LAZY_WAKE batching).
 * @module
 */
import { charge, type KGen, type NestedSlice, type Task } from '@dio/sim';
import { flushCompletions, flushCompletionsNow } from './cqe';
import { type IoRingCtx, TwList } from './ctx';
import type { IoKiocb } from './req';
import { IORING_SQ_TASKRUN } from './uapi';

/** nr_tw for non-lazy adds: forces a wake-up (-1U). */
const NR_TW_FORCE = Number.MAX_SAFE_INTEGER;

// io_uring/io_uring.c: __io_req_task_work_add()
/** Queue `req.twFunc` to run in the request's task. `lazy` = IOU_F_TWQ_LAZY_WAKE. */
export function* reqTaskWorkAdd(req: IoKiocb, lazy: boolean): KGen<void> {
  const ctx = req.ctx;
  if (!charge(ctx.sim.costs.taskWorkAdd)) yield ctx.sim.costs.taskWorkAdd;
  if (ctx.deferTaskrun) localWorkAdd(ctx, req, lazy);
  else normalWorkAdd(ctx, req);
}

/**
 * {@link reqTaskWorkAdd} without a generator: false (having done nothing)
 * when its cost cannot be charged at once — then `yield* reqTaskWorkAdd()`.
 */
export function reqTaskWorkAddNow(req: IoKiocb, lazy: boolean): boolean {
  const ctx = req.ctx;
  if (!charge(ctx.sim.costs.taskWorkAdd)) return false;
  if (ctx.deferTaskrun) localWorkAdd(ctx, req, lazy);
  else normalWorkAdd(ctx, req);
  return true;
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
/** Run the task_work items from `i` on as a plain call: items run, or the generator that continues where it must yield and returns it. */
function runListNow(ctx: IoRingCtx, items: IoKiocb[], i: number): number | KGen<number> {
  for (; i < items.length; i++) {
    const cost = ctx.sim.costs.taskWorkRun; // read per item: a read names the next spend for stage accounting
    if (!charge(cost)) return runListAfterCharge(cost, ctx, items, i);
    const g = runItem(ctx, items[i] as IoKiocb);
    if (g !== null) return runListResume(g, ctx, items, i + 1);
  }
  return items.length;
}

/** One task_work item after its CPU cost: null when done, else the generator that finishes it. */
function runItem(ctx: IoRingCtx, r: IoKiocb): KGen<void> | null {
  ctx.stats.taskWorkItems++;
  const fn = r.twFunc;
  r.twFunc = null;
  return fn !== null ? fn(r) : null;
}

function* runListAfterCharge(cost: number, ctx: IoRingCtx, items: IoKiocb[], i: number): KGen<number> {
  yield cost;
  const g = runItem(ctx, items[i] as IoKiocb);
  if (g !== null) yield* g;
  const r = runListNow(ctx, items, i + 1);
  return typeof r === 'number' ? r : yield* r;
}

function* runListResume(g: KGen<void>, ctx: IoRingCtx, items: IoKiocb[], i: number): KGen<number> {
  yield* g;
  const r = runListNow(ctx, items, i);
  return typeof r === 'number' ? r : yield* r;
}

// io_uring/io_uring.c: tctx_task_work()
/** The task_work callback of normal mode: run this task's queued completions, then post their CQEs. */
export function* tctxTaskWork(ctx: IoRingCtx, task: Task): KGen<void> {
  const tw = ctx.taskLists.get(task);
  if (tw === undefined) return;
  while (tw.items.length > 0) {
    if (ctx.taskrunFlag) ctx.sq.flags &= ~IORING_SQ_TASKRUN;
    const batch = tw.take();
    const r = runListNow(ctx, batch, 0);
    if (typeof r !== 'number') yield* r;
    tw.done(batch);
    if (!flushCompletionsNow(ctx)) yield* flushCompletions(ctx);
  }
}

// io_uring/io_uring.c: io_run_local_work() / __io_run_local_work()
/**
 * DEFER_TASKRUN: run the ring's local work (submitter only). Returns items
 * run. With tracing on, the run is an `io_run_local_work` slice inside the
 * submitter's slice, with the number of items run.
 */
export function* runLocalWork(ctx: IoRingCtx): KGen<number> {
  const r = runLocalWorkNow(ctx);
  return typeof r === 'number' ? r : yield* r;
}

/** {@link runLocalWork} as a plain call: items run, or the generator that continues where it must yield and returns it. */
export function runLocalWorkNow(ctx: IoRingCtx): number | KGen<number> {
  const sim = ctx.sim;
  const span = sim.tracing ? sim.traceNestedBegin('io_run_local_work') : null;
  return localWorkLoop(ctx, span, 0);
}

/** The loop of __io_run_local_work(), `n` items run so far. */
function localWorkLoop(ctx: IoRingCtx, span: NestedSlice | null, n: number): number | KGen<number> {
  const work = ctx.localWork;
  while (work.items.length > 0) {
    if (ctx.taskrunFlag) ctx.sq.flags &= ~IORING_SQ_TASKRUN;
    const batch = work.take();
    const r = runListNow(ctx, batch, 0);
    if (typeof r !== 'number') return localWorkResume(r, batch, ctx, span, n);
    work.done(batch);
    n += r;
    if (!flushCompletionsNow(ctx)) return localWorkFlush(ctx, span, n);
  }
  if (span !== null) ctx.sim.traceNestedEnd(span, { items: n });
  return n;
}

function* localWorkResume(g: KGen<number>, batch: IoKiocb[], ctx: IoRingCtx, span: NestedSlice | null, n: number): KGen<number> {
  n += yield* g;
  ctx.localWork.done(batch);
  if (!flushCompletionsNow(ctx)) yield* flushCompletions(ctx);
  const r = localWorkLoop(ctx, span, n);
  return typeof r === 'number' ? r : yield* r;
}

function* localWorkFlush(ctx: IoRingCtx, span: NestedSlice | null, n: number): KGen<number> {
  yield* flushCompletions(ctx);
  const r = localWorkLoop(ctx, span, n);
  return typeof r === 'number' ? r : yield* r;
}
