/**
 * Interrupts (kernel/softirq.c, kernel/irq/): raising hardirqs and softirqs,
 * `irq_enter` / `irq_exit`, the softirq loop, returning from an interrupt
 * (honouring a pending reschedule), and spin_unlock's hand-over and irq restore.
 * @module
 */
import { ExecContext, type KGen } from './context';
import type { Cpu, IrqWork } from './cpu';
import { SchedCore } from './core-sched';
import type { EventFn } from './event-queue';
import { current } from './requests';
import type { SpinLock } from './spinlock';

/** Interrupt contexts: a layer of `Simulator`, not used on its own. */
export abstract class Interrupts extends SchedCore {
  private readonly irqFn: EventFn = (c) => this.onPendingIrq(c as Cpu);

  // ---- interrupts -----------------------------------------------------------

  /** Raise a hardirq on `cpu` running `fn` (an interrupt handler). */
  raiseIrq(cpu: Cpu, name: string, fn: () => KGen<unknown>): void {
    cpu.pendingHardirqs.push({ name, fn });
    if (this.depth > 0) {
      if (cpu.irqEv === null) cpu.irqEv = this.queue.push(this.now, this.irqFn, cpu);
      return;
    }
    // withoutRunAhead(), inlined: no closure per interrupt
    const limit = this.limit;
    this.limit = this.now;
    try {
      this.onPendingIrq(cpu);
    } finally {
      this.limit = limit;
    }
  }

  protected onPendingIrq(cpu: Cpu): void {
    cpu.irqEv = null;
    const top = cpu.top();
    if (top !== null && (top.kind === 'hardirq' || top.irqsOff > 0)) return; // delivered at irq exit / irq enable
    const w = cpu.pendingHardirqs.shift();
    if (w !== undefined) this.enterIrq(cpu, 'hardirq', w);
  }

  /** Raise a softirq on `cpu`; it runs at irq exit, or at once if the CPU is in task context. */
  raiseSoftirq(cpu: Cpu, name: string, fn: () => KGen<unknown>): void {
    cpu.pendingSoftirqs.push({ name, fn });
    if (cpu.irqStack.length === 0) {
      const softirq: IrqWork = { name, fn: () => this.softirqLoop(cpu) };
      if (this.depth > 0) {
        this.queue.push(this.now, () => {
          if (cpu.irqStack.length === 0 && cpu.pendingSoftirqs.length > 0) this.enterIrq(cpu, 'softirq', softirq);
        });
      } else this.withoutRunAhead(() => this.enterIrq(cpu, 'softirq', softirq));
    }
  }

  protected enterIrq(cpu: Cpu, kind: 'hardirq' | 'softirq', w: IrqWork): void {
    const top = cpu.top();
    let idleExit = 0;
    if (top !== null) this.suspend(top);
    else {
      if (this.now - cpu.idleSince >= this.sched.idleResidencyNs) idleExit = this.costs.idleExit;
      cpu.idleSince = Number.POSITIVE_INFINITY; // awake now: a task switched in after this IRQ pays no second idle exit
    }
    const ctx = new ExecContext(kind, w.name, cpu, null, w.fn());
    ctx.spendLeft = idleExit;
    cpu.irqStack.push(ctx);
    if (this.tracing) {
      current.ctx = ctx;
      this.trace(kind === 'hardirq' ? 'irq_handler_entry' : 'softirq_entry', { name: w.name });
      current.ctx = null;
    }
    this.resume(ctx);
  }

  protected *softirqLoop(cpu: Cpu): KGen<void> {
    if (!this.charge(this.costs.softirq)) yield this.costs.softirq;
    let w = cpu.pendingSoftirqs.shift();
    while (w !== undefined) {
      yield* w.fn();
      w = cpu.pendingSoftirqs.shift();
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
      this.enterIrq(cpu, 'softirq', { name: cpu.pendingSoftirqs[0]?.name ?? 'softirq', fn: () => this.softirqLoop(cpu) });
      return;
    }
    this.returnFromInterrupt(cpu);
  }

  protected returnFromInterrupt(cpu: Cpu): void {
    const top = cpu.irqStack[cpu.irqStack.length - 1];
    if (top !== undefined) {
      this.resume(top);
      return;
    }
    const curr = cpu.curr;
    if (curr === null) {
      if (cpu.rq.length > 0) this.reschedule(cpu);
      else cpu.idleSince = this.now;
      return;
    }
    if (cpu.needResched && this.mayDeschedule(curr)) this.reschedule(cpu);
    else this.resumeTask(curr);
  }

  /** @internal spin_unlock: release, hand over to the first spinner, honour a pending reschedule. */
  releaseSpinlock(ctx: ExecContext, l: SpinLock, irqrestore: boolean): void {
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
      if (c.top() === next) this.queue.push(this.now, () => this.resume(next));
    }
    const cpu = ctx.cpu as Cpu;
    if (ctx.irqsOff === 0 && cpu.pendingHardirqs.length > 0 && cpu.irqEv === null) {
      cpu.irqEv = this.queue.push(this.now, this.irqFn, cpu);
    }
    if (ctx.kind === 'task' && ctx.atomic === 0 && cpu.needResched && (this.sched.preempt === 'full' || ctx.task?.migratePending === true)) this.kick(cpu);
  }
}
