/**
 * The engine's one event queue: a binary min-heap ordered by `(time, seq)`.
 * `seq` increases with every schedule, so events due at the same time run in
 * the order they were scheduled — never in Promise/microtask order.
 *
 * Each push allocates one small entry object; entries are not recycled, so a
 * handle kept after its event fired can never cancel an unrelated event.
 * @module
 */
import type { Ns } from './time';

/** Callback run when an event fires. `arg` is whatever was passed to `push`. */
export type EventFn = (arg: unknown) => void;

/** A scheduled event. Hold on to it only to cancel it. */
export interface EventHandle {
  readonly time: Ns;
  readonly seq: number;
  /** False once the event has fired or been cancelled. */
  readonly pending: boolean;
}

class Entry implements EventHandle {
  time: Ns = 0;
  seq = 0;
  fn: EventFn | null = null;
  arg: unknown = undefined;
  pending = false;
}

/** Binary heap over `(time, seq)`. */
export class EventQueue {
  private heap: Entry[] = [];
  private nextSeq = 0;
  private live = 0;
  /** Cancelled entries still in the heap (dropped lazily, or by compaction when they dominate). */
  private dead = 0;

  /** Number of pending (not cancelled) events. */
  get size(): number {
    return this.live;
  }

  /** Schedule `fn(arg)` at absolute time `time`. */
  push(time: Ns, fn: EventFn, arg?: unknown): EventHandle {
    const e = new Entry();
    e.time = time;
    e.seq = this.nextSeq++;
    e.fn = fn;
    e.arg = arg;
    e.pending = true;
    this.live++;
    const h = this.heap;
    h.push(e);
    this.siftUp(h.length - 1);
    return e;
  }

  /** Cancel a pending event. Returns false if it already fired or was cancelled. */
  cancel(handle: EventHandle): boolean {
    const e = handle as Entry;
    if (!e.pending) return false;
    e.pending = false;
    e.fn = null;
    e.arg = undefined;
    this.live--;
    // Cancelled entries normally fall out when they reach the top; compact when
    // they dominate, so cancelled far-future timers do not bloat the heap.
    if (++this.dead > 1024 && this.dead > this.live) this.compact();
    return true;
  }

  /** Drop every cancelled entry and rebuild the heap (order is unchanged: keys are unique). */
  private compact(): void {
    const h = this.heap.filter((x) => x.pending);
    this.heap = h;
    this.dead = 0;
    for (let i = (h.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** Time of the earliest pending event, or undefined when empty. */
  peekTime(): Ns | undefined {
    this.dropCancelled();
    return this.heap[0]?.time;
  }

  /**
   * Remove and return the earliest pending event (its `time`, `fn` and `arg`),
   * or undefined when the queue is empty. The caller runs it.
   */
  pop(): { readonly time: Ns; readonly fn: EventFn; readonly arg: unknown } | undefined {
    this.dropCancelled();
    const e = this.popTop();
    if (e === undefined) return undefined;
    e.pending = false;
    this.live--;
    return e as { time: Ns; fn: EventFn; arg: unknown };
  }

  private dropCancelled(): void {
    let top = this.heap[0];
    while (top !== undefined && !top.pending) {
      this.popTop();
      this.dead--;
      top = this.heap[0];
    }
  }

  private popTop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    if (top === undefined) return undefined;
    const last = h.pop() as Entry;
    if (h.length > 0) {
      h[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftUp(i: number): void {
    const h = this.heap;
    const e = h[i] as Entry;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = h[p] as Entry;
      if (pe.time < e.time || (pe.time === e.time && pe.seq < e.seq)) break;
      h[i] = pe;
      i = p;
    }
    h[i] = e;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    const n = h.length;
    const e = h[i] as Entry;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let ce = h[l] as Entry;
      if (r < n) {
        const re = h[r] as Entry;
        if (re.time < ce.time || (re.time === ce.time && re.seq < ce.seq)) {
          c = r;
          ce = re;
        }
      }
      if (e.time < ce.time || (e.time === ce.time && e.seq < ce.seq)) break;
      h[i] = ce;
      i = c;
    }
    h[i] = e;
  }
}
