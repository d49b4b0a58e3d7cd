/**
 * A simulated CPU: runs one context at a time — the top of its interrupt
 * stack (hardirq above softirq) or else its current task.
 * @module
 */
import type { ExecContext, KGen } from './context';
import type { EventHandle } from './event-queue';
import { RunQueue } from './sched';
import type { Simulator } from './simulator';
import type { Task } from './task';

/**
 * Interrupt work: a handler run in hardirq or softirq context. `fn` is a
 * generator function, or a plain call that returns null when the handler
 * finished without yielding, else the generator that finishes it (the
 * `…Now` pattern).
 */
export interface IrqWork {
  readonly name: string;
  readonly fn: () => KGen<unknown> | null;
  /**
   * CPU time the handler costs before `fn` is called, charged by the engine
   * exactly as `if (!charge(ns)) yield ns` at the top of the handler would
   * be — but with no generator when it cannot be charged at once. Default 0.
   */
  readonly entryCost?: number;
}

/** CPU time by context, ns (what `/proc/stat` splits it into). */
export interface CpuTimes {
  user: number;
  sys: number;
  hardirq: number;
  softirq: number;
}

/** One CPU. Engine state; read-only to simulated code. */
export class Cpu {
  /** Interrupt contexts stacked above the current task, innermost last. */
  readonly irqStack: ExecContext[] = [];
  /** The task owning the task-level context, or null when idle. */
  curr: Task | null = null;
  readonly rq = new RunQueue();
  /** TIF_NEED_RESCHED on the current task. */
  needResched = false;
  /** @internal */ sliceEv: EventHandle | null = null;
  /** @internal */ sliceTask: Task | null = null;
  /** @internal */ kickEv: EventHandle | null = null;
  /** @internal */ irqEv: EventHandle | null = null;
  /** @internal an event callback raised a hardirq here, entered once the callback returns */
  irqDeferred = false;
  /** @internal the softirq loop on this CPU as a plain call (made once, not a closure per softirq run) */
  softirqLoop: (() => KGen<unknown> | null) | null = null;
  /** Hardirqs raised while interrupts were off or another hardirq ran. */
  readonly pendingHardirqs: IrqWork[] = [];
  /** Raised softirqs, run at irq_exit or local_bh_enable. */
  readonly pendingSoftirqs: IrqWork[] = [];
  /** When the CPU last went idle. */
  idleSince = 0;
  readonly times: CpuTimes = { user: 0, sys: 0, hardirq: 0, softirq: 0 };

  constructor(
    readonly id: number,
    readonly sim: Simulator,
  ) {}

  /** The context running now, or null when idle. */
  top(): ExecContext | null {
    const s = this.irqStack;
    if (s.length > 0) return s[s.length - 1] as ExecContext;
    return this.curr ? this.curr.ctx : null;
  }

  /** Nothing running and nothing queued. */
  get idle(): boolean {
    return this.curr === null && this.irqStack.length === 0 && this.rq.length === 0;
  }

  /** True while an interrupt context is running or stacked. */
  get inInterrupt(): boolean {
    return this.irqStack.length > 0;
  }
}
