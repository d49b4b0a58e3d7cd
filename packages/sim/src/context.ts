/**
 * Execution contexts: what a CPU runs. A task has one for its whole life;
 * each hardirq and softirq run gets a fresh one stacked above the task it
 * interrupted (hardirq > softirq > task).
 * @module
 */
import type { Cpu, IrqWork } from './cpu';
import type { EventHandle } from './event-queue';
import type { Request } from './requests';
import type { SpinLock } from './spinlock';
import type { Task } from './task';

/** The kind of context code runs in: `in_task()`, `in_softirq()`, `in_hardirq()`. */
export type CtxKind = 'task' | 'softirq' | 'hardirq';

/** Simulated kernel (or user) code: a generator that yields requests to the engine. */
export type KGen<R = void> = Generator<Request, R, unknown>;

/** Injected work on a context and the state of the spend it interrupted (see `ExecContext.injected`). */
export interface InjectedRun {
  readonly spendLeft: number;
  readonly resumeValue: unknown;
  readonly sysDebt: number;
}

/** One execution context. Engine-internal state; read-only to simulated code. */
export class ExecContext {
  /**
   * Generator stack: index 0 is the context's body; higher entries are
   * injected work (task_work via IPI). Empty for an interrupt handler until
   * it is called; then the generator it returns if it has to yield.
   */
  gens: KGen<unknown>[];
  /**
   * Injected work running on this (task) context — task_work run on return to
   * user mode, which interrupted a spend — with what it interrupted; null
   * when none. Never nested: work is injected only while this is null.
   */
  injected: InjectedRun | null = null;
  /**
   * Leading ns of the pending spend that are kernel work done on the task's
   * behalf (context switch, idle exit): accounted as system time even when
   * the task runs in user mode.
   */
  sysDebt = 0;
  /** CPU time still to burn before the generator is resumed. */
  spendLeft = 0;
  /** Time the current spend started (for accounting). */
  spendStart = 0;
  /** Pending spend-completion event. */
  spendEv: EventHandle | null = null;
  /** preempt_count: > 0 while holding spinlocks or with preemption disabled. */
  atomic = 0;
  /** > 0 while local interrupts are disabled (spin_lock_irqsave). */
  irqsOff = 0;
  /** Set while busy-waiting for a spinlock held elsewhere. */
  spinningOn: SpinLock | null = null;
  /** Whether the awaited spinlock was requested with irqsave. */
  spinIrqsave = false;
  /** Value handed to the generator when it is next resumed. */
  resumeValue: unknown = undefined;
  /** Spinlocks held, innermost last (for error chains). */
  readonly heldSpinlocks: SpinLock[] = [];
  /** @internal the interrupt handler this context runs, until it is called (the body is then its generator, if any). */
  handler: IrqWork | null = null;
  /** @internal the handler's entry cost, until charged (see `IrqWork.entryCost`). */
  entryCost = 0;

  constructor(
    readonly kind: CtxKind,
    /** Label shown in traces: the task name, or the IRQ handler's name. */
    public label: string,
    public cpu: Cpu | null,
    readonly task: Task | null,
    /** The body, or null for an interrupt context, which runs `handler` instead. */
    body: KGen<unknown> | null,
  ) {
    // an exact-size array: a push onto an empty one would reserve 17 slots, for every IRQ
    this.gens = body === null ? [] : [body];
  }

  /** `in_atomic()`: may not sleep here. */
  get atomicContext(): boolean {
    return this.kind !== 'task' || this.atomic > 0 || this.irqsOff > 0;
  }

  /** A description for error chains: `hardirq 'nullb_irq' on cpu0`. */
  describe(): string {
    const where = this.cpu ? ` on cpu${this.cpu.id}` : '';
    if (this.kind === 'task') return `task '${this.label}'${where}`;
    return `${this.kind} '${this.label}'${where}`;
  }
}
