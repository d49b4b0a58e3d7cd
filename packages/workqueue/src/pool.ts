/**
 * Worker pools and kworkers (kernel/workqueue.c): per-CPU pools (normal and
 * highpri) and unbound pools, concurrency management through nr_running,
 * and process_one_work.
 * @module
 */
import { charge, condResched, type KGen, type Simulator, type Task, wait, WaitQueue } from '@dio/sim';
import { WQ_CPU_INTENSIVE, WQ_CPU_INTENSIVE_THRESH_NS } from './flags';
import type { WorkStruct } from './work';

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
  /** Called when an instance finished (pwq_dec_nr_in_flight). */
  workDone(q: Queued): void;
}

/** A kworker (struct worker). */
export class Worker {
  task!: Task;
  idle = true;
  /** WORKER_PREP: awake but not yet counted as running. */
  prep = true;
  cpuIntensive = false;
  readonly wq: WaitQueue;
  constructor(readonly name: string) {
    this.wq = new WaitQueue(`${name} idle`);
  }
}

/** struct worker_pool. */
export class WorkerPool {
  readonly worklist: Queued[] = [];
  /** Workers counted as running (concurrency management); always 0 for unbound pools. */
  nrRunning = 0;
  /** Idle workers, most recently idle first. */
  readonly idle: Worker[] = [];
  readonly workers: Worker[] = [];
  /** CPU-hog reports: work function name → times it ran longer than wq_cpu_intensive_thresh_us. */
  readonly hogs = new Map<string, number>();
  private nextId = 0;

  constructor(
    readonly sim: Simulator,
    /** The CPU of a per-CPU pool; null for an unbound pool. */
    readonly cpu: number | null,
    readonly highpri: boolean,
  ) {
    this.createWorker();
  }

  get unbound(): boolean {
    return this.cpu === null;
  }

  /** need_more_worker(): work queued and nobody running. */
  needMoreWorker(): boolean {
    return this.worklist.length > 0 && this.nrRunning === 0;
  }

  /** keep_working(): work queued and at most this worker running. */
  keepWorking(): boolean {
    return this.worklist.length > 0 && this.nrRunning <= 1;
  }

  /** kick_pool(): wake the first idle worker if more concurrency is needed. */
  kick(): void {
    if (!this.needMoreWorker()) return;
    const w = this.idle[0];
    if (w !== undefined) this.sim.wakeUpState(w.task, 'S');
  }

  // kernel/workqueue.c: create_worker()
  createWorker(): Worker {
    const id = this.nextId++;
    const name = this.unbound ? `kworker/u${this.sim.cpus.length * 2}:${id}` : `kworker/${this.cpu}:${id}${this.highpri ? 'H' : ''}`;
    const w = new Worker(name);
    const cpus = this.unbound ? this.sim.cpus.map((c) => c.id) : [this.cpu as number];
    w.task = this.sim.spawn(name, this.workerThread(w), { kind: 'kthread', cpusAllowed: cpus, nice: this.highpri ? -20 : 0, sleeping: w.wq });
    w.task.schedHooks = {
      // kernel/workqueue.c: wq_worker_sleeping()
      sleeping: () => {
        if (!this.counted(w)) return;
        this.nrRunning--;
        this.kick();
      },
      // kernel/workqueue.c: wq_worker_running()
      running: () => {
        if (this.counted(w)) this.nrRunning++;
      },
    };
    this.workers.push(w);
    this.idle.unshift(w);
    return w;
  }

  private counted(w: Worker): boolean {
    return !this.unbound && !w.idle && !w.prep && !w.cpuIntensive;
  }

  // kernel/workqueue.c: worker_thread()
  private *workerThread(w: Worker): KGen<void> {
    const costs = this.sim.costs;
    for (;;) {
      // woke_up: worker_leave_idle()
      w.idle = false;
      w.prep = true;
      const i = this.idle.indexOf(w);
      if (i >= 0) this.idle.splice(i, 1);
      for (;;) {
        if (!this.needMoreWorker()) break;
        if (this.idle.length === 0) {
          // may_start_working() failed: manage_workers() creates a spare first
          if (!charge(costs.kworkerCreate)) yield costs.kworkerCreate;
          this.createWorker();
          continue;
        }
        w.prep = false;
        if (!this.unbound) this.nrRunning++;
        do {
          yield* this.processOneWork(w, this.worklist.shift() as Queued);
        } while (this.keepWorking());
        if (!this.unbound) this.nrRunning--;
        w.prep = true;
        break;
      }
      // sleep: worker_enter_idle()
      w.idle = true;
      this.idle.unshift(w);
      yield wait(w.wq, { state: 'S' });
    }
  }

  // kernel/workqueue.c: process_one_work()
  private *processOneWork(w: Worker, q: Queued): KGen<void> {
    const sim = this.sim;
    const work = q.work;
    work.pending = false;
    work.running++;
    const intensive = (q.pwq.wqFlags & WQ_CPU_INTENSIVE) !== 0;
    if (intensive) {
      if (!this.unbound) this.nrRunning--;
      w.cpuIntensive = true;
      this.kick(); // an intensive item doesn't hold back the others
    }
    if (sim.tracing) sim.trace('workqueue_execute_start', { work: work.name, wq: q.pwq.wqName, inst: q.inst });
    if (!charge(sim.costs.workItem)) yield sim.costs.workItem;
    const t0 = w.task.stime;
    yield* work.func(work);
    const used = w.task.stime - t0;
    if (!intensive && used > WQ_CPU_INTENSIVE_THRESH_NS) {
      // kernel/workqueue.c: wq_cpu_intensive_report()
      this.hogs.set(work.name, (this.hogs.get(work.name) ?? 0) + 1);
      if (sim.tracing) sim.trace('workqueue_cpu_hog', { work: work.name, us: Math.round(used / 1000) });
    }
    if (sim.tracing) sim.trace('workqueue_execute_end', { work: work.name, inst: q.inst });
    if (intensive) {
      w.cpuIntensive = false;
      if (!this.unbound) this.nrRunning++;
    }
    work.running--;
    work.done++;
    work.flushWq.wakeUpAll();
    q.pwq.workDone(q);
    // "We want to give others a chance": a preemption point after every item
    yield condResched;
  }
}

const pools = new WeakMap<Simulator, Map<string, WorkerPool>>();

/** The shared pool for (cpu or unbound, highpri) in a simulation, created on first use. */
export function getPool(sim: Simulator, cpu: number | null, highpri: boolean): WorkerPool {
  let m = pools.get(sim);
  if (m === undefined) {
    m = new Map();
    pools.set(sim, m);
  }
  const key = `${cpu ?? 'u'}:${highpri ? 'H' : ''}`;
  let p = m.get(key);
  if (p === undefined) {
    p = new WorkerPool(sim, cpu, highpri);
    m.set(key, p);
  }
  return p;
}

/** Every pool of a simulation (for reports). */
export function allPools(sim: Simulator): WorkerPool[] {
  return [...(pools.get(sim)?.values() ?? [])];
}

/** The kernel's CPU-hog warnings so far: "workqueue: f hogged CPU for >10000us N times, consider switching to WQ_UNBOUND". */
export function wqHogWarnings(sim: Simulator): string[] {
  const out: string[] = [];
  for (const p of allPools(sim)) {
    for (const [fn, n] of p.hogs) {
      out.push(`workqueue: ${fn} hogged CPU for >${WQ_CPU_INTENSIVE_THRESH_NS / 1000}us ${n} times, consider switching to WQ_UNBOUND`);
    }
  }
  return out;
}
