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
 * holds WORKER_PREP for good, so it never counts in nr_running. Attaching
 * sets its CPU mask to the pool's (set_cpus_allowed_ptr()): asleep, it wakes
 * there; running elsewhere, the migration stopper moves it before it goes on.
 * @module
 */
import { condResched, type KGen, type Simulator, wait } from '@dio/sim';
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
  private stopping = false;

  constructor(
    readonly sim: Simulator,
    name: string,
  ) {
    this.worker = new Worker(name, null, true);
    this.worker.task = sim.spawn(name, this.thread(), { kind: 'kthread', sleeping: this.worker.wq });
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

  // kernel/workqueue.c: worker_attach_to_pool() -> set_cpus_allowed_ptr()
  /** Restrict the rescuer to `pool`'s CPUs; returns whether it must move. */
  private bind(pool: WorkerPool): boolean {
    const t = this.worker.task;
    const cpus = pool.cpu === null ? this.sim.cpus.map((c) => c.id) : [pool.cpu];
    const move = !cpus.includes(t.cpu.id);
    this.sim.setCpusAllowed(t, cpus);
    return move;
  }

  // kernel/workqueue.c: rescuer_thread()
  private *thread(): KGen<void> {
    const w = this.worker;
    for (;;) {
      for (let pwq = this.maydays.shift(); pwq !== undefined; pwq = this.maydays.shift()) {
        const pool = pwq.pool;
        // worker_attach_to_pool(): set_cpus_allowed_ptr(current) returns on the pool's CPU
        if (this.bind(pool)) yield condResched;
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
