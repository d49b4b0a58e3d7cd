/**
 * Errors the engine raises when simulated code breaks a kernel rule.
 * @module
 */

/** Base class of every engine error. */
export class SimError extends Error {
  override readonly name: string = 'SimError';
}

/** An engine error that names a chain (contexts, tasks, locks), outermost first; the message ends with it. */
export abstract class ChainError extends SimError {
  constructor(
    message: string,
    readonly chain: readonly string[],
  ) {
    super(`${message}\n  chain: ${chain.join(' -> ')}`);
  }
}

/**
 * Sleeping, blocking or taking a sleeping lock where the kernel forbids it:
 * in hardirq or softirq context, or with a spinlock held / preemption disabled.
 * `chain` names the context and the code path, outermost first.
 */
export class InvalidContextError extends ChainError {
  override readonly name = 'InvalidContextError';
}

/**
 * A wait that can never be satisfied: a task waiting on something only it can
 * make true, or a cycle of tasks each waiting on the next. `chain` lists each
 * waiter and what it waits on, ending where the cycle closes.
 */
export class DeadlockError extends ChainError {
  override readonly name = 'DeadlockError';
}

/**
 * A simulation that makes no progress in virtual time: `steps` events,
 * generator steps or zero-cost charges in a row at the same `now` (e.g. a
 * profile whose costs are all 0 with no device latency, so a loop never
 * lets time pass and the run would never end). `spinning` names the
 * contexts seen spinning and the event callbacks they ran under.
 */
export class LivelockError extends SimError {
  override readonly name = 'LivelockError';
  constructor(
    readonly now: number,
    readonly steps: number,
    readonly spinning: readonly string[],
  ) {
    super(`livelock: ${steps} steps at simulated time ${now} ns without time advancing; spinning: ${spinning.join('; ')} (are the profile's costs and latencies all 0?)`);
  }
}

/**
 * The soft-lockup detector (kernel/watchdog.c reports a CPU "stuck" in
 * kernel code that never schedules): one step of simulated code — a plain
 * call chain or a generator between two yields — charged more than
 * `ns` of CPU time, e.g. user code spinning on system calls that return at
 * once. Nothing else could run on that CPU meanwhile, and the run could
 * never reach its time limit.
 */
export class SoftLockupError extends SimError {
  override readonly name = 'SoftLockupError';
  constructor(
    readonly now: number,
    readonly ns: number,
    readonly context: string,
  ) {
    super(`soft lockup: ${context} ran ${ns} ns of CPU time without yielding, at simulated time ${now} ns (a loop that never sleeps or yields?)`);
  }
}

/**
 * Thrown by a charge after `stop()`: it unwinds the simulated code on the JS
 * stack to `run()`, which returns 'stopped'. Never seen outside the engine.
 * @internal
 */
export class RunStopped extends Error {
  constructor() {
    super('the run was stopped');
  }
}

/** One task left in uninterruptible sleep when the simulation ran out of events. */
export interface HungTask {
  /** Task name, e.g. `fio/0` or `kworker/0:1`. */
  readonly task: string;
  readonly pid: number;
  /** What it sleeps on (wait queue, mutex, rwsem, completion). */
  readonly waitingOn: string;
  /** Virtual time it went to sleep at. */
  readonly since: number;
}
