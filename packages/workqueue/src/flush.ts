/**
 * The flush bookkeeping both workqueue implementations share: every queued
 * instance gets a number, and flush_workqueue() waits for exactly the
 * instances in flight when it was called (the kernel's flush colors), not
 * for anything queued later.
 * @module
 */
import { type KGen, WaitQueue, waitEvent } from '@dio/sim';

/** Instances in flight on one workqueue. */
export class FlushTracker {
  /**
   * Numbers of the instances in flight, ascending (numbers are handed out in
   * increasing order). An array rather than a Set: one add and one delete per
   * work item made the Set rehash over and over; here an item usually ends
   * first-in first-out, a shift.
   */
  private readonly inflight: number[] = [];
  private readonly waiters: WaitQueue;
  private next = 0;

  constructor(name: string) {
    this.waiters = new WaitQueue(`flush_workqueue(${name})`);
  }

  /** A new instance was queued; returns its number. */
  begin(): number {
    const i = this.next++;
    this.inflight.push(i);
    return i;
  }

  /** Instance `i` finished or was cancelled. */
  end(i: number): void {
    const f = this.inflight;
    if (f[0] === i) f.shift();
    else {
      const at = f.indexOf(i);
      if (at >= 0) f.splice(at, 1);
    }
    this.waiters.wakeUpAll();
  }

  /** Instances still in flight. */
  get size(): number {
    return this.inflight.length;
  }

  // kernel/workqueue.c: __flush_workqueue()
  /** Sleep (uninterruptibly) until every instance in flight now has ended. */
  *flush(): KGen<void> {
    if (this.inflight.length === 0) return;
    // every instance in flight now has ended once the oldest still in flight is newer than the newest now
    const last = this.inflight[this.inflight.length - 1] as number;
    yield* waitEvent(this.waiters, () => this.inflight.length === 0 || (this.inflight[0] as number) > last, { state: 'D' });
  }
}
