/**
 * Interrupts (kernel/softirq.c, kernel/irq/): raising hardirqs and softirqs,
 * `irq_enter` / `irq_exit`, the softirq loop, returning from an interrupt
 * (honouring a pending reschedule), and spin_unlock's hand-over and irq restore.
 * @module
 */
import { type Cpu, ExecContext, type IrqWork, type KGen, type SpinLockState } from './context';
import { SchedCore } from './core-sched';
import type { EventFn } from './event-queue';
import { current } from './current';
import { runNoSleep } from './requests';

/** Interrupt contexts: a layer of `Simulator`, not used on its own. */
export abstract class Interrupts extends SchedCore {
  private readonly irqFn: EventFn = (c) => this.onPendingIrq(c as Cpu);

  // ---- interrupts -----------------------------------------------------------

  /** Raise a hardirq on `cpu` running `fn` (an interrupt handler). */
  raiseIrq(cpu: Cpu, name: string, fn: () => KGen<unknown>): void {
    this.raiseIrqWork(cpu, { name, fn, entryCost: 0 });
  }

  /**
   * Raise a hardirq on `cpu` running `w` — whose `fn` may be a plain call
   * (see `IrqWork`), so a handler that finishes without yielding makes no
   * generator. A driver can raise the same `w` every time.
   */
  raiseIrqWork(cpu: Cpu, w: IrqWork): void {
    cpu.pendingHardirqs.push(w);
    // from simulated code (deeper than the event callback running), or from a callback run nested in a charge
    // for a CPU whose interrupt the outer callback already left to enter when it returns, or for a CPU left
    // behind in a charge by the nested work past its end that runs the callback (see frozenBehind): at the next event
    if (this.depth > this.callbackDepth || (cpu.irqDeferred && this.callbackDepth > 0) || (this.now > this.bound && this.frozenBehind(cpu))) {
      if (cpu.irqEv === null) cpu.irqEv = this.queue.push(this.now, this.irqFn, cpu, cpu);
      return;
    }
    if (this.inEvent) {
      // from an event callback (a device or timer): taken as soon as the callback returns (afterEvent)
      if (!cpu.irqDeferred) {
        cpu.irqDeferred = true;
        this.deferredIrqCpus.push(cpu);
        this.afterEventPending = true;
      }
      return;
    }
    this.withoutRunAhead(() => this.onCpuClock(cpu, this.onPendingIrqFn)); // from set-up code, which may still act at `now`
  }

  /**
   * `cpu` is in a charge further down the stack, its clock behind `now`:
   * an event of no CPU that nested work ran past that charge's end raised
   * the interrupt (docs/engine.md, "Clocks"). Entered now, it would land
   * inside a charge that ended before its time; as an event of `cpu` it is
   * taken once the charge is over.
   */
  private frozenBehind(cpu: Cpu): boolean {
    const top = cpu.top();
    return cpu !== this.running && cpu.clock < this.now && top !== null && top.charging > 0;
  }

  /** CPUs whose interrupt an event callback raised, in the order raised, entered once it returns. */
  private readonly deferredIrqCpus: Cpu[] = [];

  /**
   * After an event callback: enter the interrupts it raised. The first is
   * entered at once, on its CPU's clock (nothing else in the callback can
   * still act at `now`); the others are events at `now` for their CPUs,
   * queued first, so a charge of the first one's handler runs them nested at
   * `now` on their own clocks instead of letting their CPUs run past it.
   */
  protected override afterEvent(): void {
    super.afterEvent();
    this.enterDeferredIrqs(0);
  }

  protected deferredIrqCount(): number {
    return this.deferredIrqCpus.length;
  }

  /** Enter the interrupts of the CPUs deferred from the `from`-th on (the ones the callback that just returned raised). */
  protected enterDeferredIrqs(from: number): void {
    const cpus = this.deferredIrqCpus;
    if (cpus.length <= from) return;
    const first = cpus[from] as Cpu;
    first.irqDeferred = false;
    for (let i = from + 1; i < cpus.length; i++) {
      const cpu = cpus[i] as Cpu;
      cpu.irqDeferred = false;
      if (cpu.irqEv === null) cpu.irqEv = this.queue.push(this.now, this.irqFn, cpu, cpu);
    }
    while (cpus.length > from) cpus.pop(); // not `length = from`, which drops the backing store
    this.onCpuClock(first, this.onPendingIrqFn);
  }

  private readonly onPendingIrqFn = (cpu: Cpu): void => this.onPendingIrq(cpu);


  protected onPendingIrq(cpu: Cpu): void {
    cpu.irqEv = null;
    const top = cpu.top();
    if (top !== null && (top.kind === 'hardirq' || top.irqsOff > 0)) return; // delivered at irq exit / irq enable
    const w = cpu.pendingHardirqs.shift();
    if (w !== undefined) this.enterIrq(cpu, 'hardirq', w);
  }

  /** Raise a softirq on `cpu`; it runs at irq exit, or at once if the CPU is in task context. */
  raiseSoftirq(cpu: Cpu, name: string, fn: () => KGen<unknown>): void {
    this.raiseSoftirqWork(cpu, { name, fn, entryCost: 0 });
  }

  /** Raise a softirq on `cpu` running `w`, whose `fn` may be a plain call (see `IrqWork` and `raiseIrqWork`). */
  raiseSoftirqWork(cpu: Cpu, w: IrqWork): void {
    cpu.pendingSoftirqs.push(w);
    if (cpu.irqStack.length === 0) {
      const softirq = this.softirqLoopWork(cpu, w.name);
      if (this.depth > 0 || this.inEvent) {
        this.queue.push(
          this.now,
          () => {
            if (cpu.irqStack.length === 0 && cpu.pendingSoftirqs.length > 0) this.enterIrq(cpu, 'softirq', softirq);
          },
          undefined,
          cpu,
        );
      } else this.withoutRunAhead(() => this.onCpuClock(cpu, () => this.enterIrq(cpu, 'softirq', softirq)));
    }
  }

  protected enterIrq(cpu: Cpu, kind: 'hardirq' | 'softirq', w: IrqWork): void {
    const top = cpu.top();
    let idleExit = 0;
    if (top !== null) this.suspend(top);
    else {
      if (this.now - cpu.idleSince >= this.sched.idleResidencyNs) idleExit = this.costTable.idleExit;
      cpu.idleSince = Number.POSITIVE_INFINITY; // awake now: a task switched in after this IRQ pays no second idle exit
    }
    const ctx = new ExecContext(kind, w.name, cpu, null, null);
    ctx.handler = w;
    ctx.entryCost = w.entryCost ?? 0;
    ctx.spendLeft = idleExit;
    if (this.stages !== null && idleExit > 0) this.stages.addNamed(ctx, 'idleExit', idleExit);
    cpu.irqStack.push(ctx);
    if (this.tracing) {
      const prev = current.ctx; // the context it interrupts, when entered nested in a charge
      current.ctx = ctx;
      this.trace(kind === 'hardirq' ? 'irq_handler_entry' : 'softirq_entry', { name: w.name });
      current.ctx = prev;
    }
    this.resume(ctx);
  }

  /** The softirq loop on `cpu` as interrupt work named `name`, with the softirq entry cost. */
  private softirqLoopWork(cpu: Cpu, name: string): IrqWork {
    return { name, fn: (cpu.softirqLoop ??= () => this.doSoftirq(cpu)), entryCost: this.costTable.softirq };
  }

  // kernel/softirq.c: __do_softirq()
  /** The softirq loop, after its entry cost: every pending softirq's handler, in the order raised (a generator handler runs to its end in place). */
  protected doSoftirq(cpu: Cpu): void {
    for (let w = cpu.pendingSoftirqs.shift(); w !== undefined; w = cpu.pendingSoftirqs.shift()) {
      const g = w.fn();
      if (g !== null && g !== undefined) runNoSleep(g);
    }
  }

  /** irq_exit(): next pending hardirq, else softirqs, else back to what was interrupted. */
  protected irqExit(cpu: Cpu): void {
    const w = cpu.pendingHardirqs.shift();
    if (w !== undefined) {
      this.enterIrq(cpu, 'hardirq', w);
      return;
    }
    if (cpu.pendingSoftirqs.length > 0 && !cpu.irqStack.some((c) => c.kind === 'softirq')) {
      this.enterIrq(cpu, 'softirq', this.softirqLoopWork(cpu, cpu.pendingSoftirqs[0]?.name ?? 'softirq'));
      return;
    }
    this.returnFromInterrupt(cpu);
  }

  protected returnFromInterrupt(cpu: Cpu): void {
    const stack = cpu.irqStack;
    if (stack.length > 0) {
      // (tested first: stack[-1] on an empty stack is a slow named-property miss, not an array read)
      this.resume(stack[stack.length - 1] as ExecContext);
      return;
    }
    const curr = cpu.curr;
    if (curr === null) {
      if (cpu.rq.length > 0) this.reschedule(cpu);
      else this.enterIdle(cpu);
      return;
    }
    if (curr.ctx.charging > 0) return; // back into a charge: it goes on by itself (a reschedule waits for its next yield)
    if (cpu.needResched && this.mayDeschedule(curr)) this.reschedule(cpu);
    else this.resumeTask(curr);
  }

  /** @internal spin_unlock: release, hand over to the first spinner, honour a pending reschedule. */
  releaseSpinlock(ctx: ExecContext, l: SpinLockState, irqrestore: boolean): void {
    l.holder = null;
    ctx.atomic--;
    if (irqrestore) ctx.irqsOff--;
    const i = ctx.heldSpinlocks.lastIndexOf(l);
    if (i >= 0) ctx.heldSpinlocks.splice(i, 1);
    const next = l.spinners.shift();
    if (next !== undefined) {
      next.spinningOn = null;
      this.acquireSpinlock(next, l, next.spinIrqsave);
      const c = next.cpu as Cpu;
      if (c.top() === next) this.queue.push(this.now, () => this.resume(next), c);
    }
    const cpu = ctx.cpu as Cpu;
    if (ctx.irqsOff === 0 && cpu.pendingHardirqs.length > 0 && cpu.irqEv === null) {
      cpu.irqEv = this.queue.push(this.now, this.irqFn, cpu, cpu);
    }
    if (ctx.kind === 'task' && ctx.atomic === 0 && cpu.needResched && (this.sched.preempt === 'full' || ctx.task?.migratePending === true)) this.kick(cpu);
  }
}
