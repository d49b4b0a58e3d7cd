/**
 * `returned(value)`: what a kernel function that may sleep hands back when,
 * in this call, it returns before anything that could sleep.
 * @module
 */
import type { KGen } from './context';

/**
 * A finished call: an iterator whose first `next()` is already the result
 * (`done: true`, `value`). It is its own iterator result, so `yield*` on it
 * allocates nothing more; it is immutable, so one object serves every call
 * that returns the same common value.
 */
class Returned<R> implements KGen<R> {
  readonly done = true as const;
  constructor(readonly value: R) {}

  next(): IteratorReturnResult<R> {
    return this;
  }

  return(value: R): IteratorReturnResult<R> {
    return { value, done: true };
  }

  throw(e: unknown): never {
    throw e;
  }

  [Symbol.iterator](): this {
    return this;
  }
}

const RETURNED_VOID = new Returned<undefined>(undefined);
const RETURNED_ZERO = new Returned<number>(0);

/**
 * A kernel function that may sleep is a generator; where it sleeps only in
 * a call to another function that may sleep, which it makes last (`return
 * xfsIlock(...)`), it can be a plain function handing back that call's
 * generator, and `returned(value)` on its other branches (the NOWAIT
 * trylock, a range with no cached pages): its callers `yield*` it as
 * before, and a call that returns at once makes no generator object.
 * `yield*` it (or step it) at once: the function's work is done when it
 * returns, not at the first `next()` as a generator's body would be.
 */
export function returned<R>(value: R): KGen<R> {
  if (value === undefined) return RETURNED_VOID as unknown as KGen<R>;
  if (value === 0) return RETURNED_ZERO as unknown as KGen<R>;
  return new Returned(value);
}
