/**
 * io-wq: the worker threads (iou-wrk-<pid>) that run requests that would
 * block, issued without IOCB_NOWAIT.
 * @module
 */
import { EIOCBQUEUED } from '@dio/kiocb';
import { charge, type KGen, type Task, WaitQueue, waitEvent } from '@dio/sim';
import { cqringWake, postReq } from './cqe';
import type { IoRingCtx } from './ctx';
import type { IoKiocb } from './req';
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
    const ret = yield* this.issue(req);
    if (ret === 0) yield* completeFromWorker(req);
    else if (ret < 0 && ret !== -EIOCBQUEUED) {
      req.fail(ret);
      yield* completeFromWorker(req);
    }
  }

  /** Stop idle workers (ring teardown). */
  shutdown(): void {
    this.idle.wakeUpAll();
  }
}

// io_uring/io_uring.c: io_req_complete_post() from io-wq
/** With DEFER_TASKRUN only the submitter may post: go through task_work; otherwise post and wake. */
function* completeFromWorker(req: IoKiocb): KGen<void> {
  const ctx = req.ctx;
  if (ctx.deferTaskrun) {
    req.twFunc = function* (r: IoKiocb) {
      ctx.complReqs.push(r);
    };
    yield* reqTaskWorkAdd(req, false);
    return;
  }
  if (!charge(ctx.sim.costs.ioUringCqe)) yield ctx.sim.costs.ioUringCqe;
  postReq(ctx, req);
  cqringWake(ctx);
}
