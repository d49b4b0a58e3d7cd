/**
 * Wait queues (include/linux/wait.h) and `wait_event`-style helpers.
 * @module
 */
import type { Blocker, KGen, Task, Waitable, WaitRequest, WakeReason } from './context';
import { currentCtx, mightSleep } from './requests';
import type { Ns } from './time';

/** Options of a wait. */
export interface WaitOptions {
  /** 'D' uninterruptible (default, shows in hung-task reports) or 'S' interruptible. */
  readonly state?: 'S' | 'D';
  /** Give up after this many ns (0 = never). */
  readonly timeout?: Ns;
}

/** What a queue without a `who` reports: shared, so asking costs no allocation. */
const NO_BLOCKERS: readonly Blocker[] = Object.freeze([]);

/** A wait queue head (`wait_queue_head_t`). */
export class WaitQueue implements Waitable {
  private readonly waiters: Task[] = [];
  /** @internal `wait(this)` requests without a timeout, made on first use (see `wait`). */
  waitD: WaitRequest | undefined = undefined;
  /** @internal */
  waitS: WaitRequest | undefined = undefined;

  /**
   * @param name shown in deadlock chains and hung-task reports
   * @param who optional: who must act before a waiter can go on (for deadlock detection).
   *   Without it the queue's wakers are unknown and never counted as a deadlock.
   */
  constructor(
    readonly name: string,
    private readonly who?: () => Iterable<Blocker>,
  ) {}

  blockers(): Iterable<Blocker> {
    return this.who ? this.who() : NO_BLOCKERS;
  }

  /** Number of tasks sleeping here. */
  get length(): number {
    return this.waiters.length;
  }

  /** @internal */
  enqueueWaiter(t: Task): void {
    this.waiters.push(t);
  }

  /** @internal */
  dequeueWaiter(t: Task): void {
    const ws = this.waiters;
    const i = ws.indexOf(t);
    if (i < 0) return;
    if (i === ws.length - 1) ws.pop(); // no result array, unlike splice
    else ws.splice(i, 1);
  }

  /** `wake_up_all()`: wake every waiter. Returns how many were woken. Callable from any context. */
  wakeUpAll(): number {
    if (this.waiters.length === 0) return 0; // the common case: no allocation
    const ws = this.waiters.splice(0);
    for (const t of ws) t.cpu.sim.wakeUpTask(t, 'woken');
    return ws.length;
  }

  /** `wake_up()` for exclusive waiters: wake the oldest one. Returns whether one was woken. */
  wakeUpOne(): boolean {
    const t = this.waiters.shift();
    if (t === undefined) return false;
    t.cpu.sim.wakeUpTask(t, 'woken');
    return true;
  }
}

/** Sleep on `wq` once (`prepare_to_wait` + `schedule`). Resumes with a {@link WakeReason}. */
export function wait(wq: WaitQueue, opts: WaitOptions = NO_OPTIONS): WaitRequest {
  const timeout = opts.timeout ?? 0;
  if (!Number.isSafeInteger(timeout)) throw new RangeError(`wait on '${wq.name}': timeout ${timeout} must be an integer number of ns`);
  if (currentCtx().atomicContext) mightSleep(`wait on '${wq.name}'`); // the message is built only when it throws
  const state = opts.state ?? 'D';
  // a request is only read by the engine, so the untimed ones are made once per queue and reused
  if (timeout !== 0) return { op: 'wait', on: wq, state, timeout };
  if (state === 'D') return (wq.waitD ??= { op: 'wait', on: wq, state, timeout });
  return (wq.waitS ??= { op: 'wait', on: wq, state, timeout });
}

/** The default options, shared (a `= {}` default would allocate on every call). */
const NO_OPTIONS: WaitOptions = Object.freeze({});

/**
 * `wait_event(wq, cond)`: sleep until `cond()` holds. Returns 'woken' once it
 * holds, or 'timeout' / 'signal' if the wait ended that way first.
 */
export function* waitEvent(wq: WaitQueue, cond: () => boolean, opts: WaitOptions = NO_OPTIONS): KGen<WakeReason> {
  while (!cond()) {
    const why = (yield wait(wq, opts)) as WakeReason;
    if (why !== 'woken' && !cond()) return why;
  }
  return 'woken';
}

/** `struct completion` (kernel/sched/completion.c). */
export class Completion {
  private done = 0;
  readonly wq: WaitQueue;

  constructor(name: string, who?: () => Iterable<Blocker>) {
    this.wq = new WaitQueue(name, who);
  }

  /** `complete()`: one waiter may proceed. */
  complete(): void {
    this.done++;
    this.wq.wakeUpOne();
  }

  /** `complete_all()`. */
  completeAll(): void {
    this.done = Number.MAX_SAFE_INTEGER;
    this.wq.wakeUpAll();
  }

  /** `completion_done()`. */
  get isDone(): boolean {
    return this.done > 0;
  }

  /** `wait_for_completion()`: uninterruptible. */
  *wait(opts: WaitOptions = NO_OPTIONS): KGen<WakeReason> {
    const why = yield* waitEvent(this.wq, () => this.done > 0, opts);
    if (why === 'woken' && this.done !== Number.MAX_SAFE_INTEGER) this.done--;
    return why;
  }
}
