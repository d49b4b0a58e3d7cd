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
  readonly irqFn: () => void;
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
   * @param endRequest block/blk-mq.c blk_mq_end_request(): end the bio, free the tag (a plain call, any context)
   */
  constructor(
    private readonly sim: Simulator,
    private readonly name: string,
    private readonly mode: IrqMode,
    private readonly pollNsec: number,
    private readonly service: DeviceService,
    private readonly endRequest: (rq: BlkRequest) => void,
  ) {}

  private state(cpu: Cpu): CpuCq {
    let s = this.perCpu[cpu.id];
    if (s === undefined) {
      const cq: CpuCq = {
        cq: [],
        done: [],
        irqRaised: false,
        softirqRaised: false,
        irqFn: () => this.irqHandler(cq, cpu),
        irq: null,
        softirq: { name: 'BLOCK_SOFTIRQ', fn: () => this.blkDoneSoftirq(cq), entryCost: 0 },
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
  /** The interrupt handler, after its entry cost (`costs.hardirq`, charged by the engine). */
  private irqHandler(s: CpuCq, cpu: Cpu): void {
    this.stats.interrupts++;
    if (this.mode === 'softirq') {
      // block/blk-mq.c: blk_mq_raise_softirq()
      s.done.push(...s.cq.splice(0));
      s.irqRaised = false;
      if (!s.softirqRaised && s.done.length > 0) {
        s.softirqRaised = true;
        this.sim.raiseSoftirqWork(cpu, s.softirq);
      }
      return;
    }
    this.endAll(s.cq);
    s.irqRaised = false;
  }

  // block/blk-mq.c: blk_done_softirq()
  /** BLOCK_SOFTIRQ: end the requests the interrupt handed over. */
  private blkDoneSoftirq(s: CpuCq): void {
    this.stats.softirqs++;
    this.endAll(s.done);
    s.softirqRaised = false;
  }

  // block/blk-mq.c: blk_mq_end_request() for each request on a completion list, oldest first
  private endAll(list: BlkRequest[]): number {
    let n = 0;
    for (let rq = list.shift(); rq !== undefined; rq = list.shift()) {
      n++;
      charge(this.sim.costs.blkComplete);
      this.endRequest(rq);
    }
    return n;
  }

  // drivers/block/null_blk/main.c: null_poll()
  private *reap(hctx: Hctx): KGen<number> {
    this.stats.polls++;
    yield this.pollNsec;
    const n = this.endAll(hctx.pollCq);
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
