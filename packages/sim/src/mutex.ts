/**
 * Sleeping mutex (kernel/locking/mutex.c): FIFO hand-off to waiters.
 * @module
 */
import type { Blocker, MutexRequest, MutexState, Task } from './context';
import { DeadlockError } from './errors';
import { currentCtx, currentTask, mightSleep } from './requests';

/** `struct mutex`. */
export class Mutex implements MutexState {
  owner: Task | null = null;
  /** @internal */
  readonly waiters: Task[] = [];

  constructor(readonly name: string) {}

  *blockers(): Iterable<Blocker> {
    if (this.owner) yield this.owner;
  }

  /** `mutex_is_locked()`. */
  get locked(): boolean {
    return this.owner !== null;
  }
}

/** `mutex_lock()`: `yield mutexLock(m)`. Sleeps if contended; task context only. */
export function mutexLock(m: Mutex): MutexRequest {
  if (currentCtx().atomicContext) mightSleep(`mutex_lock('${m.name}')`); // the message is built only when it throws
  const t = currentTask();
  if (m.owner === t) throw new DeadlockError(`recursive mutex_lock('${m.name}')`, [`${t}`, `holds '${m.name}'`, `${t}`]);
  return { op: 'mutex_lock', m };
}

/** `mutex_trylock()`: take it if free. */
export function mutexTrylock(m: Mutex): boolean {
  if (m.owner !== null) return false;
  m.owner = currentTask();
  return true;
}

/** `mutex_unlock()`: hand the mutex to the oldest waiter, if any. */
export function mutexUnlock(m: Mutex): void {
  const t = currentTask();
  if (m.owner !== t) throw new Error(`mutex_unlock('${m.name}') by ${t}, owner is ${m.owner ?? 'nobody'}`);
  const next = m.waiters.shift();
  m.owner = next ?? null;
  if (next) next.cpu.sim.wakeUpTask(next, 'woken');
}
