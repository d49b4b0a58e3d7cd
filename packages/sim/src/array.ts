/**
 * Array helpers for hot paths.
 * @module
 */

/**
 * Empty `list` but keep its backing store, so the next pushes do not allocate
 * again: `list.length = 0` and `list.splice(0)` free the store. Only for a
 * list nobody else still reads as it was (a reused batch or scratch array).
 */
export function clearArray(list: unknown[]): void {
  while (list.length > 0) list.pop();
}
