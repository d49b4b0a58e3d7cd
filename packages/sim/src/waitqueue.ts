/**
 * Wait queues (include/linux/wait.h) and `wait_event`-style helpers.
 * @module
 */
import type { Blocker, Waitable } from './blocker';
import type { KGen } from './context';
import { mightSleep, type WaitRequest, type WakeReason } from './requests';
import type { Task } from './task';
import type { Ns } from './time';

/** Options of a wait. */
export interface WaitOptions {
  /** 'D' uninterruptible (default, shows in hung-task reports) or 'S' interruptible. */
  readonly state?: 'S' | 'D';
  /** Give up after this many ns (0 = never). */
  readonly timeout?: Ns;
}

/** A wait queue head (`wait_queue_head_t`). */
export class WaitQueue implements Waitable {
  private readonly waiters: Task[] = [];

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
    return this.who ? this.who() : [];
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
    const i = this.waiters.indexOf(t);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** `wake_up_all()`: wake every waiter. Returns how many were woken. Callable from any context. */
  wakeUpAll(): number {
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
export function wait(wq: WaitQueue, opts: WaitOptions = {}): WaitRequest {
  const timeout = opts.timeout ?? 0;
  if (!Number.isSafeInteger(timeout)) throw new RangeError(`wait on '${wq.name}': timeout ${timeout} must be an integer number of ns`);
  mightSleep(`wait on '${wq.name}'`);
  return { op: 'wait', on: wq, state: opts.state ?? 'D', timeout };
}

/**
 * `wait_event(wq, cond)`: sleep until `cond()` holds. Returns 'woken' once it
 * holds, or 'timeout' / 'signal' if the wait ended that way first.
 */
export function* waitEvent(wq: WaitQueue, cond: () => boolean, opts: WaitOptions = {}): KGen<WakeReason> {
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
  *wait(opts: WaitOptions = {}): KGen<WakeReason> {
    const why = yield* waitEvent(this.wq, () => this.done > 0, opts);
    if (why === 'woken' && this.done !== Number.MAX_SAFE_INTEGER) this.done--;
    return why;
  }
}
