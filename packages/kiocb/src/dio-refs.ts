/**
 * The holders of an inode's i_dio_count references, for the deadlock
 * detector's wait-for graph: a list threaded through the holders themselves,
 * as the kernel embeds a list_head in what it lists. One DIO joins on issue
 * and leaves on completion, so the list costs two pointer updates per I/O
 * (a Set gave every new holder an identity hash and a hash-table slot).
 * @module
 */
import type { Blocker } from '@dio/sim';

/**
 * One holder of an i_dio_count reference: the direct I/O in flight. `owner`
 * says who will drop it — the device while the bio is in flight, a kworker
 * while the completion is queued, the issuing task while the completion sits
 * in its task_work. The deadlock detector reads it.
 */
export interface DioRef {
  /** Who will drop the reference: the deadlock detector follows this edge. */
  readonly owner: Blocker;
  /** @internal the list it is on and its neighbours there (set by `DioRefList`; a holder declares them null) */
  dioList?: DioRefList | null;
  /** @internal */
  dioPrev?: DioRef | null;
  /** @internal */
  dioNext?: DioRef | null;
}

/** An inode's DIO reference holders, oldest first; a holder is on it at most once. */
export class DioRefList implements Iterable<DioRef> {
  private head: DioRef | null = null;
  private tail: DioRef | null = null;
  /** How many holders are on the list. */
  size = 0;

  /** Add `ref` at the end (nothing if it is on the list already). */
  add(ref: DioRef): this {
    if (ref.dioList === this) return this;
    ref.dioList = this;
    ref.dioPrev = this.tail;
    ref.dioNext = null;
    if (this.tail === null) this.head = ref;
    else this.tail.dioNext = ref;
    this.tail = ref;
    this.size++;
    return this;
  }

  /** Take `ref` off the list; whether it was on it. */
  delete(ref: DioRef): boolean {
    if (ref.dioList !== this) return false;
    const prev = ref.dioPrev ?? null;
    const next = ref.dioNext ?? null;
    if (prev === null) this.head = next;
    else prev.dioNext = next;
    if (next === null) this.tail = prev;
    else next.dioPrev = prev;
    ref.dioList = null;
    ref.dioPrev = null;
    ref.dioNext = null;
    this.size--;
    return true;
  }

  /** Whether `ref` is on the list. */
  has(ref: DioRef): boolean {
    return ref.dioList === this;
  }

  *[Symbol.iterator](): Iterator<DioRef> {
    for (let r = this.head; r !== null; r = r.dioNext ?? null) yield r;
  }
}
