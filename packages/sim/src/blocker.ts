/**
 * The wait-for relation the deadlock detector walks: anything a task can
 * block on says who must act before the task can go on.
 * @module
 */
import type { Task } from './task';

/**
 * Something that can make a blocked task runnable again. A `Task` blocks the
 * chain only if it is itself asleep; an `Agent` (a device, a timer, the
 * hardware) always makes progress by itself, so a chain ending there is no deadlock.
 */
export type Blocker = Task | Agent;

/** A non-task actor that progresses on its own (device, timer, IRQ). */
export interface Agent {
  readonly agent: string;
}

/** Anything a task can sleep on. */
export interface Waitable {
  /** Human-readable name used in error chains and hung-task reports. */
  readonly name: string;
  /** Who must act before a waiter can proceed. */
  blockers(): Iterable<Blocker>;
}
