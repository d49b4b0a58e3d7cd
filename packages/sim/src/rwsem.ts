/**
 * Reader/writer semaphore (kernel/locking/rwsem.c), FIFO-fair: a waiting
 * writer blocks new readers. This is `i_rwsem`.
 * @module
 */
import type { Blocker, RwSemRequest, RwSemState, Task } from './context';
import { DeadlockError } from './errors';
import { currentCtx, currentTask, mightSleep } from './requests';

/** `struct rw_semaphore`. */
export class RwSem implements RwSemState {
  writer: Task | null = null;
  /**
   * @internal tasks holding it shared, oldest first, with `readCounts[i]` holds
   * each. Two small arrays rather than a Map: there are rarely more than a few
   * readers, and taking and dropping `i_rwsem` is on every DIO's path.
   */
  readonly readerTasks: Task[] = [];
  /** @internal */
  readonly readCounts: number[] = [];
  /** @internal */
  readonly waiters: { task: Task; write: boolean }[] = [];

  constructor(readonly name: string) {}

  *blockers(): Iterable<Blocker> {
    if (this.writer) yield this.writer;
    yield* this.readerTasks;
  }

  /** The readers holding it and how many times each holds it (a snapshot, for inspection). */
  get readers(): ReadonlyMap<Task, number> {
    return new Map(this.readerTasks.map((t, i) => [t, this.readCounts[i] as number]));
  }

  /** @internal take it shared once more for `t`. */
  addReader(t: Task): void {
    const i = this.readerTasks.indexOf(t);
    if (i >= 0) this.readCounts[i] = (this.readCounts[i] as number) + 1;
    else {
      this.readerTasks.push(t);
      this.readCounts.push(1);
    }
  }

  /** @internal grant the lock to `t` if it can take it now. */
  tryGrant(t: Task, write: boolean): boolean {
    if (write) {
      if (this.writer !== null || this.readerTasks.length > 0) return false;
      this.writer = t;
      return true;
    }
    if (this.writer !== null || this.waiters.some((w) => w.write)) return false;
    this.addReader(t);
    return true;
  }

  /** @internal take it now if nobody queues ahead and it is free for `write` (the uncontended fast path, and trylock). */
  tryAcquire(t: Task, write: boolean): boolean {
    return this.waiters.length === 0 && this.tryGrant(t, write);
  }

  /** @internal after a release: grant to waiters at the head of the queue. */
  grantWaiters(): void {
    while (this.waiters.length > 0) {
      const w = this.waiters[0] as { task: Task; write: boolean };
      if (w.write) {
        if (this.writer !== null || this.readerTasks.length > 0) return;
        this.writer = w.task;
      } else {
        if (this.writer !== null) return;
        this.addReader(w.task);
      }
      this.waiters.shift();
      w.task.cpu.sim.wakeUpTask(w.task, 'woken');
      if (w.write) return;
    }
  }
}

function selfCheck(s: RwSem, t: Task, write: boolean): void {
  if (s.writer === t || (write && s.readerTasks.includes(t))) {
    throw new DeadlockError(`${write ? 'down_write' : 'down_read'}('${s.name}') while already holding it`, [
      `${t}`,
      `holds '${s.name}'`,
      `${t}`,
    ]);
  }
}

/** `down_read()`: `yield downRead(s)`. */
export function downRead(s: RwSem): RwSemRequest {
  if (currentCtx().atomicContext) mightSleep(`down_read('${s.name}')`); // the message is built only when it throws
  selfCheck(s, currentTask(), false);
  return { op: 'down_read', s };
}

/** `down_write()`: `yield downWrite(s)`. */
export function downWrite(s: RwSem): RwSemRequest {
  if (currentCtx().atomicContext) mightSleep(`down_write('${s.name}')`);
  selfCheck(s, currentTask(), true);
  return { op: 'down_write', s };
}

/** `up_read()`. */
export function upRead(s: RwSem): void {
  const t = currentTask();
  const i = s.readerTasks.indexOf(t);
  if (i < 0) throw new Error(`up_read('${s.name}') by ${t}, which does not hold it`);
  const n = s.readCounts[i] as number;
  if (n > 1) s.readCounts[i] = n - 1;
  else if (i === s.readerTasks.length - 1) {
    // the usual case (one reader): pop() allocates nothing, unlike splice()
    s.readerTasks.pop();
    s.readCounts.pop();
  } else {
    s.readerTasks.splice(i, 1);
    s.readCounts.splice(i, 1);
  }
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
  return s.tryAcquire(currentTask(), false);
}

/** `down_write_trylock()`. */
export function downWriteTrylock(s: RwSem): boolean {
  return s.tryAcquire(currentTask(), true);
}
