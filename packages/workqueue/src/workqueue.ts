/**
 * The kernel's workqueue (struct workqueue_struct with its pool_workqueues):
 * alloc_workqueue, max_active with inactive items, ordered queues, the
 * rescuer of WQ_MEM_RECLAIM queues, freezing of WQ_FREEZABLE ones, flush,
 * cancel, drain and destroy.
 * @module
 */
import { type KGen, type Simulator, tryCurrentCtx } from '@dio/sim';
import { __WQ_ORDERED, WQ_DFL_ACTIVE, WQ_FREEZABLE, WQ_HIGHPRI, WQ_MAX_ACTIVE, WQ_MEM_RECLAIM, WQ_UNBOUND, WQ_VALID } from './flags';
import { FlushTracker } from './flush';
import { getPool, type PoolWorkqueueLike, type Queued, type WorkerPool } from './pool';
import { Rescuer } from './rescuer';
import { type Freezable, wqState } from './state';
import { waitWorkIdle, type Workqueue, type WorkStruct, workCancelled } from './work';
import { currentWorker } from './worker';

/** Thrown for invalid alloc_workqueue arguments and for queueing on a draining or destroyed queue. */
export class WorkqueueError extends Error {
  override readonly name = 'WorkqueueError';
}

/** struct pool_workqueue: one workqueue's link to one pool, with its own max_active. */
class PoolWorkqueue implements PoolWorkqueueLike {
  nrActive = 0;
  readonly inactive: Queued[] = [];
  constructor(
    readonly wq: WorkqueueImpl,
    readonly pool: WorkerPool,
  ) {}
  get wqFlags(): number {
    return this.wq.flags;
  }
  get wqName(): string {
    return this.wq.name;
  }
  /** pwq->max_active: the queue's, or 0 while frozen (pwq_adjust_max_active). */
  get maxActive(): number {
    return this.wq.frozen ? 0 : this.wq.maxActive;
  }

  // kernel/workqueue.c: __queue_work() → insert_work()
  insert(q: Queued): void {
    const sim = this.pool.sim;
    if (sim.tracing) sim.trace('workqueue_queue_work', { work: q.work.name, wq: this.wq.name, cpu: this.pool.cpu ?? -1, inst: q.inst });
    if (this.nrActive < this.maxActive) this.activate(q);
    else this.inactive.push(q);
  }

  private activate(q: Queued): void {
    this.nrActive++;
    const sim = this.pool.sim;
    if (sim.tracing) sim.trace('workqueue_activate_work', { work: q.work.name, inst: q.inst });
    this.pool.worklist.push(q);
    this.pool.kick();
  }

  // kernel/workqueue.c: pwq_activate_first_inactive()
  activateInactive(): void {
    while (this.nrActive < this.maxActive) {
      const next = this.inactive.shift();
      if (next === undefined) return;
      this.activate(next);
    }
  }

  // kernel/workqueue.c: pwq_dec_nr_in_flight()
  workDone(q: Queued): void {
    this.nrActive--;
    this.activateInactive();
    this.wq.finished(q.inst);
  }

  sendMayday(): void {
    this.wq.rescuer?.sendMayday(this);
  }

  /** Remove a still-queued instance of `work`; returns it or null. */
  unqueue(work: WorkStruct): Queued | null {
    const inA = this.pool.worklist.findIndex((q) => q.work === work && q.pwq === this);
    if (inA >= 0) {
      const [q] = this.pool.worklist.splice(inA, 1);
      this.nrActive--;
      this.activateInactive();
      return q ?? null;
    }
    const inI = this.inactive.findIndex((q) => q.work === work);
    if (inI >= 0) return this.inactive.splice(inI, 1)[0] ?? null;
    for (const w of this.pool.busy) {
      // assigned to a busy worker by the non-reentrancy rule, not yet started
      const inS = w.scheduled.findIndex((q) => q.work === work && q.pwq === this);
      if (inS >= 0) {
        const [q] = w.scheduled.splice(inS, 1);
        this.nrActive--;
        this.activateInactive();
        return q ?? null;
      }
    }
    return null;
  }
}

/** The kernel's workqueue implementation. */
export class WorkqueueImpl implements Workqueue, Freezable {
  private readonly pwqs = new Map<string, PoolWorkqueue>();
  /** `pwqs` by CPU (every CPU maps to the one pwq of an unbound queue): a lookup without building the key string. */
  private readonly pwqByCpu: (PoolWorkqueue | undefined)[] = [];
  private readonly tracker: FlushTracker;
  /** The rescuer thread of a WQ_MEM_RECLAIM queue. */
  readonly rescuer: Rescuer | null;
  /** __WQ_DRAINING: only chained work may be queued. */
  private draining = false;
  private dead = false;
  /** Frozen by freezeWorkqueues() (WQ_FREEZABLE only): new items stay inactive. */
  frozen = false;

  constructor(
    readonly sim: Simulator,
    readonly name: string,
    readonly flags: number,
    readonly maxActive: number,
  ) {
    this.tracker = new FlushTracker(name);
    this.rescuer = flags & WQ_MEM_RECLAIM ? new Rescuer(sim, name) : null;
    const st = wqState(sim);
    st.workqueues.add(this);
    if (st.freezing) this.setFrozen(true);
  }

  private pwqFor(cpu: number): PoolWorkqueue {
    let p = this.pwqByCpu[cpu];
    if (p === undefined) {
      p = this.makePwq(cpu);
      this.pwqByCpu[cpu] = p;
    }
    return p;
  }

  private makePwq(cpu: number): PoolWorkqueue {
    const unbound = (this.flags & WQ_UNBOUND) !== 0;
    const key = unbound ? 'u' : String(cpu);
    let p = this.pwqs.get(key);
    if (p === undefined) {
      p = new PoolWorkqueue(this, getPool(this.sim, unbound ? null : cpu, (this.flags & WQ_HIGHPRI) !== 0));
      this.pwqs.set(key, p);
    }
    return p;
  }

  // kernel/workqueue.c: __queue_work()
  queueWorkOn(cpu: number | null, work: WorkStruct): boolean {
    if (this.dead) throw new WorkqueueError(`queue_work on destroyed workqueue '${this.name}'`);
    // is_chained_work(): a draining queue takes work only from its own items
    if (this.draining && currentWorker()?.current?.pwq.wq !== this) {
      throw new WorkqueueError(`queue_work on workqueue '${this.name}' while it is being drained or destroyed`);
    }
    if (work.pending || work.canceling) return false;
    const c = cpu ?? tryCurrentCtx()?.cpu?.id ?? 0;
    if (!Number.isInteger(c) || c < 0 || c >= this.sim.cpus.length) throw new RangeError(`queue_work_on: no cpu ${c}`);
    let pwq = this.pwqFor(c);
    if (work.running > 0) {
      // "If @work was previously on a different pool, it might still be running there, in which case
      // the work needs to be queued on that pool to guarantee non-reentrancy."
      for (const p of this.pwqs.values()) {
        if (p !== pwq && p.pool.findWorkerExecuting(work)?.current?.pwq === p) pwq = p;
      }
    }
    work.pending = true;
    work.queuedOn = this;
    pwq.insert({ work, pwq, inst: this.tracker.begin() });
    return true;
  }

  /** @internal an instance finished. */
  finished(inst: number): void {
    this.tracker.end(inst);
  }

  flush(): KGen<void> {
    return this.tracker.flush();
  }

  *cancelSync(work: WorkStruct): KGen<boolean> {
    let was = false;
    if (work.pending) {
      for (const p of this.pwqs.values()) {
        const q = p.unqueue(work);
        if (q !== null) {
          was = true;
          workCancelled(work);
          this.finished(q.inst);
          break;
        }
      }
    }
    if (work.running > 0) yield* waitWorkIdle(work);
    return was;
  }

  // kernel/workqueue.c: drain_workqueue()
  /** Flush until empty, refusing all but chained work meanwhile. */
  *drain(): KGen<void> {
    this.draining = true;
    try {
      while (this.tracker.size > 0) yield* this.tracker.flush();
    } finally {
      this.draining = false;
    }
  }

  // kernel/workqueue.c: destroy_workqueue()
  *destroy(): KGen<void> {
    if (this.dead) throw new WorkqueueError(`destroy_workqueue: '${this.name}' was already destroyed`);
    yield* this.drain();
    this.dead = true;
    this.rescuer?.stop();
    wqState(this.sim).workqueues.delete(this);
  }

  // kernel/workqueue.c: pwq_adjust_max_active()
  setFrozen(frozen: boolean): void {
    if ((this.flags & WQ_FREEZABLE) === 0 || this.frozen === frozen) return;
    this.frozen = frozen;
    if (!frozen) for (const p of this.pwqs.values()) p.activateInactive();
  }

  nrActiveTotal(): number {
    let n = 0;
    for (const p of this.pwqs.values()) n += p.nrActive;
    return n;
  }
}

// kernel/workqueue.c: alloc_workqueue()
/** alloc_workqueue(name, flags, max_active): max_active 0 means WQ_DFL_ACTIVE (256); bound unless WQ_UNBOUND. */
export function allocWorkqueue(sim: Simulator, name: string, flags: number, maxActive: number): WorkqueueImpl {
  if (flags & ~WQ_VALID) throw new WorkqueueError(`alloc_workqueue('${name}'): unknown flags 0x${(flags & ~WQ_VALID).toString(16)}`);
  if (!Number.isInteger(maxActive) || maxActive < 0) throw new WorkqueueError(`alloc_workqueue('${name}'): max_active must be ≥ 0, got ${maxActive}`);
  const active = maxActive === 0 ? WQ_DFL_ACTIVE : Math.min(maxActive, WQ_MAX_ACTIVE); // wq_clamp_max_active()
  return new WorkqueueImpl(sim, name, flags, active);
}

// include/linux/workqueue.h: alloc_ordered_workqueue()
/** One item at a time, in queueing order. */
export function allocOrderedWorkqueue(sim: Simulator, name: string, flags = 0): WorkqueueImpl {
  return allocWorkqueue(sim, name, WQ_UNBOUND | __WQ_ORDERED | flags, 1);
}
