/**
 * The kernel's workqueue (struct workqueue_struct with its pool_workqueues):
 * alloc_workqueue, max_active with inactive items, ordered queues, flush,
 * cancel and destroy.
 * @module
 */
import { type KGen, type Simulator, tryCurrentCtx, WaitQueue, waitEvent } from '@dio/sim';
import { __WQ_ORDERED, WQ_DFL_ACTIVE, WQ_HIGHPRI, WQ_MAX_ACTIVE, WQ_MEM_RECLAIM, WQ_UNBOUND, WQ_VALID } from './flags';
import { getPool, type PoolWorkqueueLike, type Queued, type WorkerPool } from './pool';
import type { Workqueue, WorkStruct } from './work';

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

  insert(q: Queued): void {
    const sim = this.pool.sim;
    if (sim.tracing) sim.trace('workqueue_queue_work', { work: q.work.name, wq: this.wq.name, cpu: this.pool.cpu ?? -1, inst: q.inst });
    if (this.nrActive < this.wq.maxActive) this.activate(q);
    else this.inactive.push(q);
  }

  private activate(q: Queued): void {
    this.nrActive++;
    const sim = this.pool.sim;
    if (sim.tracing) sim.trace('workqueue_activate_work', { work: q.work.name, inst: q.inst });
    this.pool.worklist.push(q);
    this.pool.kick();
  }

  // kernel/workqueue.c: pwq_dec_nr_in_flight() → pwq_activate_first_inactive()
  workDone(q: Queued): void {
    this.nrActive--;
    const next = this.inactive.shift();
    if (next !== undefined) this.activate(next);
    this.wq.finished(q.inst);
  }

  /** Remove a still-queued instance of `work`; returns whether one was found. */
  unqueue(work: WorkStruct): Queued | null {
    const inA = this.pool.worklist.findIndex((q) => q.work === work && q.pwq === this);
    if (inA >= 0) {
      const [q] = this.pool.worklist.splice(inA, 1);
      this.nrActive--;
      const next = this.inactive.shift();
      if (next !== undefined) this.activate(next);
      return q ?? null;
    }
    const inI = this.inactive.findIndex((q) => q.work === work);
    if (inI >= 0) return this.inactive.splice(inI, 1)[0] ?? null;
    return null;
  }
}

/** The kernel's workqueue implementation. */
export class WorkqueueImpl implements Workqueue {
  private readonly pwqs = new Map<string, PoolWorkqueue>();
  private readonly inflight = new Set<number>();
  private readonly flushWq: WaitQueue;
  private nextInst = 0;
  private dead = false;

  constructor(
    readonly sim: Simulator,
    readonly name: string,
    readonly flags: number,
    readonly maxActive: number,
  ) {
    this.flushWq = new WaitQueue(`flush_workqueue(${name})`);
    if (flags & WQ_MEM_RECLAIM) {
      // the rescuer: a kthread that stands by for memory pressure (never needed here)
      sim.spawn(name, function* () {}, { kind: 'kthread', sleeping: new WaitQueue(`${name} rescuer`) });
    }
  }

  private pwqFor(cpu: number | null): PoolWorkqueue {
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
    if (this.dead) throw new Error(`queue_work on destroyed workqueue '${this.name}'`);
    if (work.pending) return false;
    const c = cpu ?? tryCurrentCtx()?.cpu?.id ?? 0;
    if (!Number.isInteger(c) || c < 0 || c >= this.sim.cpus.length) throw new RangeError(`queue_work_on: no cpu ${c}`);
    work.pending = true;
    work.queuedOn = this;
    const inst = this.nextInst++;
    this.inflight.add(inst);
    const pwq = this.pwqFor(c);
    pwq.insert({ work, pwq, inst });
    return true;
  }

  /** @internal an instance finished. */
  finished(inst: number): void {
    this.inflight.delete(inst);
    this.flushWq.wakeUpAll();
  }

  *flush(): KGen<void> {
    const before = [...this.inflight];
    yield* waitEvent(this.flushWq, () => before.every((i) => !this.inflight.has(i)), { state: 'D' });
  }

  *cancelSync(work: WorkStruct): KGen<boolean> {
    let was = false;
    if (work.pending) {
      for (const p of this.pwqs.values()) {
        const q = p.unqueue(work);
        if (q !== null) {
          was = true;
          work.pending = false;
          this.finished(q.inst);
          break;
        }
      }
    }
    if (work.running > 0) yield* waitEvent(work.flushWq, () => work.running === 0, { state: 'D' });
    return was;
  }

  *destroy(): KGen<void> {
    yield* this.flush();
    this.dead = true;
  }
}

/** Thrown for invalid alloc_workqueue arguments. */
export class WorkqueueError extends Error {
  override readonly name = 'WorkqueueError';
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
