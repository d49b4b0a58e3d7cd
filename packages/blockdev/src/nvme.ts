/**
 * `Nvme`: an NVMe drive on PCIe (drivers/nvme/host/pci.c and the controller).
 * One I/O SQ/CQ pair per hardware queue (`nr_io_queues`, default one per
 * CPU), each CQ with an MSI-X vector whose effective affinity is the first CPU
 * mapped to the queue. ->queue_rq copies the command into the SQ and, at the
 * end of a batch (`bd->last` or ->commit_rqs), writes the SQ tail doorbell
 * (`doorbell_nsec`); the controller then fetches the commands and serves them
 * with internal parallelism (`parallelism` channels/dies, `load_nsec`). A
 * finished command posts a CQE; the vector fires per CQE, or under Interrupt
 * Coalescing (NVMe base spec, Feature 08h) once `intcoal_thr`+1 CQEs are
 * pending or `intcoal_time` × 100 µs after the first (TIME 0 is no delay, so
 * coalescing needs both). nvme_irq() drains the
 * CQ. Polled queues (`poll_queues`) are reaped by bio_poll() instead.
 * @module
 */
import { charge, type Cpu, type EventHandle, type IrqWork, type KGen, type Simulator } from '@dio/sim';
import { BlkMqDevice, firstCpuOfQueue, type BlkMqStats, type DriverStats } from './blk-mq';
import { CompletionPath } from './completion';
import { resolveNvmeOptions, type NvmeConfig, type NvmeOptions } from './device-options';
import type { BlkRequest, Hctx } from './request';
import { DeviceService } from './service';

/** Counters of an Nvme drive. */
export type NvmeStats = BlkMqStats;

/** NVMe Interrupt Coalescing's aggregation time unit: 100 µs. */
export const NVME_INTCOAL_TIME_UNIT_NS = 100_000;

/** `struct nvme_queue`: an SQ/CQ pair and its vector. */
interface NvmeQueue {
  readonly qid: number;
  /** Commands copied into the SQ after the last doorbell write (invisible to the controller). */
  readonly sq: BlkRequest[];
  /** CQEs posted and not yet handled. */
  readonly cq: BlkRequest[];
  /** CQEs posted since the vector last fired (Interrupt Coalescing's aggregation count). */
  aggregated: number;
  /** The aggregation-time timer, while armed. */
  timer: EventHandle | null;
  /** The vector fired and its handler has not finished. */
  irqPending: boolean;
  readonly cpu: Cpu;
  readonly irq: IrqWork;
}

/** An NVMe drive. */
export class Nvme extends BlkMqDevice {
  /** The resolved configuration, NVMe fields included. */
  readonly nvme: NvmeConfig;
  private readonly queues: NvmeQueue[] = [];
  /** The controller: commands in service on its channels. */
  private readonly controller: DeviceService;
  /** Polled queues' completions (bio_poll). */
  private readonly polled: CompletionPath;
  private readonly counts = { interrupts: 0, kicks: 0 };

  /**
   * @param sim the simulator whose clock, CPUs and RNG the device uses
   * @param opts see {@link NvmeOptions}
   */
  constructor(sim: Simulator, opts: NvmeOptions = {}) {
    const cfg = resolveNvmeOptions(opts, sim.cpus.length);
    super(sim, cfg, opts.badblocks);
    this.nvme = cfg;
    this.controller = new DeviceService(sim, this.rng, cfg, {
      stepStart: (rq, step) => this.handler.stepStart(rq, step),
      stepEnd: (rq, step) => this.handler.stepEnd(rq, step),
      finished: (rq) => this.postCqe(rq),
    });
    this.polled = new CompletionPath(sim, cfg.name, 'hardirq', cfg.pollNsec, this.controller, (rq) => this.endRequest(rq));
    const entryCost = cfg.irqNsec ?? sim.costs.hardirq;
    for (let q = 0; q < cfg.submitQueues; q++) {
      const nq: NvmeQueue = {
        qid: q + 1,
        sq: [],
        cq: [],
        aggregated: 0,
        timer: null,
        irqPending: false,
        cpu: sim.cpus[firstCpuOfQueue(q, cfg.submitQueues, sim.cpus.length)] as Cpu,
        irq: { name: `nvme0q${q + 1}`, fn: () => this.nvmeIrq(nq), entryCost },
      };
      this.queues.push(nq);
    }
  }

  protected driverStats(): DriverStats {
    const p = this.polled.stats;
    return { interrupts: this.counts.interrupts, softirqs: 0, polls: p.polls, polled: p.polled, kicks: this.counts.kicks };
  }

  /** The SQ/CQ pair of a default hardware queue; poll queues have their own pairs with no vector (queued like the rest). */
  private queueOf(hctx: Hctx): NvmeQueue | null {
    return hctx.type === 'poll' ? null : (this.queues[hctx.index] as NvmeQueue);
  }

  // drivers/nvme/host/pci.c: nvme_queue_rq() → nvme_sq_copy_cmd(); nvme_write_sq_db() when bd->last
  /** Copy the command into the SQ; ring the doorbell at the end of the batch. */
  protected queueRq(rq: BlkRequest, last: boolean): void {
    const q = this.queueOf(rq.hctx);
    if (q === null) {
      // a poll queue: one command, its own doorbell (the pair's vector is unused)
      this.writeSqDb([rq]);
      return;
    }
    q.sq.push(rq);
    if (last) this.writeSqDb(q.sq);
  }

  // drivers/nvme/host/pci.c: nvme_commit_rqs()
  protected override commitRqs(hctx: Hctx): void {
    const q = this.queueOf(hctx);
    if (q !== null && q.sq.length > 0) this.writeSqDb(q.sq);
  }

  // drivers/nvme/host/pci.c: nvme_write_sq_db()
  /** The SQ tail doorbell (an MMIO write): the controller fetches every command written so far. */
  private writeSqDb(sq: BlkRequest[]): void {
    this.counts.kicks++;
    charge(this.nvme.doorbellNsec);
    for (let rq = sq.shift(); rq !== undefined; rq = sq.shift()) this.controller.start(rq);
  }

  /** The controller finished a command: post its CQE and signal the vector as Interrupt Coalescing allows. */
  private postCqe(rq: BlkRequest): void {
    const q = this.queueOf(rq.hctx);
    if (q === null || rq.polled) {
      this.polled.deliver(rq);
      return;
    }
    q.cq.push(rq);
    q.aggregated++;
    const { intcoalThr, intcoalTime } = this.nvme;
    // TIME 0 is "no delay" (NVMe base spec, Interrupt Coalescing): the threshold alone never holds an interrupt back
    if (q.aggregated > intcoalThr || intcoalTime === 0) {
      this.fire(q);
      return;
    }
    q.timer ??= this.sim.after(intcoalTime * NVME_INTCOAL_TIME_UNIT_NS, () => this.fire(q));
  }

  /** Send the vector's MSI-X message (unless its handler is already due), restarting aggregation. */
  private fire(q: NvmeQueue): void {
    q.aggregated = 0;
    if (q.timer !== null) this.sim.cancel(q.timer);
    q.timer = null;
    if (q.irqPending) return;
    q.irqPending = true;
    this.sim.raiseIrqWork(q.cpu, q.irq);
  }

  // drivers/nvme/host/pci.c: nvme_irq() → nvme_poll_cq() → nvme_handle_cqe() → blk_mq_complete_request()
  /** Handle every CQE posted so far (including those posted while handling), then write the CQ head doorbell. */
  private nvmeIrq(q: NvmeQueue): void {
    this.counts.interrupts++;
    for (let rq = q.cq.shift(); rq !== undefined; rq = q.cq.shift()) {
      charge(this.sim.costs.blkComplete); // nvme_pci_complete_rq → blk_mq_end_request
      this.endRequest(rq);
    }
    q.irqPending = false;
  }

  // drivers/nvme/host/pci.c: nvme_poll()
  protected *pollQueue(hctx: Hctx, flags: number): KGen<number> {
    return yield* this.polled.poll(hctx, flags);
  }

  protected resetDevice(): BlkRequest[] {
    const lost = this.controller.abort();
    this.polled.clear();
    for (const q of this.queues) {
      lost.push(...q.sq.splice(0), ...q.cq.splice(0));
      if (q.timer !== null) this.sim.cancel(q.timer);
      q.timer = null;
      q.aggregated = 0;
      q.irqPending = false;
    }
    return lost;
  }
}
