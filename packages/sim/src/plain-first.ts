/**
 * Plain-first calls: the runtime of scripts/plain-first.mjs, the build step
 * that gives each kernel function that may sleep a plain twin.
 *
 * A call of a function that may sleep (`yield* f(args)`) runs f's plain
 * twin (`f.plainForm`). The twin does what f does; where f would yield a
 * request (a spend, a sleep, a lock), the twin returns a `Suspended`
 * instead: the request, and the generator that continues the call from
 * that point. Each twin between the request and the nearest generator adds
 * its own continuation to it and returns it in turn; that generator delegates to
 * it (`yield* s`): the request goes to the engine, and then the
 * continuations run. So a call that does not yield makes no generator object,
 * and one that does makes its frames then, once, with the engine seeing the
 * same requests in the same order as without the build step.
 * @module
 */
import type { KGen, Request } from './context';

/**
 * A call that yields a request before it ends: the request, and the
 * generator that continues the call. It is the iterator a generator
 * delegates to (`yield* s`): its first step is the request (it is its own
 * iterator result, so that step allocates nothing), and every later step is
 * the continuation's.
 */
export class Suspended implements KGen<unknown> {
  readonly done = false as const;
  /** What the engine resumed the call with (the value the request's `yield` returns); the continuation reads it first. */
  v: unknown = undefined;
  /** The continuation. */
  gen: KGen<unknown> | null = null;
  private yielded = false;

  constructor(readonly value: Request) {}

  next(v?: unknown): IteratorResult<Request, unknown> {
    if (!this.yielded) {
      this.yielded = true;
      return this;
    }
    this.v = v;
    return (this.gen as KGen<unknown>).next(v);
  }

  return(value: unknown): IteratorResult<Request, unknown> {
    return this.gen === null ? { value, done: true } : this.gen.return(value as never);
  }

  throw(e: unknown): IteratorResult<Request, unknown> {
    if (!this.yielded || this.gen === null) throw e;
    return this.gen.throw(e);
  }

  [Symbol.iterator](): this {
    return this;
  }
}

/**
 * Run `it` (a generator or a `returned()` call of a function without a plain
 * twin) up to its first request: its result if it ends first, else a
 * `Suspended` that continues it.
 */
export function stepCall<R>(it: KGen<R>): R | Suspended {
  const r = it.next();
  if (r.done === true) return r.value;
  const s = new Suspended(r.value);
  s.gen = new Continue(s, it);
  return s;
}

/**
 * `it` from the request it yielded: its first step takes what the engine
 * answered (`s.v`), the later ones what they are given, as `yield*` would
 * pass them. An iterator, not a generator: it is made on every call that
 * yields from a function without a twin (a system call's `SyscallRun`).
 */
class Continue<R> implements KGen<R> {
  private started = false;

  constructor(
    private readonly s: Suspended,
    private readonly it: KGen<R>,
  ) {}

  next(v?: unknown): IteratorResult<Request, R> {
    if (!this.started) {
      this.started = true;
      return this.it.next(this.s.v);
    }
    return this.it.next(v);
  }

  return(value: R): IteratorResult<Request, R> {
    return this.it.return(value);
  }

  throw(e: unknown): IteratorResult<Request, R> {
    return this.it.throw(e);
  }

  [Symbol.iterator](): this {
    return this;
  }
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

/**
 * Call `f(...args)` plain-first from hand-written engine code (what the
 * build step writes for `yield* f(...args)`): its value, or the Suspended
 * that continues it. Without the build step, `f`'s generator stepped.
 */
export function callPlainFirst<A extends unknown[], R>(f: (...args: A) => KGen<R>, ...args: A): R | Suspended {
  const twin = (f as typeof f & { plainForm?: (...args: A) => R | Suspended }).plainForm;
  return twin !== undefined ? twin(...args) : (stepCall(f(...args)) as R | Suspended);
}

/** `f` with its plain twin attached (`f.plainForm = twin`), returned: how a method of an object literal gets its twin where the object is made. */
export function withPlainForm<F extends object>(f: F, twin: (...args: never[]) => unknown): F {
  (f as F & { plainForm?: unknown }).plainForm = twin;
  return f;
}
