/**
 * The `current` pointers: the context whose code is running and the engine
 * running it (`current` in the kernel, generalised to IRQ contexts). Set by
 * the engine around each step; read by everything simulated code calls.
 * @module
 */
import type { Engine, ExecContext } from './context';

interface Current {
  ctx: ExecContext | null;
  sim: Engine | null;
}
/** @internal the context whose code is executing right now, and its engine. */
export const current: Current = { ctx: null, sim: null };
