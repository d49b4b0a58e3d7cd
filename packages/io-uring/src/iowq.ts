/**
 * io-wq: the worker threads (iou-wrk-<pid>) that run requests that would
 * block, issued without IOCB_NOWAIT.
 * @module
 */
import { EAGAIN, EIOCBQUEUED } from '@dio/kiocb';
import { charge, condResched, type KGen, shouldResched, type Task, WaitQueue, waitEvent } from '@dio/sim';
import { cqringWake, postReq } from './cqe';
import type { IoRingCtx } from './ctx';
import { type IoKiocb, REQ_F_NOWAIT } from './req';
import { reqTaskWorkAdd } from './tw';

/** Issues a request blocking; returns IOU_OK, IOU_ISSUE_SKIP_COMPLETE or a negative errno. */
export type BlockingIssue = (req: IoKiocb) => KGen<number>;

/** One io-wq (per submitting task in the kernel; per ring here). */
export class IoWq {
  private readonly queue: IoKiocb[] = [];
  private readonly idle = new WaitQueue('io-wq idle');
  private readonly workers: Task[] = [];
  private busy = 0;

  constructor(
    readonly ctx: IoRingCtx,
    private readonly issue: BlockingIssue,
    /** Upper bound on workers (bounded work: min(sq_entries, 4 × CPUs)). */
    readonly maxWorkers: number,
    private readonly cpus: readonly number[],
    private readonly ownerPid: number,
  ) {}

  // io_uring/io-wq.c: io_wq_enqueue()
  /** Queue `req`; wake an idle worker or create one. */
  enqueue(req: IoKiocb): void {
    req.punted = true;
    this.ctx.stats.iowqPunts++;
    this.queue.push(req);
    if (this.idle.length > 0) this.idle.wakeUpOne();
    else if (this.busy >= this.workers.length && this.workers.length < this.maxWorkers) this.createWorker();
  }

  private createWorker(): void {
    const name = `iou-wrk-${this.ownerPid}`;
    const t = this.ctx.sim.spawn(name, this.worker(), { kind: 'kthread', cpusAllowed: this.cpus });
    this.workers.push(t);
  }

  // io_uring/io-wq.c: io_wq_worker()
  private *worker(): KGen<void> {
    for (;;) {
      const req = this.queue.shift();
      if (req === undefined) {
        if (this.ctx.dead) return;
        yield* waitEvent(this.idle, () => this.queue.length > 0 || this.ctx.dead, { state: 'S' });
        continue;
      }
      this.busy++;
      yield* this.submitWork(req);
      this.busy--;
    }
  }

  // io_uring/io_uring.c: io_wq_submit_work()
  private *submitWork(req: IoKiocb): KGen<void> {
    let ret: number;
    for (;;) {
      ret = yield* this.issue(req);
      // -EAGAIN is retried only for IOPOLL (no request slot on the block side); otherwise it is final
      if (ret !== -EAGAIN || req.flags & REQ_F_NOWAIT || !this.ctx.iopoll || this.ctx.dead) break;
      if (shouldResched()) yield condResched;
      yield this.ctx.sim.costs.ioUringIssue; // one more trip through io_issue_sqe
    }
    if (ret === 0) yield* completeFromWorker(req);
    else if (ret < 0 && ret !== -EIOCBQUEUED) {
      // io_req_task_queue_fail(): "avoid locking problems by failing it from a clean context"
      req.fail(ret);
      req.twFunc = queueCompletion;
      reqTaskWorkAdd(req, false);
    }
  }

  /** io_wq_current_is_worker() for this ring. */
  isWorker(t: Task): boolean {
    return this.workers.includes(t);
  }

  /** Stop idle workers (ring teardown). */
  shutdown(): void {
    this.idle.wakeUpAll();
  }
}

/** task_work that completes a request (io_req_task_complete / io_req_task_cancel): batch its CQE. */
function* queueCompletion(req: IoKiocb): KGen<void> {
  req.ctx.complReqs.push(req);
}

// io_uring/io_uring.c: io_req_complete_post() from io-wq
/**
 * ctx->task_complete (DEFER_TASKRUN without IOPOLL): only the submitter may
 * post, so go through task_work; otherwise post and wake.
 */
function* completeFromWorker(req: IoKiocb): KGen<void> {
  const ctx = req.ctx;
  if (ctx.deferTaskrun && !ctx.iopoll) {
    req.twFunc = queueCompletion;
    reqTaskWorkAdd(req, false);
    return;
  }
  charge(ctx.sim.costs.ioUringCqe);
  postReq(ctx, req);
  cqringWake(ctx);
}
