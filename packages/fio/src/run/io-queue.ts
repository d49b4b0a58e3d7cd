/**
 * A job's I/O queue between fio and its engine (ioengines.c: td_io_queue(),
 * td_io_commit(), io_u.c: io_u_queued_complete(), io_u_quiesce()): the free
 * io_us, what is in flight, batched submits and reaps.
 * @module
 */
import type { CostModel, KGen, Simulator } from '@dio/sim';
import type { RecordingJobResult } from '../recording';
import type { Engine } from './engine';
import type { IoU } from './io-u';
import type { JobAccounting } from './job-accounting';

/** How the job batches (iodepth_batch_submit, iodepth_batch_complete_min/max, polling). */
export interface QueueLimits {
  readonly batchSubmit: number;
  readonly minComplete: number;
  readonly maxComplete: number;
  /** backend.c: io_in_polling(): reap after every I/O. */
  readonly polling: boolean;
}

/** The job's io_us and the engine they go through. */
export class IoQueue {
  /** Free io_us (popped from the end). */
  readonly free: IoU[];
  inflight = 0;
  /** Queued, not yet committed. */
  pendingCommit = 0;
  private readonly one: IoU[] = [];
  private readonly costs: CostModel;

  constructor(
    private readonly sim: Simulator,
    private readonly engine: Engine,
    private readonly acc: JobAccounting,
    private readonly res: RecordingJobResult,
    ious: readonly IoU[],
    private readonly rampEnd: number,
    readonly limits: QueueLimits,
  ) {
    this.costs = sim.costs;
    this.free = [...ious].reverse();
  }

  /** td_io_commit() of what is queued, if anything. */
  *flush(): KGen<void> {
    if (this.pendingCommit > 0) {
      this.acc.submitted(yield* this.engine.commit());
      this.pendingCommit = 0;
    }
  }

  // the accounting after getevents() and the user-space reap cost
  private reaped(evs: readonly IoU[]): void {
    const now = this.sim.now;
    if (now >= this.rampEnd) this.res.depth.markComplete(evs.length);
    for (const io of evs) this.done(io, now);
    this.acc.sample(now);
  }

  private done(io: IoU, now: number): void {
    this.inflight--;
    this.free.push(io);
    this.acc.complete(io, now);
  }

  /** io_u_queued_complete(): reap at least `min` (capped by what is in flight). */
  *reap(min: number): KGen<void> {
    const max = this.limits.maxComplete;
    const evs = yield* this.engine.getevents(Math.min(min, this.inflight, max), max);
    yield this.costs.userPerReap; // user-mode time is a yield, not a charge: user mode is preemptible anywhere (docs/engine.md)
    this.reaped(evs);
    if (this.acc.checkNs > 0) yield this.acc.takeCheckNs();
  }

  // io_u.c: io_u_quiesce(): submit what is pending and reap everything in flight
  *quiesce(): KGen<void> {
    yield* this.flush();
    while (this.inflight > 0) yield* this.reap(this.inflight);
  }

  // ioengines.c: td_io_queue(), and what the backend does with its answer
  *issue(io: IoU): KGen<void> {
    const sim = this.sim;
    // ioengines.c: td_io_queue() marks the depth and total_io_u for reads and writes only
    if (io.ddir !== 'sync' && sim.now >= this.rampEnd) this.res.depth.markDepth(this.inflight + 1);
    this.inflight++;
    const q = yield* this.engine.queue(io);
    if (q === 'completed') {
      // td_io_queue(): an engine without ->commit marks one submit and one complete per I/O
      this.one[0] = io;
      this.acc.submitted(this.one);
      if (sim.now >= this.rampEnd) this.res.depth.markComplete(1);
      this.done(io, sim.now);
      this.acc.sample(sim.now);
      if (this.acc.checkNs > 0) yield this.acc.takeCheckNs();
      return;
    }
    if (q === 'busy') {
      this.inflight--;
      this.free.push(io);
      yield* this.reap(1);
      return;
    }
    if (++this.pendingCommit >= this.limits.batchSubmit || this.free.length === 0) {
      this.acc.submitted(yield* this.engine.commit());
      this.pendingCommit = 0;
    }
    // backend.c: do_io(): io_in_polling() reaps after every I/O (wait_for_completions(), at least one)
    if (this.limits.polling) {
      yield* this.flush();
      yield* this.reap(1);
    }
  }
}
