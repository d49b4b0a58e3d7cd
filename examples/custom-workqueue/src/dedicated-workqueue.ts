/**
 * An alternative `Workqueue`: one dedicated, high-priority (nice −20) kernel
 * thread pinned to a chosen CPU, running items in order — the "dedicated
 * completion thread" a storage engineer might try instead of the shared
 * per-CPU kworker pool.
 */
import { type KGen, type Simulator, type Task, WaitQueue, waitEvent } from '@dio/sim';
import type { Workqueue, WorkStruct } from '@dio/workqueue';

/** A single pinned high-priority completion thread. */
export class DedicatedWorkqueue implements Workqueue {
  readonly flags = 0;
  readonly maxActive = 1;
  /** Items run (proof the stack used this implementation). */
  ran = 0;
  readonly thread: Task;
  private readonly items: WorkStruct[] = [];
  private readonly more: WaitQueue;
  private readonly drained: WaitQueue;

  constructor(
    readonly sim: Simulator,
    readonly name: string,
    cpu: number,
  ) {
    this.more = new WaitQueue(`${name} work`);
    this.drained = new WaitQueue(`${name} drained`);
    this.thread = sim.spawn(`${name}-comp`, this.loop(), { kind: 'kthread', nice: -20, cpusAllowed: [cpu] });
  }

  queueWorkOn(_cpu: number | null, work: WorkStruct): boolean {
    if (work.pending) return false;
    work.pending = true;
    work.queuedOn = this;
    this.items.push(work);
    this.more.wakeUpAll();
    return true;
  }

  private *loop(): KGen<void> {
    for (;;) {
      const w = this.items.shift();
      if (w === undefined) {
        this.drained.wakeUpAll();
        yield* waitEvent(this.more, () => this.items.length > 0, { state: 'S' });
        continue;
      }
      w.pending = false;
      w.running++;
      yield this.sim.costs.workItem;
      yield* w.func(w);
      w.running--;
      w.done++;
      this.ran++;
      w.flushWq.wakeUpAll();
    }
  }

  *flush(): KGen<void> {
    yield* waitEvent(this.drained, () => this.items.length === 0, { state: 'D' });
  }

  *cancelSync(work: WorkStruct): KGen<boolean> {
    const i = this.items.indexOf(work);
    if (i >= 0) {
      this.items.splice(i, 1);
      work.pending = false;
    }
    if (work.running > 0) yield* waitEvent(work.flushWq, () => work.running === 0, { state: 'D' });
    return i >= 0;
  }

  *destroy(): KGen<void> {
    yield* this.flush();
  }
}
