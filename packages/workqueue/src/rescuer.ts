/**
 * The rescuer of a WQ_MEM_RECLAIM workqueue (kernel/workqueue.c:
 * init_rescuer(), send_mayday(), rescuer_thread()). A queue used on the
 * memory-reclaim path must make progress even when no new kworker can be
 * created, so it owns one kthread, named after the queue. When a pool's
 * manager fails to create a worker (memory pressure, see
 * `setWorkerCreationFailing`) for MAYDAY_INITIAL_TIMEOUT, the pool's mayday
 * timer calls the rescuer of every queue with work waiting on the pool; the
 * rescuer attaches to that pool (migrating to its CPU), takes that queue's
 * items off the worklist and runs them, then kicks the pool and detaches. It
 * holds WORKER_PREP for good, so it never counts in nr_running.
 *
 * Approximation: the engine has no set_cpus_allowed_ptr() for a running
 * task, so attaching to a pool on another CPU is modelled as rewriting the
 * rescuer's allowed-CPU mask and sleeping 1 ns, after which the wakeup places
 * it on the pool's CPU.
 * @module
 */
import { type KGen, type Simulator, sleep, wait } from '@dio/sim';
import type { PoolWorkqueueLike, WorkerPool } from './pool';
import { assignWork, processScheduledWorks, Worker } from './worker';

/** A workqueue's rescuer thread. */
export class Rescuer {
  readonly worker: Worker;
  /** wq->maydays: pool_workqueues that called for help, oldest first. */
  readonly maydays: PoolWorkqueueLike[] = [];
  /** Work items it ran (pwq->stats[PWQ_STAT_RESCUED]). */
  rescued = 0;
  /** Times it was summoned (pwq->stats[PWQ_STAT_MAYDAY]). */
  maydayCalls = 0;
  private readonly mask: number[];
  private stopping = false;

  constructor(
    readonly sim: Simulator,
    name: string,
  ) {
    this.mask = sim.cpus.map((c) => c.id);
    this.worker = new Worker(name, null, true);
    this.worker.task = sim.spawn(name, this.thread(), { kind: 'kthread', cpusAllowed: this.mask, sleeping: this.worker.wq });
    this.worker.attach();
  }

  // kernel/workqueue.c: send_mayday()
  /** Put `pwq` on the mayday list and wake the rescuer. */
  sendMayday(pwq: PoolWorkqueueLike): void {
    if (this.maydays.includes(pwq)) return;
    this.maydayCalls++;
    this.maydays.push(pwq);
    const t = this.worker.task;
    if (t.state === 'S' && this.maydays.length === 1) this.bind(pwq.pool);
    this.sim.wakeUpState(t, 'S');
  }

  // kernel/kthread.c: kthread_stop() (from destroy_workqueue)
  /** Let the thread exit once its mayday list is empty. */
  stop(): void {
    this.stopping = true;
    this.sim.wakeUpState(this.worker.task, 'S');
  }

  /** Restrict the rescuer to `pool`'s CPUs; returns whether it must move. */
  private bind(pool: WorkerPool): boolean {
    const cpus = pool.cpu === null ? this.sim.cpus.map((c) => c.id) : [pool.cpu];
    this.mask.splice(0, this.mask.length, ...cpus);
    return !cpus.includes(this.worker.task.cpu.id);
  }

  // kernel/workqueue.c: rescuer_thread()
  private *thread(): KGen<void> {
    const w = this.worker;
    for (;;) {
      for (let pwq = this.maydays.shift(); pwq !== undefined; pwq = this.maydays.shift()) {
        const pool = pwq.pool;
        // worker_attach_to_pool()
        if (this.bind(pool)) yield sleep(1);
        w.pool = pool;
        // "Slurp in all works issued via this workqueue and process'em."
        for (let i = 0; i < pool.worklist.length; ) {
          const q = pool.worklist[i];
          if (q === undefined || q.pwq !== pwq) {
            i++;
            continue;
          }
          pool.worklist.splice(i, 1);
          if (assignWork(pool, w, q)) this.rescued++;
        }
        if (w.scheduled.length > 0) {
          yield* processScheduledWorks(pool, w);
          // more may have become active meanwhile: stay on the list rather than wait MAYDAY_INTERVAL
          if (pwq.nrActive > 0 && pool.needToCreateWorker() && !this.maydays.includes(pwq)) this.maydays.push(pwq);
        }
        // "Leave this pool. Notify regular workers; otherwise, we end up with 0 concurrency."
        pool.kick();
        w.pool = null; // worker_detach_from_pool()
      }
      if (this.stopping) return;
      yield wait(w.wq, { state: 'S' });
    }
  }
}
