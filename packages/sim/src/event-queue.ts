/**
 * The engine's one event queue: a binary min-heap ordered by `(time, seq)`.
 * `seq` increases with every schedule, so events due at the same time run in
 * the order they were scheduled — never in Promise/microtask order. An event
 * may belong to a clock domain (a CPU): it then runs on that CPU's clock
 * (see docs/engine.md, "Clocks").
 *
 * Each entry knows its slot in the heap, so `cancel` removes it at once
 * (O(log n)) instead of leaving a dead entry behind: the engine cancels a
 * scheduler-tick or timeout event for almost every wake-up, and dead entries
 * used to outnumber live ones ~30:1, making every pop walk a deep heap.
 * Keys are unique, so the pop order is exactly the same either way.
 *
 * Each push allocates one small entry object; entries are not recycled, so a
 * handle kept after its event fired can never cancel an unrelated event.
 *
 * The events of no CPU (set-up code's, a harness's power cut) are counted,
 * so the engine can find the first of them behind other events
 * (`peekNoCpuTime`, `popNoCpu`: a walk of the heap, only while there is one):
 * nested work that runs past its bound still runs them at their time
 * (docs/engine.md, "Clocks").
 * @module
 */
import type { Ns } from './time';

/** Callback run when an event fires. `arg` is whatever was passed to `push`. */
export type EventFn = (arg: unknown) => void;

/** A clock of its own: a CPU (see `Cpu.clock`). */
export interface ClockDomain {
  /** Where this domain's virtual time stands, ns (as of the last time code ran on it). */
  clock: Ns;
}

/** A scheduled event. Hold on to it only to cancel it. */
export interface EventHandle {
  readonly time: Ns;
  readonly seq: number;
  /** False once the event has fired or been cancelled. */
  readonly pending: boolean;
}

class Entry implements EventHandle {
  /** Slot in the heap array; -1 once fired or cancelled. */
  index: number;
  constructor(
    /** Changed only by `modify` while pending. */
    public time: Ns,
    public seq: number,
    public fn: EventFn | null,
    public arg: unknown,
    index: number,
    /** The CPU whose clock it runs on, or null for an event of no CPU. */
    readonly domain: ClockDomain | null,
  ) {
    this.index = index;
  }

  get pending(): boolean {
    return this.index >= 0;
  }
}

/** An event taken off the queue, for the caller to run. */
export interface PoppedEvent {
  readonly time: Ns;
  readonly fn: EventFn;
  readonly arg: unknown;
  readonly domain: ClockDomain | null;
}

/** `a` runs before `b`. */
function before(a: Entry, b: Entry): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/** Binary heap over `(time, seq)`. */
export class EventQueue {
  private readonly heap: Entry[] = [];
  /** Pending entries of no CPU (few: set-up code's and a harness's). */
  private noCpu = 0;
  private nextSeq = 0;

  /** Number of pending (not cancelled) events. */
  get size(): number {
    return this.heap.length;
  }

  /** Schedule `fn(arg)` at absolute time `time`, on `domain`'s clock (a CPU's) or on none. */
  push(time: Ns, fn: EventFn, arg?: unknown, domain: ClockDomain | null = null): EventHandle {
    const h = this.heap;
    const e = new Entry(time, this.nextSeq++, fn, arg, h.length, domain);
    h.push(e);
    this.siftUp(e, h.length - 1);
    if (domain === null) this.noCpu++;
    return e;
  }

  /**
   * mod_timer() on a pending event: move it to `time`. It runs exactly where
   * a `cancel` and a new `push` would put it (it takes a new sequence
   * number), but keeps its entry and handle: no allocation, one sift.
   * Returns false (and changes nothing) if it already fired or was cancelled.
   */
  modify(handle: EventHandle, time: Ns): boolean {
    const e = handle as Entry;
    const i = e.index;
    if (i < 0) return false;
    e.time = time;
    e.seq = this.nextSeq++;
    const h = this.heap;
    if (i > 0 && before(e, h[(i - 1) >> 1] as Entry)) this.siftUp(e, i);
    else this.siftDown(e, i);
    return true;
  }

  /** Cancel a pending event. Returns false if it already fired or was cancelled. */
  cancel(handle: EventHandle): boolean {
    const e = handle as Entry;
    if (e.index < 0) return false;
    this.remove(e);
    e.fn = null;
    e.arg = undefined;
    return true;
  }

  /** Time of the earliest pending event, or undefined when empty. */
  peekTime(): Ns | undefined {
    const top = this.heap[0];
    return top === undefined ? undefined : top.time;
  }

  /**
   * Remove and return the earliest pending event (its `time`, `fn` and `arg`),
   * or undefined when the queue is empty. The caller runs it.
   */
  pop(): PoppedEvent | undefined {
    const h = this.heap;
    const top = h[0];
    if (top === undefined) return undefined;
    top.index = -1;
    const last = h.pop() as Entry;
    if (last !== top) this.siftDown(last, 0);
    if (top.domain === null) this.noCpu--;
    return top as PoppedEvent;
  }

  /** Time of the earliest pending event of no CPU, or undefined when there is none. */
  peekNoCpuTime(): Ns | undefined {
    return this.noCpu === 0 ? undefined : this.firstNoCpu()?.time;
  }

  /** Remove and return the earliest pending event of no CPU (wherever it stands among the others), or undefined. */
  popNoCpu(): PoppedEvent | undefined {
    const first = this.noCpu === 0 ? undefined : this.firstNoCpu();
    if (first === undefined) return undefined;
    this.remove(first);
    return first as PoppedEvent;
  }

  /** The earliest pending entry of no CPU: a walk of the heap. */
  private firstNoCpu(): Entry | undefined {
    let first: Entry | undefined;
    for (const e of this.heap) if (e.domain === null && (first === undefined || before(e, first))) first = e;
    return first;
  }

  /** Take pending `e` out of the heap. */
  private remove(e: Entry): void {
    const i = e.index;
    e.index = -1;
    const h = this.heap;
    const last = h.pop() as Entry;
    if (last !== e) {
      // put the last entry in the hole and restore the heap order around it
      if (i > 0 && before(last, h[(i - 1) >> 1] as Entry)) this.siftUp(last, i);
      else this.siftDown(last, i);
    }
    if (e.domain === null) this.noCpu--;
  }

  /** Place `e` at slot `i` or above it. */
  private siftUp(e: Entry, i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = h[p] as Entry;
      if (before(pe, e)) break;
      h[i] = pe;
      pe.index = i;
      i = p;
    }
    h[i] = e;
    e.index = i;
  }

  /** Place `e` at slot `i` or below it. */
  private siftDown(e: Entry, i: number): void {
    const h = this.heap;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      let ce = h[l] as Entry;
      if (l + 1 < n) {
        const re = h[l + 1] as Entry;
        if (before(re, ce)) {
          c = l + 1;
          ce = re;
        }
      }
      if (before(e, ce)) break;
      h[i] = ce;
      ce.index = i;
      i = c;
    }
    h[i] = e;
    e.index = i;
  }
}
