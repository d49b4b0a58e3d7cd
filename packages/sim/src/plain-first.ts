/**
 * Plain-first calls: the runtime of scripts/plain-first.mjs, the build step
 * that gives each kernel function that may sleep a plain twin.
 *
 * A call of a function that may sleep (`yield* f(args)`) runs f's plain
 * twin (`f.plainForm`). The twin does what f does; where f would yield a
 * request (a spend, a sleep, a lock), the twin returns a `Suspended`
 * instead: the request, and the frames that continue the call from that
 * point — one resume generator per twin between the request and the
 * caller, each continuing where its function stopped. The nearest
 * generator yields the Suspended to the engine as a call (`Call`): the
 * engine puts its frames on the context's stack of frames and handles its
 * request; each frame, when it returns, hands its value to the one below,
 * and the last to the generator that yielded the call. So a call that does
 * not yield makes no generator object, one that does makes its frames then,
 * once, and a resume steps the innermost frame only, however deep the call:
 * the engine sees the same requests in the same order as without the step.
 * @module
 */
import type { KGen, Request } from './context';
import { current } from './current';

/**
 * A call under way, yielded by a build with plain-first calls in place of
 * `yield*`: a `Suspended`, or the iterator of a function without a twin
 * (its generator, or a `returned()` call). Whoever steps code (the engine,
 * `runNoSleep`) puts its frames on its stack and steps the innermost; what
 * the outermost returns is the value of the `yield`.
 */
export type Call = Suspended | KGen<unknown>;

/**
 * What the frame stepped next is resumed with: whoever steps code (the
 * engine, `runNoSleep`) stores it here before each step, and a resume
 * generator stepped for the first time reads it at its place (a first
 * `next(v)` does not pass `v` to a generator).
 */
export const answer: { v: unknown } = { v: undefined };

/**
 * A call that yields a request before it ends: the request, and the frames
 * that continue the call, innermost first. The request's answer (or, when a
 * frame returns, its value) goes to the next frame as `answer.v` and
 * `next(v)`, an exception as `throw(e)`. A resume generator not started yet
 * takes its value from `answer.v`; one whose place is inside a `try` is
 * started at once, so that an exception meets its `catch`.
 */
export class Suspended {
  /** The continuations, innermost first. */
  readonly frames: KGen<unknown>[] = [];

  constructor(
    /** The request (or a call whose request it is). */
    readonly value: Request | Call,
  ) {}

  /** Add the frame of the function the call returns into (a resume generator, not started). Returns this Suspended. */
  resumeIn(g: KGen<unknown>): this {
    this.frames.push(g);
    return this;
  }

  /**
   * `resumeIn` for a resume generator whose place is inside a `try`: started
   * here (it skips, without effects, to its place and stands at the `yield`
   * there), so an exception thrown into it is thrown at its place.
   */
  resumeInTry(g: KGen<unknown>): this {
    g.next();
    this.frames.push(g);
    return this;
  }
}

/**
 * Whether a request is a call (`Call`): anything that is neither a spend nor
 * a request object with an `op`.
 */
export function isCall(req: Request | Call | undefined): req is Call {
  return typeof req === 'object' && (req instanceof Suspended || (req as { op?: unknown }).op === undefined);
}

/**
 * Put call `c`'s frames on `stack` (its innermost on top) and return the
 * request to handle next, as the new top's: the Suspended's request (which
 * may itself be a call), or undefined when `c` is an iterator not yet
 * stepped (step the top with `next()`).
 */
export function pushCall(stack: KGen<unknown>[], c: Call): Request | Call | undefined {
  if (!(c instanceof Suspended)) {
    stack.push(c);
    return undefined;
  }
  const f = c.frames;
  for (let i = f.length - 1; i >= 0; i--) stack.push(f[i] as KGen<unknown>);
  return c.value;
}

/** An exception on its way down a stack of frames: thrown by one frame, to be thrown into the one below (`stepTop`). */
export interface FrameFault {
  frameThrew: boolean;
  frameError: unknown;
}

/**
 * Step the top frame of `stack`, as the engine and `runNoSleep` do: throw
 * into it the exception a frame above it threw (`f.frameThrew`), else
 * `next(value)` (with `answer.v = value`). Its result; or null when it
 * threw: it is popped and the exception kept in `f` for the frame below,
 * unless no frame above `base` is left to take it, when it is rethrown.
 */
export function stepTop(stack: KGen<unknown>[], base: number, value: unknown, f: FrameFault): IteratorResult<Request | Call, unknown> | null {
  const top = stack[stack.length - 1] as KGen<unknown>;
  try {
    if (f.frameThrew) {
      const e = f.frameError;
      f.frameThrew = false;
      f.frameError = undefined;
      return top.throw(e);
    }
    answer.v = value;
    return top.next(value);
  } catch (e) {
    stack.pop();
    if (stack.length <= base) throw e;
    f.frameThrew = true;
    f.frameError = e;
    return null;
  }
}

/**
 * What a build with plain-first calls writes for `yield x`: when `x` is a
 * spend that yielding could not change (`Engine.trySpend`), it is done in
 * place and true is returned (the `yield` is skipped, its value undefined
 * as the engine's answer to a spend); else false, and `x` is yielded.
 */
export function trySpend(x: unknown): boolean {
  return typeof x === 'number' && current.sim !== null && current.sim.trySpend(x);
}

/**
 * Run `it` (a generator or a `returned()` call of a function without a plain
 * twin) up to its first request: its result if it ends first, else a
 * `Suspended` whose one frame is `it`, standing at that request.
 */
export function stepCall<R>(it: KGen<R>): R | Suspended {
  const r = it.next();
  if (r.done === true) return r.value;
  const s = new Suspended(r.value);
  s.frames.push(it);
  return s;
}

type KFn = (this: unknown, ...args: never[]) => KGen<unknown>;
const noTwins = new WeakMap<KFn, KFn>();

/**
 * The stand-in twin of `f`, a function that may sleep built without one
 * (a layer of your own, a closure): it calls `f` and steps the generator
 * it hands back (`stepCall`). One per function, kept.
 */
export function noTwin(f: KFn): (this: unknown, ...args: never[]) => unknown {
  let w = noTwins.get(f);
  if (w === undefined) {
    w = function (this: unknown, ...args: never[]) {
      return stepCall(f.apply(this, args));
    } as unknown as KFn;
    noTwins.set(f, w);
  }
  return w;
}

/** `f` with its plain twin attached (`f.plainForm = twin`), returned: how a method of an object literal gets its twin where the object is made. */
export function withPlainForm<F extends object>(f: F, twin: (...args: never[]) => unknown): F {
  (f as F & { plainForm?: unknown }).plainForm = twin;
  return f;
}
