/**
 * A second implementation of the `Workqueue` interface: the pre-cmwq
 * single-threaded workqueue (create_singlethread_workqueue, Linux 2.6) — one
 * dedicated kernel thread, optionally pinned and reniced, running items one
 * after another in queueing order, with no pool sharing and no concurrency
 * management. Pass it wherever a `Workqueue` is expected, e.g.
 * `new DioFs(sim, bdev, { fops, dioWq: (sim, name) => new SingleThreadWorkqueue(sim, name, { cpu: 1, nice: -20 }) })`.
 * @module
 */
import { charge, condResched, type KGen, shouldResched, type Simulator, type Task, tryCurrentCtx, WaitQueue, waitEvent } from '@dio/sim';
import { FlushTracker } from './flush';
import { waitWorkIdle, type Workqueue, type WorkStruct, workCancelled, workFinished, workStarted } from './work';
import { WorkqueueError } from './workqueue';

interface Item {
  readonly work: WorkStruct;
  readonly inst: number;
}

/** One kthread, FIFO. */
export class SingleThreadWorkqueue implements Workqueue {
  readonly flags = 0;
  readonly maxActive = 1;
  /** Items run so far. */
  ran = 0;
  readonly thread: Task;
  private readonly queue: Item[] = [];
  private readonly more: WaitQueue;
  private readonly tracker: FlushTracker;
  private draining = false;
  private dead = false;

  constructor(
    readonly sim: Simulator,
    readonly name: string,
    opts: { cpu?: number; nice?: number } = {},
  ) {
    this.more = new WaitQueue(`${name} work`);
    this.tracker = new FlushTracker(name);
    this.thread = sim.spawn(name, this.run(), {
      kind: 'kthread',
      nice: opts.nice ?? 0,
      ...(opts.cpu !== undefined ? { cpusAllowed: [opts.cpu] } : {}),
    });
  }

  queueWorkOn(_cpu: number | null, work: WorkStruct): boolean {
    if (this.dead) throw new WorkqueueError(`queue_work on destroyed workqueue '${this.name}'`);
    if (this.draining && tryCurrentCtx()?.task !== this.thread) {
      throw new WorkqueueError(`queue_work on workqueue '${this.name}' while it is being drained or destroyed`);
    }
    if (work.pending || work.canceling) return false;
    work.pending = true;
    work.queuedOn = this;
    const item = { work, inst: this.tracker.begin() };
    this.queue.push(item);
    const sim = this.sim;
    if (sim.tracing) {
      sim.trace('workqueue_queue_work', { work: work.name, wq: this.name, cpu: -1, inst: item.inst });
      sim.trace('workqueue_activate_work', { work: work.name, inst: item.inst });
    }
    this.more.wakeUpAll();
    return true;
  }

  private *run(): KGen<void> {
    const sim = this.sim;
    for (;;) {
      const it = this.queue.shift();
      if (it === undefined) {
        if (this.dead) return;
        yield* waitEvent(this.more, () => this.queue.length > 0 || this.dead, { state: 'S' });
        continue;
      }
      const w = it.work;
      workStarted(w);
      if (sim.tracing) sim.trace('workqueue_execute_start', { work: w.name, wq: this.name, inst: it.inst });
      charge(sim.costs.workItem);
      yield* w.func(w);
      if (sim.tracing) sim.trace('workqueue_execute_end', { work: w.name, inst: it.inst });
      this.ran++;
      workFinished(w);
      this.tracker.end(it.inst);
      if (shouldResched()) yield condResched; // a preemption point after every item, as process_one_work has
    }
  }

  flush(): KGen<void> {
    return this.tracker.flush();
  }

  *cancelSync(work: WorkStruct): KGen<boolean> {
    const i = this.queue.findIndex((it) => it.work === work);
    const it = i >= 0 ? this.queue.splice(i, 1)[0] : undefined;
    if (it !== undefined) {
      workCancelled(work);
      this.tracker.end(it.inst);
    }
    if (work.running > 0) yield* waitWorkIdle(work);
    return it !== undefined;
  }

  *destroy(): KGen<void> {
    if (this.dead) throw new WorkqueueError(`destroy_workqueue: '${this.name}' was already destroyed`);
    this.draining = true;
    while (this.tracker.size > 0) yield* this.tracker.flush();
    this.draining = false;
    this.dead = true;
    this.more.wakeUpAll();
  }
}
