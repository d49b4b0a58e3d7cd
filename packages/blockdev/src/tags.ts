/**
 * Request tags (block/blk-mq-tag.c): a hardware queue has `hw_queue_depth`
 * tags; a request holds one from submit to completion, so the tag count
 * bounds the requests in flight. A submitter that finds none sleeps on the
 * tag wait queue (sbitmap_queue's wait queues) until a completion frees one.
 * @module
 */
import { WaitQueue, waitEvent, type Agent, type KGen } from '@dio/sim';

/** A tag set (`struct blk_mq_tags`). */
export class BlkMqTags {
  /** Where submitters sleep for a tag. */
  readonly wq: WaitQueue;
  private readonly freeTags: number[];
  /** Highest number of tags ever in use at once. */
  maxInUse = 0;

  /**
   * @param depth number of tags
   * @param name wait queue name, shown in hung-task reports
   * @param agent the device that frees tags by completing requests (for the deadlock detector)
   */
  constructor(
    readonly depth: number,
    name: string,
    agent: Agent,
  ) {
    if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`tag depth must be >= 1, got ${depth}`);
    this.freeTags = Array.from({ length: depth }, (_, i) => depth - 1 - i);
    this.wq = new WaitQueue(name, () => [agent]);
  }

  /** Tags in use. */
  get inUse(): number {
    return this.depth - this.freeTags.length;
  }

  /** Tags free. */
  get available(): number {
    return this.freeTags.length;
  }

  // block/blk-mq-tag.c: __blk_mq_get_tag()
  /** Take a tag without waiting; null when all are in use. */
  tryGet(): number | null {
    const t = this.freeTags.pop();
    if (t === undefined) return null;
    const used = this.inUse;
    if (used > this.maxInUse) this.maxInUse = used;
    return t;
  }

  // block/blk-mq-tag.c: blk_mq_get_tag() — the io_schedule() loop
  /** Take a tag, sleeping (state D) until one is free. Task context only. */
  *get(): KGen<number> {
    for (;;) {
      const t = this.tryGet();
      if (t !== null) return t;
      yield* waitEvent(this.wq, () => this.freeTags.length > 0, { state: 'D' });
    }
  }

  /** Forget every tag in use (the device lost power and its requests with it) and wake all waiters. */
  reset(): void {
    this.freeTags.length = 0;
    for (let i = this.depth - 1; i >= 0; i--) this.freeTags.push(i);
    this.wq.wakeUpAll();
  }

  // block/blk-mq-tag.c: blk_mq_put_tag()
  /** Free a tag and wake one waiter. Any context. */
  put(tag: number): void {
    this.freeTags.push(tag);
    this.wq.wakeUpOne();
  }
}
