/**
 * The freezer's side of WQ_FREEZABLE (kernel/workqueue.c:
 * freeze_workqueues_begin(), freeze_workqueues_busy(), thaw_workqueues()),
 * as system suspend uses it: while frozen, a freezable queue's max_active is
 * 0, so new items stay inactive; items already active run to completion.
 * Queues without WQ_FREEZABLE are not affected.
 * @module
 */
import type { Simulator } from '@dio/sim';
import { WQ_FREEZABLE } from './flags';
import { wqState } from './state';

// kernel/workqueue.c: freeze_workqueues_begin()
/** Start freezing every freezable workqueue of `sim` (and those allocated later, until thawed). */
export function freezeWorkqueuesBegin(sim: Simulator): void {
  const st = wqState(sim);
  st.freezing = true;
  for (const wq of st.workqueues) wq.setFrozen(true);
}

// kernel/workqueue.c: freeze_workqueues_busy()
/** Whether a freezable workqueue still has active items (the freezer polls this). */
export function freezeWorkqueuesBusy(sim: Simulator): boolean {
  for (const wq of wqState(sim).workqueues) if ((wq.flags & WQ_FREEZABLE) !== 0 && wq.nrActiveTotal() > 0) return true;
  return false;
}

// kernel/workqueue.c: thaw_workqueues()
/** Restore max_active and activate the items that waited. */
export function thawWorkqueues(sim: Simulator): void {
  const st = wqState(sim);
  st.freezing = false;
  for (const wq of st.workqueues) wq.setFrozen(false);
}
