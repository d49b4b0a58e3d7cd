/**
 * The shared SQ and CQ rings: power-of-two arrays with free-running head and
 * tail counters, as user space and the kernel see them.
 * @module
 */
import { type Cqe, emptySqe, type Sqe } from './uapi';

/** roundup_pow_of_two(). */
export function roundupPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** The submission queue ring. The app fills entries at `tail`, the kernel consumes at `head`. */
export class SqRing {
  head = 0;
  tail = 0;
  /** IORING_SQ_* flags the kernel sets for user space (NEED_WAKEUP, CQ_OVERFLOW, TASKRUN). */
  flags = 0;
  /** SQEs the kernel dropped as invalid (sq_dropped). */
  dropped = 0;
  readonly mask: number;
  readonly sqes: Sqe[];

  constructor(readonly entries: number) {
    this.mask = entries - 1;
    this.sqes = Array.from({ length: entries }, emptySqe);
  }

  /** Entries submitted by user space not yet consumed. */
  get ready(): number {
    return this.tail - this.head;
  }
}

/** The completion queue ring. The kernel posts at `tail`, the app consumes at `head`. */
export class CqRing {
  head = 0;
  tail = 0;
  /** CQEs that could not be posted because the ring was full and were dropped (never with IORING_FEAT_NODROP). */
  overflow = 0;
  readonly mask: number;
  readonly cqes: (Cqe | null)[];

  constructor(readonly entries: number) {
    this.mask = entries - 1;
    this.cqes = new Array<Cqe | null>(entries).fill(null);
  }

  /** CQEs available to user space. */
  get ready(): number {
    return this.tail - this.head;
  }

  /** Room left. */
  get space(): number {
    return this.entries - this.ready;
  }

  /** Post one CQE; false if the ring is full. */
  push(c: Cqe): boolean {
    if (this.space === 0) return false;
    this.cqes[this.tail & this.mask] = c;
    this.tail++;
    return true;
  }
}
