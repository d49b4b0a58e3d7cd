/**
 * The helpers that build what simulated code yields to the engine (the
 * `Request` types are in context.ts), and `runNoSleep`.
 *
 * A bare number is `spend(ns)`: burn that much CPU time in the current
 * context (preemptible by interrupts). Everything else is a request object.
 * Helpers that can block check the context *before* yielding, so an
 * `InvalidContextError` is thrown inside the offending generator and its
 * JavaScript stack shows the call chain.
 * @module
 */
import type { Cpu, Engine, ExecContext, KGen, Request, SchedRequest, SleepRequest, Task } from './context';
import { InvalidContextError } from './errors';
import { current } from './current';
import { type Call, type FrameFault, isCall, pushCall, stepTop, type Suspended } from './plain-first';
import type { Ns } from './time';

/** The context running now (`current` in the kernel, generalised to IRQ contexts). */
export function currentCtx(): ExecContext {
  const c = current.ctx;
  if (c === null) throw new Error('not inside simulated code');
  return c;
}

/** The context running now, or null outside simulated code (event callbacks, set-up). */
export function tryCurrentCtx(): ExecContext | null {
  return current.ctx;
}

/** The engine running the current code (`currentSim()` gives the whole simulator). */
export function currentEngine(): Engine {
  const s = current.sim;
  if (s === null) throw new Error('not inside simulated code');
  return s;
}

/** The task whose context is running now; throws in IRQ context. */
export function currentTask(): Task {
  const c = currentCtx();
  if (c.task === null) throw new InvalidContextError('current task used outside task context', [c.describe()]);
  return c.task;
}

/** Throws InvalidContextError unless the current context may sleep (`might_sleep()`). */
export function mightSleep(what: string): ExecContext {
  const c = currentCtx();
  if (c.atomicContext) {
    const chain = [c.describe()];
    for (const l of c.heldSpinlocks) chain.push(`holding spinlock '${l.name}'`);
    if (c.irqsOff > 0 && c.heldSpinlocks.length === 0) chain.push('with interrupts disabled');
    if (c.kind === 'task' && c.atomic > c.heldSpinlocks.length) chain.push('with preemption disabled');
    chain.push(what);
    const frames = jsFrames();
    if (frames.length > 0) chain.push(`code path: ${frames.join(' <- ')}`);
    throw new InvalidContextError(`BUG: sleeping function called from invalid context: ${what}`, chain);
  }
  return c;
}

/** Function names on the JS stack inside simulated code (innermost first), for error chains. */
function jsFrames(): string[] {
  const stack = new Error().stack ?? '';
  const out: string[] = [];
  for (const line of stack.split('\n').slice(3)) {
    const m = /at (?:Generator\.next \(<anonymous>\)|([\w$.<>]+))/.exec(line);
    const name = m?.[1];
    if (name === undefined || name.startsWith('Simulator.') || name === 'Generator.next') continue;
    if (name.includes('node:') || name === 'new') continue;
    out.push(name.replace(/^Object\./, ''));
    if (out.length >= 8) break;
  }
  return out;
}

/**
 * Burn `ns` of CPU time in the running context, as a plain call: the code
 * costs `ns`, then goes on. Interrupts due meanwhile run nested on top of it
 * at their exact time (docs/engine.md). Kernel code that cannot sleep is a
 * plain function that charges its costs and acts; user-mode time is a
 * `yield ns` (user mode is preemptible anywhere). Always true.
 */
export function charge(ns: number): boolean {
  const s = current.sim;
  if (s === null) throw new InvalidContextError('charge() outside simulated code', [`charge(${ns})`]);
  return s.charge(ns);
}

/**
 * Run generator code that must not sleep here to its end from a plain
 * function, and return its result: a kernel function that may sleep only in
 * some calls (without IOCB_NOWAIT, or when it must convert unwritten
 * extents), called where it does not (io_uring's non-blocking issue, an
 * interrupt completing a dio inline). Its spends are charged in place
 * (`charge`), `condResched` is a no-op, an uncontended spinlock is taken; any
 * request that would sleep or wait throws `InvalidContextError` naming it.
 */
export function runNoSleep<R>(g: KGen<R> | Suspended): R {
  const s = current.sim;
  if (s === null) throw new Error('not inside simulated code');
  const ctx = currentCtx();
  ctx.noSleep++;
  try {
    return stepNoSleep(s, g) as R;
  } finally {
    ctx.noSleep--;
  }
}

/** `runNoSleep`'s loop: step call `g` to its end. */
function stepNoSleep(s: Engine, g: Call): unknown {
  // the frames of the calls under way, innermost last (a build with plain-first calls yields calls, plain-first.ts)
  const stack: KGen<unknown>[] = [];
  let req: Request | Call | undefined = g;
  let value: unknown = undefined;
  const fault: FrameFault = { frameThrew: false, frameError: undefined };
  for (;;) {
    while (isCall(req)) req = pushCall(stack, req);
    if (req !== undefined) {
      value = undefined;
      if (typeof req === 'number') s.charge(req);
      else if (req.op === 'cond_resched') {
        // a no-op here
      } else if (!(req.op === 'spin_lock' && s.tryAcquireSpinlock(currentCtx(), req.l, req.irqsave))) {
        const c = currentCtx();
        throw new InvalidContextError(`BUG: '${req.op}' would sleep or wait in code run with runNoSleep()`, [c.describe(), ...jsFrames()]);
      }
    }
    const r = stepTop(stack, 0, value, fault);
    if (r === null) {
      req = undefined;
      continue;
    }
    if (r.done === true) {
      stack.pop();
      if (stack.length === 0) return r.value;
      value = r.value;
      req = undefined;
      continue;
    }
    req = r.value;
  }
}

/** Burn `ns` of CPU time in the current context. `yield spend(n)` ≡ `yield n`. */
export function spend(ns: Ns): number {
  return ns;
}

/** Sleep for `ns` (an integer; task context only), as in `usleep`/`hrtimer_nanosleep`. */
export function sleep(ns: Ns): SleepRequest {
  if (!Number.isSafeInteger(ns)) throw new RangeError(`sleep(${ns}): time must be an integer number of ns`);
  if (currentCtx().atomicContext) mightSleep(`sleep(${ns})`); // the message is built only when it throws
  return { op: 'sleep', ns };
}

// kernel/sched/core.c: should_resched() (the test __cond_resched() makes)
/**
 * Whether `yield condResched` would switch away now. When it is false the
 * yield is a no-op that still travels through every generator frame to the
 * engine and back, so hot paths write `if (shouldResched()) yield condResched;`
 * — the same behaviour, minus the trip.
 */
export function shouldResched(): boolean {
  const c = current.ctx;
  if (c === null || c.kind !== 'task' || c.atomic !== 0) return false;
  const cpu = c.cpu as Cpu;
  return cpu.needResched && cpu.irqStack.length === 0;
}

/** A preemption point (`cond_resched()`): lets the scheduler switch if a reschedule is pending. */
export const condResched: SchedRequest = { op: 'cond_resched' };
/** Give up the CPU but stay runnable (`sched_yield()`). */
export const schedYield: SchedRequest = { op: 'yield' };
