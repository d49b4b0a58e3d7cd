/**
 * Virtual time. Every time in dio is an integer number of nanoseconds held in a
 * `number` (exact up to 2^53 ns, about 104 days of simulated time).
 * @module
 */

/** Nanoseconds of virtual time. Always an integer. */
export type Ns = number;

/** `n` microseconds in ns. */
export const us = (n: number): Ns => Math.round(n * 1_000);
/** `n` milliseconds in ns. */
export const ms = (n: number): Ns => Math.round(n * 1_000_000);
/** `n` seconds in ns. */
export const sec = (n: number): Ns => Math.round(n * 1_000_000_000);
