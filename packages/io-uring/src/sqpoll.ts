/**
 * io_uring/sqpoll.c: the SQPOLL kernel thread that submits for the
 * application, busy-polling the SQ ring until it idles out.
 * @module
 */
import { condResched, type KGen, shouldResched, taskWorkPending, taskWorkRun, waitEvent } from '@dio/sim';
import type { IoRingCtx } from './ctx';
import { submitSqes } from './submit';
import { IORING_SQ_NEED_WAKEUP } from './uapi';
import { iopollCheck } from './wait';

/** Spin cost of one empty SQPOLL loop iteration, ns. */
const SQPOLL_SPIN_NS = 200;

/** HZ in ns: the idle time io_sq_offload_create() gives a ring whose sq_thread_idle is 0 (one second). */
const SQ_THREAD_IDLE_DEFAULT_NS = 1_000_000_000;

// io_uring/sqpoll.c: io_sq_thread()
/**
 * Submit, reap IOPOLL completions and run task_work; spin while there was
 * work in the last `sq_thread_idle`, else set IORING_SQ_NEED_WAKEUP and sleep
 * until the application wakes it. `timeout` starts at 0, so a thread that
 * finds nothing to do on its first pass goes to sleep at once.
 */
function* sqThread(ctx: IoRingCtx): KGen<void> {
  // io_sq_offload_create(): sq_thread_idle 0 means HZ
  const idleNs = ctx.sqThreadIdleNs > 0 ? ctx.sqThreadIdleNs : SQ_THREAD_IDLE_DEFAULT_NS;
  let lastWork = -Infinity;
  for (;;) {
    if (ctx.dead) return;
    let did = false;
    if (ctx.sq.ready > 0) {
      yield* submitSqes(ctx, ctx.sq.ready);
      did = true;
    }
    if (ctx.iopoll && ctx.iopollList.length > 0) {
      yield* iopollCheck(ctx, 0);
      did = true;
    }
    const tw = taskWorkPending() ? yield* taskWorkRun() : 0;
    if (did || tw > 0) lastWork = ctx.sim.now;
    if (ctx.sim.now - lastWork < idleNs) {
      yield SQPOLL_SPIN_NS;
      if (shouldResched()) yield condResched;
      continue;
    }
    ctx.sq.flags |= IORING_SQ_NEED_WAKEUP;
    // it sleeps only with nothing to submit and nothing on the IOPOLL list (io_uring_enter's SQ_WAKEUP, or io-wq's io_iopoll_req_issued(), wakes it)
    yield* waitEvent(ctx.sqWakeup, () => ctx.sq.ready > 0 || ctx.dead || (ctx.iopoll && ctx.iopollList.length > 0), { state: 'S' });
    ctx.sq.flags &= ~IORING_SQ_NEED_WAKEUP;
    lastWork = ctx.sim.now;
  }
}

/** Start the ring's SQPOLL thread (pinned to `sq_thread_cpu` with SQ_AFF). */
export function startSqThread(ctx: IoRingCtx): void {
  const cpus = ctx.sqThreadCpu === null ? {} : { cpusAllowed: [ctx.sqThreadCpu] };
  ctx.sqThread = ctx.sim.spawn(`iou-sqp-${ctx.submitterTask.pid}`, sqThread(ctx), { kind: 'kthread', ...cpus });
}
