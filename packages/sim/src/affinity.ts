/**
 * CPU affinity (kernel/sched/core.c: set_cpus_allowed_ptr() and the
 * migration stopper, migration_cpu_stop()): changing the CPUs a task may run
 * on, and moving it off a CPU it may no longer use.
 * @module
 */
import type { Cpu, Task } from './context';
import type { EventFn } from './event-queue';
import { Interrupts } from './interrupts';

/** CPU affinity: a layer of `Simulator`, not used on its own. */
export abstract class Affinity extends Interrupts {
  private readonly stopFn: EventFn = (t) => this.migrationCpuStop(t as Task);

  // kernel/sched/core.c: set_cpus_allowed_ptr()
  /**
   * Set the CPUs `t` may run on (`cpus` is copied; its order is the order
   * idle CPUs are tried in). A task queued on a CPU no longer allowed is moved
   * to an allowed CPU's run queue at once. A running one is stopped and moved
   * the same way, as the migration stopper does — at once from outside
   * simulated code (an event callback), else by a stopper event at the same
   * ns; a task changing its own mask is moved at its next yield (yield
   * `condResched` to move before doing anything else, as
   * set_cpus_allowed_ptr(current) returns only on the new CPU). A task in
   * atomic context (spinlock held or awaited, interrupts off) or under an
   * interrupt is moved when it leaves it. A sleeping task just wakes on an
   * allowed CPU. Throws RangeError for an empty mask or a CPU that does not
   * exist (the kernel's -EINVAL).
   */
  setCpusAllowed(t: Task, cpus: readonly number[]): void {
    if (cpus.length === 0) throw new RangeError(`set_cpus_allowed(${t.toString()}): empty cpus_allowed`);
    for (const id of cpus) {
      if (!Number.isInteger(id) || id < 0 || id >= this.cpus.length) throw new RangeError(`set_cpus_allowed(${t.toString()}): no cpu ${id}`);
    }
    t.cpusAllowed = [...cpus];
    const src = t.cpu;
    if (t.state !== 'R' || cpus.includes(src.id)) {
      t.migratePending = false;
      return;
    }
    if (!t.onCpu) {
      // queued: move_queued_task() straight away
      if (src.rq.remove(t)) this.moveQueuedTask(t, this.selectCpu(t));
      return;
    }
    t.migratePending = true;
    src.needResched = true;
    if (this.depth > 0) this.queue.push(this.now, this.stopFn, t, src);
    else this.withoutRunAhead(() => this.onCpuClock(src, () => this.migrationCpuStop(t)));
  }

  // kernel/sched/core.c: migration_cpu_stop()
  /** The stopper: take `t` off the CPU it may no longer run on, if it still needs moving and can be stopped now. */
  private migrationCpuStop(t: Task): void {
    if (!t.migratePending) return; // already moved (or it blocked, and will wake on an allowed CPU)
    const src: Cpu = t.cpu;
    if (!t.onCpu || t.state !== 'R') {
      t.migratePending = false;
      return;
    }
    // under an interrupt or in atomic context: irq exit / spin_unlock / the next schedule point moves it
    if (src.irqStack.length > 0 || !this.stoppable(t)) return;
    this.reschedule(src);
  }
}
