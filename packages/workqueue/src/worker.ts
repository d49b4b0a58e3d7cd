/**
 * kworkers (kernel/workqueue.c, struct worker): worker_thread with its
 * manager step (maybe_create_worker and the mayday timer), assign_work with
 * the non-reentrancy rule, process_one_work, and the scheduler hooks that do
 * concurrency management (wq_worker_sleeping / wq_worker_running).
 * @module
 */
import { charge, condResched, type KGen, shouldResched, sleep, type Task, taskSchedRuntime, tryCurrentCtx, wait, WaitQueue } from '@dio/sim';
import { WQ_CPU_INTENSIVE, wqTimeouts } from './flags';
import { hogTickArm } from './hog';
import type { Queued, WorkerPool } from './pool';
import { workFinished, workStarted } from './work';

const workerOfTask = new WeakMap<Task, Worker>();

/** A kworker, or a workqueue's rescuer (struct worker). */
export class Worker {
  task!: Task;
  idle = true;
  /** WORKER_PREP: awake but not yet counted as running. A rescuer keeps it for good. */
  prep = true;
  /** WORKER_CPU_INTENSIVE: the item it runs is exempt from concurrency management. */
  cpuIntensive = false;
  /** The item it executes (worker->current_work / current_pwq). */
  current: Queued | null = null;
  /** worker->current_at: its runtime when the item started or it last woke. */
  currentAt = 0;
  /** @internal on its pool's `busy` list (hashed into busy_hash). */
  onBusy = false;
  /** worker->scheduled: items assigned to it, run one after another. */
  readonly scheduled: Queued[] = [];
  readonly wq: WaitQueue;
  constructor(
    readonly name: string,
    /** The pool it is attached to (a rescuer moves between pools). */
    public pool: WorkerPool | null,
    readonly rescuer = false,
  ) {
    this.wq = new WaitQueue(`${name} idle`);
  }

  /** WORKER_NOT_RUNNING: not counted in nr_running. */
  get notRunning(): boolean {
    return this.idle || this.prep || this.cpuIntensive || this.pool === null || this.pool.unbound;
  }

  /** @internal bind the task: record it as a worker and install the concurrency-management hooks. */
  attach(): void {
    workerOfTask.set(this.task, this);
    if (this.rescuer) return;
    this.task.schedHooks = {
      // kernel/workqueue.c: wq_worker_sleeping()
      sleeping: () => {
        const pool = this.pool as WorkerPool;
        if (this.notRunning) return;
        pool.nrRunning--;
        pool.kick();
      },
      // kernel/workqueue.c: wq_worker_running()
      running: () => {
        const pool = this.pool as WorkerPool;
        if (!this.notRunning) pool.nrRunning++;
        // CPU-intensive detection measures CPU time since the last wakeup
        this.currentAt = taskSchedRuntime(this.task);
      },
    };
  }

  /** Set (true) or clear WORKER_CPU_INTENSIVE, keeping nr_running right (worker_set_flags / worker_clr_flags). */
  setCpuIntensive(on: boolean): void {
    if (this.cpuIntensive === on) return;
    const before = this.notRunning;
    this.cpuIntensive = on;
    const pool = this.pool as WorkerPool;
    if (!before && this.notRunning) pool.nrRunning--;
    else if (before && !this.notRunning) pool.nrRunning++;
  }
}

/** `list.lastIndexOf(w)`, without the builtin's call overhead on these few-element lists. */
export function lastIndexOfWorker(list: readonly Worker[], w: Worker): number {
  let i = list.length - 1;
  while (i >= 0 && list[i] !== w) i--;
  return i;
}

/** The kworker (or rescuer) the calling task is, if any. */
export function currentWorker(): Worker | undefined {
  const t = tryCurrentCtx()?.task;
  return t === null || t === undefined ? undefined : workerOfTask.get(t);
}

// kernel/workqueue.c: worker_thread()
/** The body of a pool's kworker. */
export function* workerThread(pool: WorkerPool, w: Worker): KGen<void> {
  for (;;) {
    // woke_up: worker_leave_idle()
    w.idle = false;
    w.prep = true;
    const i = lastIndexOfWorker(pool.idle, w);
    if (i === pool.idle.length - 1) pool.idle.pop(); // usually: the worker kick_pool() woke
    else if (i >= 0) pool.idle.splice(i, 1);
    // recheck:
    for (;;) {
      if (!pool.needMoreWorker()) break;
      // may_start_working() failed: become the manager (unless another worker is) and create a spare
      if (!pool.mayStartWorking() && !pool.managerActive) {
        yield* maybeCreateWorker(pool);
        continue;
      }
      w.prep = false;
      if (!pool.unbound) pool.nrRunning++;
      do {
        if (!assignWork(pool, w, pool.worklist.shift() as Queued)) continue;
        yield* processScheduledWorks(pool, w);
      } while (pool.keepWorking());
      if (!pool.unbound) pool.nrRunning--;
      w.prep = true;
      break;
    }
    // sleep: worker_enter_idle()
    w.idle = true;
    pool.idle.push(w); // most recently idle last, see WorkerPool.idle
    yield wait(w.wq, IDLE_WAIT);
  }
}

/** How an idle kworker sleeps (one shared options object, not one per sleep). */
const IDLE_WAIT = { state: 'S' } as const;

// kernel/workqueue.c: maybe_create_worker() (called from manage_workers())
function* maybeCreateWorker(pool: WorkerPool): KGen<void> {
  const sim = pool.sim;
  const t = wqTimeouts(sim.sched.tickNs);
  pool.managerActive = true;
  const start = sim.now;
  for (;;) {
    charge(sim.costs.kworkerCreate);
    if (pool.createWorker() !== null || !pool.needToCreateWorker()) break;
    // mod_timer(&pool->mayday_timer, jiffies + MAYDAY_INITIAL_TIMEOUT), armed at the start; only
    // observable once an attempt has failed, so it is scheduled then
    pool.maydayEv ??= sim.at(Math.max(sim.now, start + t.maydayInitialNs), () => poolMaydayTimeout(pool));
    yield sleep(t.createCooldownNs); // schedule_timeout_interruptible(CREATE_COOLDOWN)
    if (!pool.needToCreateWorker()) break;
  }
  if (pool.maydayEv !== null) {
    sim.cancel(pool.maydayEv); // del_timer_sync(&pool->mayday_timer)
    pool.maydayEv = null;
  }
  pool.managerActive = false;
}

// kernel/workqueue.c: pool_mayday_timeout()
function poolMaydayTimeout(pool: WorkerPool): void {
  // "We've been trying to create a new worker but haven't been successful": summon the rescuers
  if (pool.needToCreateWorker()) for (const q of pool.worklist) q.pwq.sendMayday();
  pool.maydayEv = pool.sim.after(wqTimeouts(pool.sim.sched.tickNs).maydayIntervalNs, () => poolMaydayTimeout(pool));
}

// kernel/workqueue.c: assign_work()
/**
 * Give `q` to `w`, unless another worker of the pool is already executing the
 * same work item: then it goes to that worker's list, so a work item never
 * runs twice at once on one pool. Returns whether `w` got it.
 */
export function assignWork(pool: WorkerPool, w: Worker, q: Queued): boolean {
  if (q.work.running > 0) {
    const other = pool.findWorkerExecuting(q.work);
    if (other !== undefined && other !== w) {
      other.scheduled.push(q);
      return false;
    }
  }
  w.scheduled.push(q);
  return true;
}

// kernel/workqueue.c: process_scheduled_works()
export function* processScheduledWorks(pool: WorkerPool, w: Worker): KGen<void> {
  for (let q = w.scheduled.shift(); q !== undefined; q = w.scheduled.shift()) yield* processOneWork(pool, w, q);
}

// kernel/workqueue.c: process_one_work()
function* processOneWork(pool: WorkerPool, w: Worker, q: Queued): KGen<void> {
  const sim = pool.sim;
  const work = q.work;
  pool.addBusy(w);
  w.current = q;
  w.currentAt = taskSchedRuntime(w.task);
  workStarted(work);
  // an intensive item doesn't participate in concurrency management
  if ((q.pwq.wqFlags & WQ_CPU_INTENSIVE) !== 0) w.setCpuIntensive(true);
  // "Kick @pool if necessary": a no-op for per-CPU pools (nr_running ≥ 1 here); chains the next items
  // for WORKER_NOT_RUNNING workers (unbound and CPU_INTENSIVE ones)
  pool.kick();
  if (sim.tracing) sim.trace('workqueue_execute_start', { work: work.name, wq: q.pwq.wqName, inst: q.inst });
  charge(sim.costs.workItem);
  if (!w.notRunning) hogTickArm(pool);
  yield* work.func(work);
  processOneWorkEnd(pool, w, q);
  // "We want to give others a chance": a preemption point after every item (cond_resched(), which
  // tests should_resched() first: no trip to the engine when it would do nothing)
  if (shouldResched()) yield condResched;
}

/** The end of process_one_work() after the work function returned, before its cond_resched(). */
function processOneWorkEnd(pool: WorkerPool, w: Worker, q: Queued): void {
  const sim = pool.sim;
  const work = q.work;
  if (sim.tracing) sim.trace('workqueue_execute_end', { work: work.name, inst: q.inst });
  w.setCpuIntensive(false);
  w.current = null;
  pool.removeBusy(w);
  workFinished(work);
  q.pwq.workDone(q);
}
