/**
 * Completion delivery: from "the device finished" to `blk_mq_end_request()`
 * in the context the irqmode says. An interrupt on the submitting CPU drains
 * every request that has finished by the time it runs, so completions
 * coalesce while the CPU is busy in interrupt context; in 'softirq' mode the
 * interrupt hands them to BLOCK_SOFTIRQ (block/blk-mq.c blk_done_softirq);
 * polled requests wait on their hardware queue for `bio_poll()`.
 * @module
 */
import { charge, currentCtx, type Cpu, type IrqWork, type KGen, type Simulator } from '@dio/sim';
import { BLK_POLL_ONESHOT } from './blkdev';
import type { IrqMode } from './options';
import type { BlkRequest, Hctx } from './request';
import type { DeviceService } from './service';

/** Interrupt and softirq counters. */
export interface CompletionStats {
  /** Hardirqs handled (counted once the handler's entry cost is paid; including hrtimer expiries in 'timer' mode). */
  interrupts: number;
  /** BLOCK_SOFTIRQ runs. */
  softirqs: number;
  /** ->poll() calls. */
  polls: number;
  /** Requests reaped by polling. */
  polled: number;
}

interface CpuCq {
  /** Finished requests not yet handled by the interrupt. */
  readonly cq: BlkRequest[];
  /** `blk_cpu_done`: requests handed to BLOCK_SOFTIRQ. */
  readonly done: BlkRequest[];
  irqRaised: boolean;
  softirqRaised: boolean;
  /** The interrupt handler for this CPU (one function per CPU, not a closure per interrupt). */
  readonly irqFn: () => KGen<void> | null;
  /** The interrupt raised for this CPU, by its hardware queue's name (made once, not per interrupt). */
  irq: IrqWork | null;
  /** BLOCK_SOFTIRQ for this CPU. */
  readonly softirq: IrqWork;
}

/** The completion side of a device. */
export class CompletionPath {
  readonly stats: CompletionStats = { interrupts: 0, softirqs: 0, polls: 0, polled: 0 };
  /** By CPU id. */
  private readonly perCpu: (CpuCq | undefined)[] = [];
  /** Interrupt names by hardware queue index (made once each). */
  private readonly irqNames: string[] = [];

  /**
   * @param endRequest block/blk-mq.c blk_mq_end_request(): end the bio, free the tag; null when done without yielding, else the generator that finishes
   */
  constructor(
    private readonly sim: Simulator,
    private readonly name: string,
    private readonly mode: IrqMode,
    private readonly pollNsec: number,
    private readonly service: DeviceService,
    private readonly endRequest: (rq: BlkRequest) => KGen<void> | null,
  ) {}

  private state(cpu: Cpu): CpuCq {
    let s = this.perCpu[cpu.id];
    if (s === undefined) {
      const cq: CpuCq = {
        cq: [],
        done: [],
        irqRaised: false,
        softirqRaised: false,
        irqFn: () => this.irqHandlerNow(cq, cpu),
        irq: null,
        softirq: { name: 'BLOCK_SOFTIRQ', fn: () => this.blkDoneSoftirqNow(cq), entryCost: 0 },
      };
      this.perCpu[cpu.id] = s = cq;
    }
    return s;
  }

  private irqName(hctx: Hctx): string {
    return (this.irqNames[hctx.index] ??= this.mode === 'timer' ? 'hrtimer' : `${this.name}q${hctx.index}`);
  }

  /** The device finished `rq`: post it to its completion queue and interrupt its CPU if needed. */
  deliver(rq: BlkRequest): void {
    if (rq.polled) {
      rq.hctx.pollCq.push(rq);
      return;
    }
    const s = this.state(rq.cpu);
    s.cq.push(rq);
    if (s.irqRaised) return;
    s.irqRaised = true;
    const name = this.irqName(rq.hctx);
    let w = s.irq;
    if (w === null || w.name !== name) s.irq = w = { name, fn: s.irqFn, entryCost: this.sim.costs.hardirq };
    this.sim.raiseIrqWork(rq.cpu, w);
  }

  // drivers/nvme/host/pci.c: nvme_irq() / kernel/time/hrtimer.c: hrtimer_interrupt()
  /**
   * The interrupt handler as a plain call, after its entry cost (`costs.hardirq`,
   * charged by the engine): null when it finished without yielding, else the
   * generator that finishes it.
   */
  private irqHandlerNow(s: CpuCq, cpu: Cpu): KGen<void> | null {
    this.stats.interrupts++;
    if (this.mode === 'softirq') {
      // block/blk-mq.c: blk_mq_raise_softirq()
      s.done.push(...s.cq.splice(0));
      s.irqRaised = false;
      if (!s.softirqRaised && s.done.length > 0) {
        s.softirqRaised = true;
        this.sim.raiseSoftirqWork(cpu, s.softirq);
      }
      return null;
    }
    const g = this.endAllNow(s.cq);
    if (g !== null) return this.irqHandlerFrom(s, g);
    s.irqRaised = false;
    return null;
  }

  /** The rest of irqHandlerNow: finish ending the requests, then re-arm the interrupt. */
  private *irqHandlerFrom(s: CpuCq, g: KGen<void>): KGen<void> {
    yield* g;
    s.irqRaised = false;
  }

  // block/blk-mq.c: blk_done_softirq()
  /** BLOCK_SOFTIRQ as a plain call: null when it finished without yielding, else the generator that finishes it. */
  private blkDoneSoftirqNow(s: CpuCq): KGen<void> | null {
    this.stats.softirqs++;
    const g = this.endAllNow(s.done);
    if (g !== null) return this.blkDoneSoftirqFrom(s, g);
    s.softirqRaised = false;
    return null;
  }

  /** The rest of blkDoneSoftirqNow: finish ending the requests, then re-arm the softirq. */
  private *blkDoneSoftirqFrom(s: CpuCq, g: KGen<void>): KGen<void> {
    yield* g;
    s.softirqRaised = false;
  }

  // block/blk-mq.c: blk_mq_end_request() for each request on a completion list, oldest first
  private *endAll(list: BlkRequest[]): KGen<number> {
    let n = 0;
    for (let rq = list.shift(); rq !== undefined; rq = list.shift()) {
      n++;
      if (!charge(this.sim.costs.blkComplete)) yield this.sim.costs.blkComplete;
      const g = this.endRequest(rq);
      if (g !== null) yield* g;
    }
    return n;
  }

  /**
   * {@link endAll} as a plain call: null when the list was drained without
   * yielding, else the generator that drains the rest from where it had to.
   */
  private endAllNow(list: BlkRequest[]): KGen<void> | null {
    for (let rq = list.shift(); rq !== undefined; rq = list.shift()) {
      if (!charge(this.sim.costs.blkComplete)) return this.endAllFrom(list, rq, null);
      const g = this.endRequest(rq);
      if (g !== null) return this.endAllFrom(list, null, g);
    }
    return null;
  }

  /** The rest of endAllNow: charge and end `uncharged`, or finish `g`; then the rest of `list`. */
  private *endAllFrom(list: BlkRequest[], uncharged: BlkRequest | null, g: KGen<void> | null): KGen<void> {
    if (uncharged !== null) {
      yield this.sim.costs.blkComplete;
      g = this.endRequest(uncharged);
    }
    if (g !== null) yield* g;
    yield* this.endAll(list);
  }

  // drivers/block/null_blk/main.c: null_poll()
  private *reap(hctx: Hctx): KGen<number> {
    this.stats.polls++;
    yield this.pollNsec;
    const n = yield* this.endAll(hctx.pollCq);
    this.stats.polled += n;
    return n;
  }

  // block/blk-mq.c: blk_mq_poll()
  /**
   * Poll `hctx` in the caller's context. Each ->poll() call costs `poll_nsec`;
   * without BLK_POLL_ONESHOT the caller spins until something completes, the
   * queue has nothing in flight, or a reschedule is due.
   */
  *poll(hctx: Hctx, flags: number): KGen<number> {
    for (;;) {
      const n = yield* this.reap(hctx);
      if (n > 0 || (flags & BLK_POLL_ONESHOT) !== 0) return n;
      if (hctx.inflight === 0) return 0;
      if (currentCtx().cpu?.needResched === true) return 0;
      const next = this.service.nextStepEnd(hctx);
      const now = this.sim.now;
      if (next !== undefined && next > now) yield next - now; // cpu_relax() until the device finishes
    }
  }

  /** Power cut: forget completions not yet delivered. */
  clear(): void {
    for (const s of this.perCpu) {
      if (s === undefined) continue;
      s.cq.length = 0;
      s.done.length = 0;
    }
  }
}
