/**
 * Waiting for completions: io_cqring_wait (task_work, DEFER_TASKRUN local
 * work and LAZY_WAKE against min_complete) and io_iopoll_check (IOPOLL
 * rings reap by polling the device, no interrupts).
 * @module
 */
import { EINTR } from '@dio/kiocb';
import { condResched, currentTask, type KGen, shouldResched, taskWorkPending, taskWorkRun, wait } from '@dio/sim';
import { flushCompletions, overflowFlush, shouldWake } from './cqe';
import type { IoRingCtx } from './ctx';
import type { IoKiocb } from './req';
import { runLocalWork } from './tw';

/** How io_cqring_wait sleeps (TASK_INTERRUPTIBLE; one shared options object, not one per wait). */
const CQ_WAIT = { state: 'S' } as const;

// io_uring/io_uring.c: io_cqring_wait()
/** Sleep until `minEvents` CQEs are available (counting from the CQ head). Returns 0 or -EINTR. */
export function* cqringWait(ctx: IoRingCtx, minEvents: number): KGen<number> {
  if (ctx.workList.length > 0) yield* runLocalWork(ctx);
  if (taskWorkPending()) yield* taskWorkRun();
  overflowFlush(ctx);
  if (ctx.cq.ready >= minEvents) return 0;
  const me = currentTask();
  const w = ctx.cqWaiter(me, ctx.cq.head + minEvents);
  if (ctx.sim.tracing) ctx.sim.trace('io_uring_cqring_wait', { min_events: minEvents });
  for (;;) {
    overflowFlush(ctx);
    if (ctx.deferTaskrun) ctx.cqWaitNr = Math.max(1, w.cqTail - ctx.cq.tail);
    // io_cqring_wait_schedule(): don't sleep with work pending
    let woke: unknown = 'woken';
    if (!(ctx.workList.length > 0 || me.notifySignal || me.taskWorks.length > 0 || shouldWake(ctx, w))) {
      ctx.cqWaiters.push(w);
      woke = yield wait(w.wq, CQ_WAIT);
      const i = ctx.cqWaiters.indexOf(w); // finish_wait() (usually the only waiter: a pop, not a splice's array)
      if (i === ctx.cqWaiters.length - 1) ctx.cqWaiters.pop();
      else if (i >= 0) ctx.cqWaiters.splice(i, 1);
    }
    ctx.cqWaitNr = 0;
    // A 'signal' wake-up with task_work queued is TIF_NOTIFY_SIGNAL (task_work_add), not a signal:
    // look before running the work, which clears it.
    const notified = me.notifySignal || me.taskWorks.length > 0 || ctx.workList.length > 0;
    // Run task_work after scheduling and before io_should_wake().
    if (taskWorkPending()) yield* taskWorkRun();
    if (ctx.workList.length > 0) yield* runLocalWork(ctx);
    overflowFlush(ctx);
    if (shouldWake(ctx, w)) return 0;
    // a real signal (task_sigpending) interrupts the wait
    if (woke === 'signal' && !notified) return -EINTR;
    if (shouldResched()) yield condResched;
  }
}

// io_uring/rw.c: io_do_iopoll()
/** Poll the device for the oldest requests; reap the completed prefix. Returns CQEs produced. */
function* doIopoll(ctx: IoRingCtx): KGen<number> {
  const list = ctx.iopollList;
  for (const req of list) {
    if (req.iopollCompleted) break;
    const file = req.file;
    const poll = file?.fOp.iopoll;
    if (file === null || poll === undefined || req.kiocb === null) break;
    const r = yield* poll.call(file.fOp, req.kiocb);
    if (r < 0 || req.iopollCompleted) break;
    if (r > 0) break;
  }
  let n = 0;
  while (list.length > 0 && (list[0] as IoKiocb).iopollCompleted) {
    ctx.complReqs.push(list.shift() as IoKiocb);
    n++;
  }
  if (n > 0) flushCompletions(ctx);
  return n;
}

// io_uring/io_uring.c: io_iopoll_check()
/** IOPOLL rings: spin polling until `min` completions were reaped. */
export function* iopollCheck(ctx: IoRingCtx, min: number): KGen<number> {
  overflowFlush(ctx);
  if (ctx.cq.ready > 0) return 0;
  let nrEvents = 0;
  const me = currentTask();
  do {
    if (ctx.iopollList.length === 0) {
      const tail = ctx.cq.tail;
      if (taskWorkPending()) yield* taskWorkRun();
      if (ctx.workList.length > 0) yield* runLocalWork(ctx);
      if (tail !== ctx.cq.tail || ctx.iopollList.length === 0) break;
    }
    const r = yield* doIopoll(ctx);
    nrEvents += r;
    if (me.cpu.needResched) break;
    if (r === 0) yield ctx.sim.costs.userPerReap; // one poll loop iteration
  } while (nrEvents < min);
  return 0;
}
