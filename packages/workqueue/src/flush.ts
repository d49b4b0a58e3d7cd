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
  private readonly inflight = new Set<number>();
  private readonly waiters: WaitQueue;
  private next = 0;

  constructor(name: string) {
    this.waiters = new WaitQueue(`flush_workqueue(${name})`);
  }

  /** A new instance was queued; returns its number. */
  begin(): number {
    const i = this.next++;
    this.inflight.add(i);
    return i;
  }

  /** Instance `i` finished or was cancelled. */
  end(i: number): void {
    this.inflight.delete(i);
    this.waiters.wakeUpAll();
  }

  /** Instances still in flight. */
  get size(): number {
    return this.inflight.size;
  }

  // kernel/workqueue.c: __flush_workqueue()
  /** Sleep (uninterruptibly) until every instance in flight now has ended. */
  *flush(): KGen<void> {
    if (this.inflight.size === 0) return;
    const before = [...this.inflight];
    yield* waitEvent(this.waiters, () => before.every((i) => !this.inflight.has(i)), { state: 'D' });
  }
}
