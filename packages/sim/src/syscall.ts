/**
 * The user/kernel boundary: syscalls and exit_to_user_mode(), where pending
 * task_work runs and a pending reschedule is honoured.
 * @module
 */
import type { KGen, Request, Task } from './context';
import { callPlainFirst, Suspended } from './plain-first';
import { charge, condResched, currentEngine, currentTask } from './requests';
import { runTaskWork } from './task-work';

/** A system call's handler: the kernel function the syscall table calls with the call's arguments. */
export type SyscallHandler<A extends unknown[], R> = (...args: A) => KGen<R>;

/**
 * Run a system call from a user task: pays `costs.syscall`, runs in kernel
 * mode, then `exit_to_user_mode()` (task_work, then reschedule if due). Use
 * it as `yield* syscall(handler, ...args)` — the handler and its arguments,
 * as the syscall table calls `sys_io_uring_enter(…)` — or `yield*
 * syscall(body)` with the body's generator already made. The first form
 * lets a build with plain-first calls run the handler without a generator
 * (the handler's twin, see plain-first.ts).
 */
export function syscall<R>(body: KGen<R>): KGen<R>;
export function syscall<A extends unknown[], R>(handler: SyscallHandler<A, R>, ...args: A): KGen<R>;
export function syscall<R>(body: KGen<R> | SyscallHandler<unknown[], R>, ...args: unknown[]): KGen<R> {
  const t = currentTask();
  t.inKernel++;
  charge(currentEngine().costs.syscall);
  return typeof body === 'function' ? new SyscallRun(t, null, body, args) : new SyscallRun(t, body, null, args);
}

/** Where a system call under way stands (`SyscallRun`). */
const enum Phase {
  /** The handler not called yet. */
  Start,
  /** The body's steps (`syscall(body)`). */
  Body,
  /** The handler's call yielded (plain-first): the next value is what it returned. */
  BodyCall,
  /** exit_to_user_mode()'s call yielded: the next step returns to user mode. */
  ExitCall,
}

/**
 * A system call under way: its body's steps, then exit_to_user_mode() when
 * there is work for it, then back to user mode. Hand-written as the engine's
 * other hot structures are: one small object per call, and the body's own
 * results handed through, instead of one more generator frame around every
 * system call that every step of the body goes through. A handler (or
 * exit_to_user_mode) that yields is run as a call (plain-first.ts): its
 * Suspended is yielded to the engine, which hands back what it returned.
 */
class SyscallRun<R> implements KGen<R> {
  private phase: Phase;
  private result: R | undefined = undefined;

  constructor(
    private readonly t: Task,
    /** The body's steps, for `syscall(body)`. */
    private body: KGen<R> | null,
    private readonly handler: SyscallHandler<unknown[], R> | null,
    private readonly args: unknown[],
  ) {
    this.phase = body === null ? Phase.Start : Phase.Body;
  }

  next(v?: unknown): IteratorResult<Request, R> {
    switch (this.phase) {
      case Phase.Start: {
        // the handler's first step, plain-first: its value, or (when it yields) its call
        const x = callPlainFirst(this.handler as SyscallHandler<unknown[], R>, ...this.args);
        if (x instanceof Suspended) return this.yieldCall(x, Phase.BodyCall);
        return this.bodyDone(x);
      }
      case Phase.Body: {
        const r = (this.body as KGen<R>).next(v);
        return r.done === true ? this.bodyDone(r.value) : r;
      }
      case Phase.BodyCall:
        return this.bodyDone(v as R);
      case Phase.ExitCall:
        return this.leave();
    }
  }

  /** Yield call `x` to the engine and wait in `phase` for what it returns. */
  private yieldCall(x: Suspended, phase: Phase): IteratorResult<Request, R> {
    this.phase = phase;
    return { value: x as unknown as Request, done: false };
  }

  /** The body returned `r`: exit_to_user_mode() if there is work for it, else back to user mode. */
  private bodyDone(r: R): IteratorResult<Request, R> {
    this.result = r;
    if (!exitWorkPending(this.t)) return this.leave();
    // only when there is something to do, and plain-first: a generator only if it yields
    const x = callPlainFirst(exitToUserMode);
    if (!(x instanceof Suspended)) return this.leave();
    return this.yieldCall(x, Phase.ExitCall);
  }

  private leave(): IteratorResult<Request, R> {
    this.t.inKernel--;
    return { value: this.result as R, done: true };
  }

  return(value: R): IteratorResult<Request, R> {
    this.body?.return(undefined as never);
    return { value, done: true };
  }

  throw(e: unknown): IteratorResult<Request, R> {
    if (this.phase === Phase.Body) {
      const r = (this.body as KGen<R>).throw(e);
      return r.done === true ? this.bodyDone(r.value) : r;
    }
    // the handler's or exit_to_user_mode()'s call threw (its frames are gone): out of the system call
    throw e;
  }

  [Symbol.iterator](): this {
    return this;
  }
}

/** exit_to_user_mode_prepare(): task_work queued, or a reschedule due and allowed. */
function exitWorkPending(t: Task): boolean {
  return t.taskWorks.length > 0 || (t.cpu.needResched && t.ctx.atomic === 0);
}

/** kernel/entry/common.c exit_to_user_mode_loop(): task_work, then a pending reschedule. */
export function* exitToUserMode(): KGen<void> {
  const t = currentTask();
  while (exitWorkPending(t)) {
    if (t.taskWorks.length > 0) yield* runTaskWork(t);
    else yield condResched;
  }
}

// include/linux/task_work.h: task_work_pending()
/**
 * Whether `yield* taskWorkRun()` would do anything for the current task: work
 * is queued, or a TIF_NOTIFY_SIGNAL / TIF_NOTIFY_RESUME flag is set that it
 * would clear. When false the call has no effect (and returns 0), so hot
 * loops write `if (taskWorkPending()) yield* taskWorkRun();` and skip making
 * its generator.
 */
export function taskWorkPending(): boolean {
  const t = currentTask();
  return t.taskWorks.length > 0 || t.notifySignal || t.notifyResume;
}

/**
 * task_work_run() for the current task; returns how many items ran. A plain
 * function handing back `runTaskWork`'s generator (one generator per call,
 * not two); use it as `yield* taskWorkRun()`.
 */
export function taskWorkRun(): KGen<number> {
  return runTaskWork(currentTask());
}
