/**
 * Deadlock detection: when a task goes to sleep, walk the wait-for graph from
 * what it sleeps on. If the walk reaches the sleeper itself — directly (it
 * waits on something only it can make true) or through other tasks that are
 * themselves in uninterruptible sleep — nothing can ever wake it.
 * @module
 */
import type { Blocker, Waitable } from './blocker';
import { DeadlockError } from './errors';
import { Task } from './task';

const MAX_DEPTH = 64;

/** Throws DeadlockError if `sleeper` sleeping on `on` closes a wait-for cycle. */
export function detectDeadlock(sleeper: Task, on: Waitable): void {
  const chain: string[] = [`${sleeper}`, `waits on '${on.name}'`];
  const seen = new Set<Task>();
  const walk = (w: Waitable, depth: number): void => {
    for (const b of w.blockers() as Iterable<Blocker>) {
      if (!(b instanceof Task)) continue; // a device or timer: it will act by itself
      if (b === sleeper) {
        chain.push(`which only ${b} can make true`);
        throw new DeadlockError(`deadlock: ${sleeper} would sleep forever on '${on.name}'`, chain);
      }
      // Only uninterruptible sleepers are stuck: a runnable task will act, and an
      // interruptible one is woken by the signal/task_work that needs it.
      if (b.state !== 'D' || b.waitingOn === null || seen.has(b) || depth >= MAX_DEPTH) continue;
      seen.add(b);
      chain.push(`held by ${b}`, `which waits on '${b.waitingOn.name}'`);
      walk(b.waitingOn, depth + 1);
      chain.length -= 2;
    }
  };
  walk(on, 0);
}
