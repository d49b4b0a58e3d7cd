/**
 * Worker pools (kernel/workqueue.c, struct worker_pool): per-CPU pools
 * (normal and highpri) and unbound pools, each with a worklist, idle
 * kworkers, the busy set, and nr_running for concurrency management. The
 * kworker loop itself is in worker.ts.
 * @module
 */
import type { EventHandle, Simulator } from '@dio/sim';
import { hogTickStop } from './hog';
import { wqState, type WqState } from './state';
import type { WorkStruct } from './work';
import { lastIndexOfWorker, Worker, workerThread } from './worker';

/** A queued instance of a work item on a pool. */
export interface Queued {
  readonly work: WorkStruct;
  readonly pwq: PoolWorkqueueLike;
  readonly inst: number;
}

/** What a pool needs of the workqueue side (struct pool_workqueue). */
export interface PoolWorkqueueLike {
  readonly wqFlags: number;
  readonly wqName: string;
  readonly pool: WorkerPool;
  /** Active (not inactive) items of this pwq. */
  readonly nrActive: number;
  /** The workqueue (for is_chained_work and non-reentrancy). */
  readonly wq: object;
  /** Called when an instance finished (pwq_dec_nr_in_flight). */
  workDone(q: Queued): void;
  /** send_mayday(): put this pwq on its queue's mayday list and wake the rescuer (no-op without WQ_MEM_RECLAIM). */
  sendMayday(): void;
}

/** struct worker_pool. */
export class WorkerPool {
  readonly worklist: Queued[] = [];
  /** Workers counted as running (concurrency management); always 0 for unbound pools. */
  nrRunning = 0;
  /**
   * Idle workers, most recently idle *last* (the kernel's idle_list has it
   * first; kept reversed so entering idle is a push, not an unshift).
   */
  readonly idle: Worker[] = [];
  readonly workers: Worker[] = [];
  /**
   * busy_hash: workers (and an attached rescuer) executing an item, in the
   * order they started. An array, not a Set: it holds a handful of workers,
   * and a Set's add/delete on every work item keeps rehashing its table.
   */
  readonly busy: Worker[] = [];
  /** POOL_MANAGER_ACTIVE: a worker is in maybe_create_worker(). */
  managerActive = false;
  /** @internal pool->mayday_timer, armed while creating a worker fails. */
  maydayEv: EventHandle | null = null;
  /** @internal the next scheduler tick at which wq_worker_tick() looks at this pool's busy workers (stopped when its CPU goes idle). */
  tickEv: EventHandle | null = null;
  /** @internal the simulation's workqueue state, `wqState(sim)` looked up once. */
  readonly wqs: WqState;
  /** Workers created so far (create_worker successes). */
  created = 0;
  /** create_worker() attempts that failed (memory pressure). */
  createFailures = 0;
  private nextId = 0;

  constructor(
    readonly sim: Simulator,
    /** The CPU of a per-CPU pool; null for an unbound pool. */
    readonly cpu: number | null,
    readonly highpri: boolean,
    /** pool->id: cpu·2 + highpri for per-CPU pools, 2·nr_cpus upwards for unbound ones. */
    readonly id: number,
  ) {
    this.wqs = wqState(sim);
    if (cpu !== null) sim.cpus[cpu]?.idleHooks.push(() => hogTickStop(this));
    // the first worker of a pool exists before memory pressure can matter (workqueue_init)
    this.spawnWorker();
  }

  get unbound(): boolean {
    return this.cpu === null;
  }

  /** need_more_worker(): work queued and nobody running. */
  needMoreWorker(): boolean {
    return this.worklist.length > 0 && this.nrRunning === 0;
  }

  /** may_start_working(): an idle worker is left to take over as manager. */
  mayStartWorking(): boolean {
    return this.idle.length > 0;
  }

  /** need_to_create_worker(). */
  needToCreateWorker(): boolean {
    return this.needMoreWorker() && !this.mayStartWorking();
  }

  /** keep_working(): work queued and at most this worker running. */
  keepWorking(): boolean {
    return this.worklist.length > 0 && this.nrRunning <= 1;
  }

  // kernel/workqueue.c: kick_pool()
  /** @internal `w` started executing an item (hash_add(pool->busy_hash, …)). */
  addBusy(w: Worker): void {
    if (w.onBusy) return;
    w.onBusy = true;
    this.busy.push(w);
  }

  /** @internal `w` finished its item (hash_del()). */
  removeBusy(w: Worker): void {
    if (!w.onBusy) return;
    w.onBusy = false;
    const b = this.busy;
    const i = lastIndexOfWorker(b, w);
    if (i < 0) return;
    if (i === b.length - 1) b.pop();
    else b.splice(i, 1);
  }

  /** Wake the first idle worker if more concurrency is needed. */
  kick(): void {
    if (!this.needMoreWorker()) return;
    const idle = this.idle;
    if (idle.length === 0) return; // (idle[-1] would be a slow named-property miss, not an array read)
    const w = idle[idle.length - 1] as Worker; // first_idle_worker(): the most recently idle
    this.sim.wakeUpState(w.task, 'S');
  }

  // kernel/workqueue.c: find_worker_executing_work()
  /** The worker of this pool executing `work`, if any. */
  findWorkerExecuting(work: WorkStruct): Worker | undefined {
    for (const w of this.busy) if (w.current?.work === work) return w;
    return undefined;
  }

  // kernel/workqueue.c: create_worker()
  /** A new idle kworker, or null when creation fails under memory pressure (see `setWorkerCreationFailing`). */
  createWorker(): Worker | null {
    if (this.wqs.createFails) {
      this.createFailures++;
      return null;
    }
    return this.spawnWorker();
  }

  private spawnWorker(): Worker {
    const id = this.nextId++;
    // "%d:%d%s" (cpu, id, "H" for highpri) for per-CPU pools, "u%d:%d" (pool id, id) for unbound ones
    const name = this.unbound ? `kworker/u${this.id}:${id}` : `kworker/${this.cpu}:${id}${this.highpri ? 'H' : ''}`;
    const w = new Worker(name, this);
    const cpus = this.unbound ? this.sim.cpus.map((c) => c.id) : [this.cpu as number];
    // HIGHPRI_NICE_LEVEL = MIN_NICE
    w.task = this.sim.spawn(name, workerThread(this, w), { kind: 'kthread', cpusAllowed: cpus, nice: this.highpri ? -20 : 0, sleeping: w.wq });
    w.attach();
    this.created++;
    this.workers.push(w);
    this.idle.push(w);
    return w;
  }
}

/** The shared pool for (cpu or unbound, highpri) in a simulation, created on first use. */
export function getPool(sim: Simulator, cpu: number | null, highpri: boolean): WorkerPool {
  const st = wqState(sim);
  const key = `${cpu ?? 'u'}:${highpri ? 'H' : ''}`;
  let p = st.pools.get(key) as WorkerPool | undefined;
  if (p === undefined) {
    const id = cpu === null ? st.nextUnboundId++ : cpu * 2 + (highpri ? 1 : 0);
    p = new WorkerPool(sim, cpu, highpri, id);
    st.pools.set(key, p);
  }
  return p;
}

/** Every pool of a simulation (for reports). */
export function allPools(sim: Simulator): WorkerPool[] {
  return [...wqState(sim).pools.values()] as WorkerPool[];
}
