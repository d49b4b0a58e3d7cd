/**
 * Reader/writer semaphore (kernel/locking/rwsem.c), FIFO-fair: a waiting
 * writer blocks new readers. This is `i_rwsem`.
 * @module
 */
import type { Blocker, Waitable } from './blocker';
import { DeadlockError } from './errors';
import { currentTask, mightSleep, type RwSemRequest } from './requests';
import type { Task } from './task';

/** `struct rw_semaphore`. */
export class RwSem implements Waitable {
  writer: Task | null = null;
  readonly readers = new Map<Task, number>();
  /** @internal */
  readonly waiters: { task: Task; write: boolean }[] = [];

  constructor(readonly name: string) {}

  *blockers(): Iterable<Blocker> {
    if (this.writer) yield this.writer;
    yield* this.readers.keys();
  }

  /** @internal grant the lock to `t` if it can take it now. */
  tryGrant(t: Task, write: boolean): boolean {
    if (write) {
      if (this.writer !== null || this.readers.size > 0) return false;
      this.writer = t;
      return true;
    }
    if (this.writer !== null || this.waiters.some((w) => w.write)) return false;
    this.readers.set(t, (this.readers.get(t) ?? 0) + 1);
    return true;
  }

  /** @internal after a release: grant to waiters at the head of the queue. */
  grantWaiters(): void {
    while (this.waiters.length > 0) {
      const w = this.waiters[0] as { task: Task; write: boolean };
      if (w.write) {
        if (this.writer !== null || this.readers.size > 0) return;
        this.writer = w.task;
      } else {
        if (this.writer !== null) return;
        this.readers.set(w.task, (this.readers.get(w.task) ?? 0) + 1);
      }
      this.waiters.shift();
      w.task.cpu.sim.wakeUpTask(w.task, 'woken');
      if (w.write) return;
    }
  }
}

function selfCheck(s: RwSem, t: Task, write: boolean): void {
  if (s.writer === t || (write && s.readers.has(t))) {
    throw new DeadlockError(`${write ? 'down_write' : 'down_read'}('${s.name}') while already holding it`, [
      `${t}`,
      `holds '${s.name}'`,
      `${t}`,
    ]);
  }
}

/** `down_read()`: `yield downRead(s)`. */
export function downRead(s: RwSem): RwSemRequest {
  mightSleep(`down_read('${s.name}')`);
  selfCheck(s, currentTask(), false);
  return { op: 'down_read', s };
}

/** `down_write()`: `yield downWrite(s)`. */
export function downWrite(s: RwSem): RwSemRequest {
  mightSleep(`down_write('${s.name}')`);
  selfCheck(s, currentTask(), true);
  return { op: 'down_write', s };
}

/** `up_read()`. */
export function upRead(s: RwSem): void {
  const t = currentTask();
  const n = s.readers.get(t);
  if (n === undefined) throw new Error(`up_read('${s.name}') by ${t}, which does not hold it`);
  if (n > 1) s.readers.set(t, n - 1);
  else s.readers.delete(t);
  s.grantWaiters();
}

/** `up_write()`. */
export function upWrite(s: RwSem): void {
  const t = currentTask();
  if (s.writer !== t) throw new Error(`up_write('${s.name}') by ${t}, writer is ${s.writer ?? 'nobody'}`);
  s.writer = null;
  s.grantWaiters();
}

/** `down_read_trylock()`: take it shared if that needs no sleep. */
export function downReadTrylock(s: RwSem): boolean {
  return s.waiters.length === 0 && s.tryGrant(currentTask(), false);
}

/** `down_write_trylock()`. */
export function downWriteTrylock(s: RwSem): boolean {
  return s.waiters.length === 0 && s.tryGrant(currentTask(), true);
}
