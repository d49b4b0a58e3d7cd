/**
 * EEVDF, the fair class from Linux 6.6 on (kernel/sched/fair.c after
 * 147f3efaa241 "sched/fair: Implement an EEVDF-like scheduling policy"):
 * every runnable task has a virtual runtime and a virtual deadline one
 * request (`base_slice`) ahead of it; the CPU runs the *eligible* task (not
 * ahead of the queue's weighted average vruntime) with the earliest
 * deadline. A task keeps its lag across a sleep (PLACE_LAG) instead of CFS's
 * sleeper credit, and a task just picked runs its request out before a
 * wakee may preempt it (RUN_TO_PARITY). What this leaves out: DELAY_DEQUEUE
 * (6.12: a sleeper with negative lag stays queued until eligible — here it
 * leaves at once and keeps the lag), per-task slices (sched_attr), and cgroup
 * hierarchies. Approximated: a task running alone has its request renewed
 * when it is next switched, not at every tick, so a wakee that arrives after
 * that task's request ran out preempts it at once, where the kernel — having
 * renewed the request at the last tick — may let it run to the next tick. The queue is the CPU's run queue plus its running task, as
 * the kernel's cfs_rq counts `curr`.
 * @module
 */
import type { Cpu, Task } from './context';
import type { SchedParams } from './sched';
import type { Ns } from './time';

/** calc_delta_fair(): `ns` of CPU time in a task's virtual time. */
const vdelta = (ns: number, t: Task): number => (ns * 1024) / t.weight;

/** The running task's vruntime brought up to `now` (update_curr()'s arithmetic, without storing it). */
export function currVruntime(curr: Task, now: Ns): number {
  return curr.vruntime + vdelta(now - curr.execStart, curr);
}

/** A queue's load-weighted vruntime sum over a zero point, and its load. */
interface AvgVruntime {
  readonly sum: number;
  readonly load: number;
  readonly zero: number;
}

// kernel/sched/fair.c: avg_vruntime()
/**
 * avg_vruntime(): the load-weighted mean vruntime of `cpu`'s queue — its
 * queued tasks and `curr` at `currV` (curr is null when it is not on the
 * queue) — as a sum over a common zero (min_vruntime) to keep the numbers small.
 */
function avgVruntime(cpu: Cpu, curr: Task | null, currV: number): AvgVruntime {
  const zero = cpu.rq.minVruntime;
  let sum = 0;
  let load = 0;
  if (curr !== null) {
    sum += (currV - zero) * curr.weight;
    load += curr.weight;
  }
  for (const t of cpu.rq.list()) {
    sum += (t.vruntime - zero) * t.weight;
    load += t.weight;
  }
  return { sum, load, zero };
}

// kernel/sched/fair.c: vruntime_eligible()
/** vruntime_eligible(): a task at `v` has non-negative lag — it is not ahead of the weighted average. */
function eligible(avg: AvgVruntime, v: number): boolean {
  return avg.sum >= (v - avg.zero) * avg.load;
}

// kernel/sched/fair.c: pick_eevdf()
/**
 * pick_eevdf(): the eligible task with the earliest virtual deadline among
 * `cpu`'s queue and `curr` (at `currV`; null if it is not runnable). A
 * current task still inside its protected slice (RUN_TO_PARITY) and
 * eligible is kept. Ties go to the queued task, then to the earlier
 * enqueue; an empty queue gives null.
 */
export function pickEevdf(cpu: Cpu, curr: Task | null, currV: number): Task | null {
  const avg = avgVruntime(cpu, curr, currV);
  if (curr !== null && !eligible(avg, currV)) curr = null;
  if (curr !== null && currV < curr.vprot) return curr;
  let best: Task | null = null;
  let fallback: Task | null = null;
  for (const t of cpu.rq.list()) {
    if (fallback === null || t.vruntime < fallback.vruntime || (t.vruntime === fallback.vruntime && t.enqSeq < fallback.enqSeq)) fallback = t;
    if (!eligible(avg, t.vruntime)) continue;
    if (best === null || t.deadline < best.deadline || (t.deadline === best.deadline && t.enqSeq < best.enqSeq)) best = t;
  }
  // the running task wins only with a strictly earlier deadline (it is not in the kernel's tree)
  if (curr !== null && (best === null || best.deadline > curr.deadline)) best = curr;
  // rounding can leave nothing eligible; the kernel's tree then gives the leftmost
  return best ?? fallback;
}

// kernel/sched/fair.c: update_deadline()
/** update_deadline(): once `t` (at `v`) has used its request, the next one starts: deadline = vruntime + vslice. Returns whether it did. */
export function updateDeadline(p: SchedParams, t: Task, v: number): boolean {
  if (v < t.deadline) return false;
  t.deadline = v + vdelta(p.baseSliceNs, t);
  return true;
}

// kernel/sched/fair.c: update_entity_lag()
/**
 * update_entity_lag(): as `t` (at its stored vruntime) leaves `cpu`'s queue,
 * keep its lag — the queue's average minus its vruntime — clamped to two
 * requests (or a tick). `curr` is the running task (at `currV`) if it is not `t`.
 */
export function updateEntityLag(p: SchedParams, cpu: Cpu, t: Task, curr: Task | null, currV: number): void {
  const avg = avgVruntime(cpu, curr, currV);
  const w = avg.load + t.weight;
  const v = avg.zero + (avg.sum + (t.vruntime - avg.zero) * t.weight) / w;
  const limit = vdelta(Math.max(2 * p.baseSliceNs, p.tickNs), t);
  t.vlag = Math.min(limit, Math.max(-limit, v - t.vruntime));
}

// kernel/sched/fair.c: place_entity()
/**
 * place_entity(): put `t` on `cpu`'s queue at the queue's average vruntime
 * minus its saved lag (PLACE_LAG; the lag is inflated by the weight it adds,
 * so it survives its own arrival), with a deadline one request ahead — half a
 * request for a new task (PLACE_DEADLINE_INITIAL). Call before enqueueing.
 */
export function placeEntity(p: SchedParams, cpu: Cpu, t: Task, now: Ns, initial: boolean): void {
  const curr = cpu.curr;
  const avg = avgVruntime(cpu, curr, curr === null ? 0 : currVruntime(curr, now));
  const v = avg.load > 0 ? avg.zero + avg.sum / avg.load : cpu.rq.minVruntime;
  const lag = avg.load > 0 ? (t.vlag * (avg.load + t.weight)) / avg.load : t.vlag;
  t.vruntime = v - lag;
  const vslice = vdelta(p.baseSliceNs, t);
  t.deadline = t.vruntime + (initial ? vslice / 2 : vslice);
}

// kernel/sched/fair.c: set_protect_slice()
/** set_protect_slice(): a task just picked runs until its deadline before a wakee may preempt it (RUN_TO_PARITY). */
export function setProtectSlice(t: Task): void {
  t.vprot = t.deadline;
}

// kernel/sched/fair.c: yield_task_fair()
/** yield_task_fair(): the yielding task's deadline moves a request on (and loses its protection), so others go first. */
export function yieldTaskFair(p: SchedParams, t: Task): void {
  t.deadline += vdelta(p.baseSliceNs, t);
  t.vprot = 0;
}
