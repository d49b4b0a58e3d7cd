/**
 * A second implementation of the `Workqueue` interface: the pre-cmwq
 * single-threaded workqueue (create_singlethread_workqueue, Linux 2.6) — one
 * dedicated kernel thread, optionally pinned and reniced, running items one
 * after another in queueing order, with no pool sharing and no concurrency
 * management. Pass it wherever a `Workqueue` is expected, e.g.
 * `new DioFs(sim, bdev, { fops, dioWq: (sim, name) => new SingleThreadWorkqueue(sim, name, { cpu: 1, nice: -20 }) })`.
 */
import { charge, condResched, type KGen, type Simulator, type Task, WaitQueue, waitEvent } from '@dio/sim';
import type { Workqueue, WorkStruct } from './work';

/** One kthread, FIFO. */
export class SingleThreadWorkqueue implements Workqueue {
  readonly flags = 0;
  readonly maxActive = 1;
  /** Items run so far. */
  ran = 0;
  readonly thread: Task;
  private readonly queue: WorkStruct[] = [];
  private readonly more: WaitQueue;
  private readonly idle: WaitQueue;
  private busy = false;
  private dead = false;

  constructor(
    readonly sim: Simulator,
    readonly name: string,
    opts: { cpu?: number; nice?: number } = {},
  ) {
    this.more = new WaitQueue(`${name} work`);
    this.idle = new WaitQueue(`${name} flush`);
    this.thread = sim.spawn(name, this.run(), {
      kind: 'kthread',
      nice: opts.nice ?? 0,
      ...(opts.cpu !== undefined ? { cpusAllowed: [opts.cpu] } : {}),
    });
  }

  queueWorkOn(_cpu: number | null, work: WorkStruct): boolean {
    if (this.dead) throw new Error(`queue_work on destroyed workqueue '${this.name}'`);
    if (work.pending) return false;
    work.pending = true;
    work.queuedOn = this;
    this.queue.push(work);
    this.more.wakeUpAll();
    return true;
  }

  private *run(): KGen<void> {
    for (;;) {
      const w = this.queue.shift();
      if (w === undefined) {
        this.busy = false;
        this.idle.wakeUpAll();
        if (this.dead) return;
        yield* waitEvent(this.more, () => this.queue.length > 0 || this.dead, { state: 'S' });
        continue;
      }
      this.busy = true;
      w.pending = false;
      w.running++;
      const sim = this.sim;
      if (sim.tracing) sim.trace('workqueue_execute_start', { work: w.name, wq: this.name });
      if (!charge(sim.costs.workItem)) yield sim.costs.workItem;
      yield* w.func(w);
      if (sim.tracing) sim.trace('workqueue_execute_end', { work: w.name });
      w.running--;
      w.done++;
      this.ran++;
      w.flushWq.wakeUpAll();
      yield condResched; // a preemption point after every item, as process_one_work has
    }
  }

  *flush(): KGen<void> {
    yield* waitEvent(this.idle, () => this.queue.length === 0 && !this.busy, { state: 'D' });
  }

  *cancelSync(work: WorkStruct): KGen<boolean> {
    const i = this.queue.indexOf(work);
    if (i >= 0) {
      this.queue.splice(i, 1);
      work.pending = false;
    }
    if (work.running > 0) yield* waitEvent(work.flushWq, () => work.running === 0, { state: 'D' });
    return i >= 0;
  }

  *destroy(): KGen<void> {
    yield* this.flush();
    this.dead = true;
    this.more.wakeUpAll();
  }
}
