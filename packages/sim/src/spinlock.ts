/**
 * Spinlocks (kernel/locking/spinlock.c): taking one disables preemption
 * (and, with `irqsave`, local interrupts); contention busy-waits on the CPU.
 * Sleeping while one is held is an InvalidContextError.
 * @module
 */
import type { ExecContext, SpinLockState, SpinRequest } from './context';
import { DeadlockError } from './errors';
import { currentCtx, currentEngine } from './requests';

/** `spinlock_t`. */
export class SpinLock implements SpinLockState {
  holder: ExecContext | null = null;
  /** @internal contexts busy-waiting for it, in arrival order. */
  readonly spinners: ExecContext[] = [];

  constructor(readonly name: string) {}
}

/** `spin_lock()` / `spin_lock_irqsave()`: `yield spinLock(l)`. Callable in any context. */
export function spinLock(l: SpinLock, irqsave = false): SpinRequest {
  const c = currentCtx();
  const h = l.holder;
  if (h === c) throw new DeadlockError(`recursive spin_lock('${l.name}')`, [c.describe(), `holds '${l.name}'`]);
  if (h !== null && h.cpu !== null && h.cpu === c.cpu) {
    // AA deadlock: the holder is the context this one interrupted.
    throw new DeadlockError(`spin_lock('${l.name}') deadlock: holder is interrupted on the same CPU`, [
      h.describe(),
      `holds '${l.name}'`,
      `interrupted by ${c.describe()}`,
      `spins on '${l.name}'`,
    ]);
  }
  return { op: 'spin_lock', l, irqsave };
}

/** `spin_unlock()` / `spin_unlock_irqrestore()`. */
export function spinUnlock(l: SpinLock, irqrestore = false): void {
  const c = currentCtx();
  if (l.holder !== c) throw new Error(`spin_unlock('${l.name}') by ${c.describe()}, which does not hold it`);
  currentEngine().releaseSpinlock(c, l, irqrestore);
}
