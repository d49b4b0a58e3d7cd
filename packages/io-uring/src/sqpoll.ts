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

// io_uring/sqpoll.c: io_sq_thread()
function* sqThread(ctx: IoRingCtx): KGen<void> {
  let lastWork = ctx.sim.now;
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
    if (ctx.sim.now - lastWork < ctx.sqThreadIdleNs) {
      yield SQPOLL_SPIN_NS;
      if (shouldResched()) yield condResched;
      continue;
    }
    ctx.sq.flags |= IORING_SQ_NEED_WAKEUP;
    yield* waitEvent(ctx.sqWakeup, () => ctx.sq.ready > 0 || ctx.dead, { state: 'S' });
    ctx.sq.flags &= ~IORING_SQ_NEED_WAKEUP;
    lastWork = ctx.sim.now;
  }
}

/** Start the ring's SQPOLL thread (pinned to `sq_thread_cpu` with SQ_AFF). */
export function startSqThread(ctx: IoRingCtx): void {
  const cpus = ctx.sqThreadCpu === null ? {} : { cpusAllowed: [ctx.sqThreadCpu] };
  ctx.sqThread = ctx.sim.spawn(`iou-sqp-${ctx.submitterTask.pid}`, sqThread(ctx), { kind: 'kthread', ...cpus });
}
