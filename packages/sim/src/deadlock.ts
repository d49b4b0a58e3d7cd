/**
 * Deadlock detection: when a task goes to sleep, walk the wait-for graph from
 * what it sleeps on. If the walk reaches the sleeper itself — directly (it
 * waits on something only it can make true) or through other tasks that are
 * themselves in uninterruptible sleep — nothing can ever wake it.
 * @module
 */
import { type Blocker, Task, type Waitable } from './context';
import { DeadlockError } from './errors';

const MAX_DEPTH = 64;

/**
 * Whether the walk below can find anything: some direct blocker of `on` is the
 * sleeper itself or a task in uninterruptible sleep. If none is, the walk
 * stops at the first level and there is no cycle. This is the answer for
 * almost every sleep (kworkers idling, CQ waits, device waits), so checking it
 * first keeps the common case free of the chain and set allocations.
 */
function mayCloseCycle(sleeper: Task, on: Waitable): boolean {
  const bs = on.blockers();
  if (Array.isArray(bs)) {
    // most waitables answer with an array (often the shared empty one): index it, no iterator
    for (let i = 0; i < bs.length; i++) if (stuck(sleeper, bs[i] as Blocker)) return true;
    return false;
  }
  for (const b of bs) if (stuck(sleeper, b)) return true;
  return false;
}

/** `b` is the sleeper itself or a task in uninterruptible sleep on something. */
function stuck(sleeper: Task, b: Blocker): boolean {
  return b instanceof Task && (b === sleeper || (b.state === 'D' && b.waitingOn !== null));
}

/** Throws DeadlockError if `sleeper` sleeping on `on` closes a wait-for cycle. */
export function detectDeadlock(sleeper: Task, on: Waitable): void {
  if (!mayCloseCycle(sleeper, on)) return;
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
