/**
 * Core scheduling (kernel/sched/core.c with the CFS pieces of fair.c):
 * sleeping and waking (`try_to_wake_up`, `select_task_rq`, sleeper placement,
 * wakeup preemption), slice expiry, `__schedule` and resuming the task it
 * picks — running TIF_NOTIFY_SIGNAL/RESUME task_work on the way to user mode.
 * @module
 */
import type { Cpu, KGen, Task, Waitable, WakeReason } from './context';
import { detectDeadlock } from './deadlock';
import type { EventFn, EventHandle } from './event-queue';
import { Executor } from './executor';
import { currVruntime, pickEevdf, placeEntity, setProtectSlice, updateDeadline, updateEntityLag, yieldTaskFair } from './eevdf';
import { schedVslice } from './fork';
import { idealSlice, type SchedParams } from './sched';
import { runTaskWork } from './task-work';
import type { Ns } from './time';

/** Past this nesting depth, switching to another task goes through the event queue (bounds JS stack depth). */
const MAX_DEPTH = 32;

/** Scheduling: a layer of `Simulator`, not used on its own. */
export abstract class SchedCore extends Executor {
  abstract readonly sched: SchedParams;
  private readonly kickFn: EventFn = (c) => this.onKick(c as Cpu);
  private readonly sliceFn: EventFn = (c) => this.onSliceEnd(c as Cpu);
  private readonly timeoutFn: EventFn = (t) => this.onTimeout(t as Task);
  private readonly resumeFn: EventFn = (t) => this.onDeferredResume(t as Task);

  // ---- sleeping and waking -----------------------------------------------

  protected block(task: Task, on: Waitable, state: 'S' | 'D', timeout: Ns): void {
    task.state = state;
    task.waitingOn = on;
    task.sleptAt = this.now;
    if (timeout > 0) task.timeoutEv = this.queue.push(this.now + timeout, this.timeoutFn, task, task.cpu);
    detectDeadlock(task, on);
    if (task.schedHooks !== null) {
      task.hookSlept = true;
      task.schedHooks.sleeping();
    }
    this.reschedule(task.cpu);
  }

  protected onTimeout(t: Task): void {
    t.timeoutEv = null;
    this.wakeUpState(t, 'SD', 'timeout');
  }

  /** try_to_wake_up(): make a sleeping task runnable. Returns false if it was not asleep. */
  wakeUpTask(t: Task, reason: WakeReason): boolean {
    if (t.state === 'R' || t.state === 'X') return false;
    if (t.timeoutEv !== null) {
      this.queue.cancel(t.timeoutEv);
      t.timeoutEv = null;
    }
    t.state = 'R';
    t.waitingOn = null;
    t.ctx.resumeValue = reason;
    const cpu = this.selectCpu(t);
    this.setTaskCpu(t, cpu);
    // place_entity(): CFS gives sleepers at most half a latency period of credit; EEVDF restores their lag
    if (this.sched.fair === 'eevdf') placeEntity(this.sched, cpu, t, this.now, false);
    else {
      const floor = cpu.rq.minVruntime - this.sched.latencyNs / 2;
      if (t.vruntime < floor) t.vruntime = floor;
    }
    cpu.rq.enqueue(t);
    if (this.tracing) this.trace('sched_wakeup', { comm: t.name, pid: t.pid, target_cpu: cpu.id });
    this.checkPreemptWakeup(cpu, t);
    return true;
  }

  // kernel/sched/core.c: wake_up_new_task() (with fair.c's task_fork_fair())
  /**
   * wake_up_new_task(): make `t`, just forked by `parent` (the running task),
   * runnable. task_fork_fair() starts it at the parent's vruntime or, if
   * later, its run queue's min_vruntime plus one virtual slice (START_DEBIT:
   * a new task owes its first slice, so the tasks already there — a woken
   * sleeper included — run before it); select_task_rq(SD_BALANCE_FORK) then
   * picks an allowed CPU starting from the parent's, idle ones first, and the
   * vruntime moves there relative to min_vruntime. Then the wakeup-preemption
   * check, as for any wakeup.
   */
  protected wakeUpNewTask(t: Task, parent: Task): void {
    const pcpu = parent.cpu;
    const pcurr = pcpu.curr;
    const currV = pcurr === null ? undefined : pcurr.vruntime + ((this.now - pcurr.execStart) * 1024) / pcurr.weight;
    pcpu.rq.updateMin(currV);
    const min = pcpu.rq.minVruntime;
    const parentV = parent === pcurr && currV !== undefined ? currV : parent.vruntime;
    const rel = Math.max(parentV, min + schedVslice(this.sched, pcpu, t.weight)) - min;
    if (t.cpusAllowed.includes(pcpu.id)) t.cpu = pcpu; // sched_fork(): the child starts on the parent's CPU
    t.vruntime = t.cpu.rq.minVruntime + rel;
    t.state = 'R';
    t.waitingOn = null;
    t.ctx.resumeValue = 'woken';
    const cpu = this.selectCpu(t);
    this.setTaskCpu(t, cpu);
    if (this.sched.fair === 'eevdf') placeEntity(this.sched, cpu, t, this.now, true); // a new task has no lag
    cpu.rq.enqueue(t);
    if (this.tracing) this.trace('sched_wakeup_new', { comm: t.name, pid: t.pid, target_cpu: cpu.id });
    this.checkPreemptWakeup(cpu, t);
  }

  // kernel/sched/core.c: set_task_cpu() (with fair.c's migrate_task_rq_fair() renormalisation)
  /** set_task_cpu(): bring `cpu`'s min_vruntime up to date and renormalise `t`'s vruntime to it. */
  private setTaskCpu(t: Task, cpu: Cpu): void {
    const curr0 = cpu.curr;
    cpu.rq.updateMin(curr0 === null ? undefined : curr0.vruntime + ((this.now - curr0.execStart) * 1024) / curr0.weight);
    if (t.cpu !== cpu) {
      t.vruntime += cpu.rq.minVruntime - t.cpu.rq.minVruntime;
      t.cpu = cpu;
    }
  }

  // kernel/sched/fair.c: check_preempt_wakeup()
  /** check_preempt_wakeup(): `t` was just queued on `cpu`; kick an idle CPU, or preempt if curr is ahead by more than the wakeup granularity. */
  private checkPreemptWakeup(cpu: Cpu, t: Task): void {
    const curr = cpu.curr;
    if (curr === null) {
      if (cpu.irqStack.length === 0) this.kick(cpu);
      return;
    }
    this.armSlice(cpu);
    const currV = currVruntime(curr, this.now);
    if (this.sched.fair === 'eevdf' ? this.wakeupPreemptsEevdf(cpu, curr, currV, t) : currV - t.vruntime > (this.sched.wakeupGranularityNs * 1024) / t.weight) {
      cpu.needResched = true;
      if (cpu.irqStack.length === 0) this.kick(cpu);
    }
  }

  /**
   * check_preempt_wakeup_fair() under EEVDF: update_curr() ends curr's
   * request if it is used up (then it is preempted, as update_deadline()
   * reschedules); otherwise the wakee preempts if pick_eevdf() would now pick
   * it — never while curr is in its protected slice.
   */
  private wakeupPreemptsEevdf(cpu: Cpu, curr: Task, currV: number, t: Task): boolean {
    if (currV >= curr.deadline) return true;
    return pickEevdf(cpu, curr, currV) === t;
  }

  // kernel/sched/core.c: move_queued_task()
  /**
   * Move a runnable task that is not running (off its run queue already) to
   * `dest`'s run queue, as the migration stopper does; `dest` then gets the
   * wakeup-preemption check.
   */
  protected moveQueuedTask(t: Task, dest: Cpu): void {
    const from = t.cpu.id;
    const eevdf = this.sched.fair === 'eevdf';
    if (eevdf) {
      const src = t.cpu.curr;
      updateEntityLag(this.sched, t.cpu, t, src, src === null ? 0 : currVruntime(src, this.now));
    }
    this.setTaskCpu(t, dest);
    if (eevdf) placeEntity(this.sched, dest, t, this.now, false);
    dest.rq.enqueue(t);
    if (this.tracing) this.trace('sched_migrate_task', { comm: t.name, pid: t.pid, orig_cpu: from, dest_cpu: dest.id });
    this.checkPreemptWakeup(dest, t);
  }

  /** The migration stopper can take `t` off its CPU: not in atomic context, not spinning, interrupts on. */
  protected stoppable(t: Task): boolean {
    const c = t.ctx;
    return c.atomic === 0 && c.irqsOff === 0 && c.spinningOn === null;
  }

  /** A reschedule due on `t`'s CPU may switch `t` out now: it is preemptible, or a pending migration may stop it. */
  protected mayDeschedule(t: Task): boolean {
    return this.preemptible(t) || (t.migratePending && this.stoppable(t));
  }

  /**
   * wake_up_state(): wake `t` only if it sleeps in one of `states` (e.g. 'S'
   * for TASK_INTERRUPTIBLE), taking it off whatever it waits on.
   */
  wakeUpState(t: Task, states: 'S' | 'D' | 'SD', reason: WakeReason = 'woken'): boolean {
    if (t.state === 'R' || t.state === 'X' || !states.includes(t.state)) return false;
    const on = t.waitingOn as (Waitable & { dequeueWaiter?(t: Task): void }) | null;
    on?.dequeueWaiter?.(t);
    return this.wakeUpTask(t, reason);
  }

  /** select_task_rq(): previous CPU if idle, else any idle allowed CPU, else the previous one. */
  protected selectCpu(t: Task): Cpu {
    const allowed = t.cpusAllowed;
    if (allowed.length === 1) return this.cpus[allowed[0] as number] as Cpu;
    const prev = t.cpu;
    if (prev.idle && allowed.includes(prev.id)) return prev;
    for (const id of allowed) {
      const c = this.cpus[id] as Cpu;
      if (c.idle) return c;
    }
    return allowed.includes(prev.id) ? prev : (this.cpus[allowed[0] as number] as Cpu);
  }

  protected preemptible(t: Task): boolean {
    const c = t.ctx;
    return c.atomic === 0 && c.irqsOff === 0 && c.spinningOn === null && (this.sched.preempt === 'full' || t.inKernel === 0);
  }

  protected kick(cpu: Cpu): void {
    if (cpu.kickEv === null) cpu.kickEv = this.queue.push(this.now, this.kickFn, cpu, cpu);
  }

  protected onKick(cpu: Cpu): void {
    cpu.kickEv = null;
    if (cpu.irqStack.length > 0) return; // irq exit reschedules
    const curr = cpu.curr;
    if (curr === null) {
      if (cpu.rq.length > 0) this.reschedule(cpu);
    } else if (cpu.needResched && this.mayDeschedule(curr)) this.reschedule(cpu);
  }

  protected armSlice(cpu: Cpu, prevSlice: EventHandle | null = null): void {
    const curr = cpu.curr;
    if (cpu.sliceEv !== null || curr === null || cpu.rq.length === 0) {
      if (prevSlice !== null) this.queue.cancel(prevSlice);
      return;
    }
    const tick = this.sched.tickNs;
    // CFS: the ideal slice for the queue; EEVDF: when curr's vruntime reaches its deadline
    const due = curr.execStart + (this.sched.fair === 'eevdf' ? Math.max(0, ((curr.deadline - curr.vruntime) * curr.weight) / 1024) : idealSlice(this.sched, cpu.rq.length + 1));
    const t = Math.max(Math.ceil(due / tick), Math.floor(this.now / tick) + 1) * tick;
    cpu.sliceTask = curr;
    // the previous task's slice event, if __schedule() just dropped it, is moved (mod_timer), not cancelled and made anew
    cpu.sliceEv = prevSlice !== null && this.queue.modify(prevSlice, t) ? prevSlice : this.queue.push(t, this.sliceFn, cpu, cpu);
  }

  protected onSliceEnd(cpu: Cpu): void {
    cpu.sliceEv = null;
    const curr = cpu.curr;
    if (curr === null || curr !== cpu.sliceTask || cpu.rq.length === 0) return;
    cpu.needResched = true;
    if (cpu.irqStack.length === 0 && this.preemptible(curr)) this.reschedule(cpu);
  }

  /** The CPU goes idle: note when, and stop what ticks on it (NO_HZ idle: `Cpu.idleHooks`). */
  protected enterIdle(cpu: Cpu): void {
    cpu.idleSince = this.now;
    for (const f of cpu.idleHooks) f();
  }

  /** __schedule(): switch the CPU to the best runnable task (maybe the same one). */
  protected reschedule(cpu: Cpu): void {
    const prev = cpu.curr;
    // the current task is in the middle of a charge (a plain section on the JS stack): it cannot be
    // switched out before the charge returns; TIF_NEED_RESCHED stays set and its next yield switches
    if (prev !== null && prev.ctx.charging > 0 && prev.state === 'R') return;
    const eevdf = this.sched.fair === 'eevdf';
    let next: Task | null = null;
    if (prev !== null) {
      this.suspend(prev.ctx);
      prev.vruntime = currVruntime(prev, this.now);
      prev.onCpu = false;
      // under EEVDF pick_eevdf() may keep it (its protected slice, or still the earliest eligible deadline)
      if (eevdf) next = this.putPrevEevdf(cpu, prev);
      if (next !== prev) {
        if (prev.migratePending) {
          // migration_cpu_stop(): a task running on a CPU it may no longer use goes to an allowed one
          prev.migratePending = false;
          if (prev.state === 'R' && !prev.cpusAllowed.includes(cpu.id)) this.moveQueuedTask(prev, this.selectCpu(prev));
          else if (prev.state === 'R') cpu.rq.enqueue(prev);
        } else if (prev.state === 'R') cpu.rq.enqueue(prev);
      }
    }
    cpu.rq.updateMin();
    cpu.needResched = false;
    // the slice event is the outgoing task's: armSlice() below moves it for the next task, or cancels it
    const prevSlice = cpu.sliceEv;
    cpu.sliceEv = null;
    if (next === null) next = eevdf ? this.pickNextEevdf(cpu) : (cpu.rq.pickNext() ?? null);
    cpu.curr = next;
    if (next === null) {
      if (prevSlice !== null) this.queue.cancel(prevSlice);
      if (prev !== null) this.enterIdle(cpu);
      if (this.tracing && prev !== null) this.trace('sched_switch', { prev_comm: prev.name, prev_state: prev.state, next_comm: 'swapper', next_pid: 0 });
      return;
    }
    next.onCpu = true;
    next.execStart = this.now;
    next.ctx.cpu = cpu;
    if (next.hookSlept) {
      next.hookSlept = false;
      next.schedHooks?.running();
    }
    if (next !== prev) {
      next.nvcsw++;
      const costs = this.costTable;
      let cost = costs.contextSwitch;
      const idleExit = prev === null && this.now - cpu.idleSince >= this.sched.idleResidencyNs ? costs.idleExit : 0;
      cost += idleExit;
      if (this.stages !== null) {
        this.stages.addNamed(next.ctx, 'contextSwitch', costs.contextSwitch);
        if (idleExit > 0) this.stages.addNamed(next.ctx, 'idleExit', idleExit);
      }
      next.ctx.spendLeft += cost;
      next.ctx.sysDebt += cost;
      if (this.tracing) {
        this.trace('sched_switch', { prev_comm: prev?.name ?? 'swapper', prev_state: prev?.state ?? 'R', next_comm: next.name, next_pid: next.pid });
      }
    }
    this.armSlice(cpu, prevSlice);
    if (cpu.irqStack.length > 0) return;
    if (this.depth > MAX_DEPTH) this.queue.push(this.now, this.resumeFn, next, cpu);
    else this.resumeTask(next);
  }

  /**
   * __schedule() under EEVDF, for the task leaving the CPU: end its request
   * if used up (update_deadline()), keep its lag if it sleeps
   * (update_entity_lag()), and return it if pick_eevdf() keeps it running.
   */
  private putPrevEevdf(cpu: Cpu, prev: Task): Task | null {
    updateDeadline(this.sched, prev, prev.vruntime);
    if (prev.state !== 'R') {
      updateEntityLag(this.sched, cpu, prev, null, 0);
      return null;
    }
    return prev.migratePending ? null : pickEevdf(cpu, prev, prev.vruntime) === prev ? prev : null;
  }

  /** sched_yield()'s class hook: EEVDF's yield_task_fair(); CFS here just reschedules. */
  protected yieldTask(t: Task): void {
    if (this.sched.fair === 'eevdf') yieldTaskFair(this.sched, t);
  }

  /** pick_next_entity() under EEVDF: take the earliest eligible deadline off the queue and protect its slice. */
  private pickNextEevdf(cpu: Cpu): Task | null {
    const next = pickEevdf(cpu, null, 0);
    if (next === null) return null;
    cpu.rq.remove(next);
    setProtectSlice(next);
    return next;
  }

  protected onDeferredResume(t: Task): void {
    const cpu = t.cpu;
    if (cpu.curr === t && cpu.irqStack.length === 0) this.resumeTask(t);
  }

  /**
   * Resume the current task. On return to user mode with task_work flagged by
   * TWA_SIGNAL or TWA_RESUME (TIF_NOTIFY_SIGNAL / TIF_NOTIFY_RESUME), run it
   * first, as exit_to_user_mode_loop() does.
   */
  protected resumeTask(t: Task): void {
    if ((t.notifySignal || t.notifyResume) && t.inKernel === 0 && t.taskWorks.length > 0 && t.ctx.injected === null) {
      const ctx = t.ctx;
      ctx.injected = { depth: ctx.gens.length, spendLeft: ctx.spendLeft, resumeValue: ctx.resumeValue, sysDebt: ctx.sysDebt };
      ctx.spendLeft = 0;
      ctx.sysDebt = 0;
      ctx.resumeValue = undefined;
      ctx.gens.push(this.signalTaskWork(t));
      this.advance(ctx, undefined);
      return;
    }
    this.resume(t.ctx);
  }

  protected *signalTaskWork(t: Task): KGen<void> {
    t.inKernel++;
    yield* runTaskWork(t);
    t.inKernel--;
  }
}
