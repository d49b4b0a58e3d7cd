/**
 * `VirtioBlk`: a VM's virtio-blk disk (drivers/block/virtio_blk.c over
 * drivers/virtio/virtio_ring.c, the host being QEMU's virtio-blk with an
 * iothread, {@link VirtioHost}). `num_queues` virtqueues, one hardware queue
 * each; ->queue_rq adds the request to the avail ring and, at the end of a
 * batch (`bd->last` or ->commit_rqs), kicks the host if it asked for it
 * (EVENT_IDX): the kick is a VM exit, `kick_nsec` charged to the submitter.
 * The host's interrupt, injected unless the guest suppressed it, lands on
 * `irq_cpu` and costs `irq_nsec` to enter; `virtblk_done()` then completes
 * every request used so far, with callbacks off.
 * @module
 */
import { charge, type Cpu, type IrqWork, type KGen, type Simulator } from '@dio/sim';
import { BlkMqDevice, firstCpuOfQueue, type BlkMqStats, type DriverStats } from './blk-mq';
import { resolveVirtioOptions, type VirtioBlkConfig, type VirtioBlkOptions } from './device-options';
import { NullBlkConfigError } from './options';
import type { BlkRequest, Hctx } from './request';
import { DeviceService } from './service';
import { VirtioHost } from './virtio-host';
import { VirtQueue } from './virtqueue';

/** Counters of a VirtioBlk. */
export type VirtioBlkStats = BlkMqStats;

/** `struct virtio_blk_vq` and what serves it. */
interface VirtioBlkVq {
  readonly vq: VirtQueue;
  readonly host: VirtioHost;
  /** The CPU its interrupt goes to. */
  readonly irqCpu: Cpu;
  readonly irq: IrqWork;
}

/** A virtio-blk disk. */
export class VirtioBlk extends BlkMqDevice {
  /** The resolved configuration, virtio fields included. */
  readonly virtio: VirtioBlkConfig;
  private readonly vqs: VirtioBlkVq[] = [];
  /** The host's storage, shared by every virtqueue. */
  private readonly backend: DeviceService;
  private readonly counts = { interrupts: 0, kicks: 0 };

  /**
   * @param sim the simulator whose clock, CPUs and RNG the device uses
   * @param opts see {@link VirtioBlkOptions}
   */
  constructor(sim: Simulator, opts: VirtioBlkOptions = {}) {
    const cfg = resolveVirtioOptions(opts);
    super(sim, cfg, opts.badblocks);
    this.virtio = cfg;
    if (cfg.irqCpu !== null && cfg.irqCpu >= sim.cpus.length) throw new NullBlkConfigError(`virtio-blk: irq_cpu ${cfg.irqCpu} is not a CPU (the machine has ${sim.cpus.length})`);
    this.backend = new DeviceService(sim, this.rng, cfg, {
      stepStart: (rq, step) => this.handler.stepStart(rq, step),
      stepEnd: (rq, step) => this.handler.stepEnd(rq, step),
      finished: (rq) => this.vqOf(rq.hctx).host.backendDone(rq),
    });
    for (let q = 0; q < cfg.submitQueues; q++) {
      const vq = new VirtQueue();
      const irqCpu = sim.cpus[cfg.irqCpu ?? firstCpuOfQueue(q, cfg.submitQueues, sim.cpus.length)] as Cpu;
      const irqFn = (): void => this.virtblkDone(q);
      const irq: IrqWork = { name: `virtio${q}-req.${q}`, fn: irqFn, entryCost: cfg.irqNsec };
      const inject = (): void => this.injectIrq(q);
      this.vqs.push({ vq, host: new VirtioHost(sim, cfg, vq, this.backend, inject), irqCpu, irq });
    }
  }

  private vqOf(hctx: Hctx): VirtioBlkVq {
    return this.vqs[hctx.index] as VirtioBlkVq;
  }

  protected driverStats(): DriverStats {
    return { interrupts: this.counts.interrupts, softirqs: 0, polls: 0, polled: 0, kicks: this.counts.kicks };
  }

  // drivers/block/virtio_blk.c: virtio_queue_rq()
  /** Add the request to the avail ring; at the end of a batch, kick the host if it wants a kick. */
  protected queueRq(rq: BlkRequest, last: boolean): void {
    const q = this.vqOf(rq.hctx);
    q.vq.add(rq); // virtblk_add_req() → virtqueue_add_sgs()
    q.host.availAdded();
    if (last && q.vq.kickPrepare()) this.virtqueueNotify(q);
  }

  // drivers/block/virtio_blk.c: virtio_commit_rqs()
  protected override commitRqs(hctx: Hctx): void {
    const q = this.vqOf(hctx);
    if (q.vq.kickPrepare()) this.virtqueueNotify(q);
  }

  // drivers/virtio/virtio_ring.c: virtqueue_notify() → vp_notify(): an MMIO/PIO write that exits to the host
  /** The kick: the host's ioeventfd fires, and the vCPU pays for the exit. */
  private virtqueueNotify(q: VirtioBlkVq): void {
    this.counts.kicks++;
    if (this.sim.tracing) this.sim.trace('virtqueue_notify', { dev: this.name });
    q.host.notify();
    charge(this.virtio.kickNsec);
  }

  /** The host injects the virtqueue's interrupt (irqfd); the guest takes it `irq_delay_nsec` later. */
  private injectIrq(q: number): void {
    const v = this.vqs[q] as VirtioBlkVq;
    const raise = (): void => this.sim.raiseIrqWork(v.irqCpu, v.irq);
    if (this.virtio.irqDelayNsec === 0) raise();
    else this.sim.after(this.virtio.irqDelayNsec, raise);
  }

  // drivers/virtio/virtio_ring.c: vring_interrupt() → drivers/block/virtio_blk.c: virtblk_done()
  /** With callbacks off, complete every used request; re-enable them, and drain again if more were used meanwhile. */
  private virtblkDone(qi: number): void {
    this.counts.interrupts++;
    const vq = (this.vqs[qi] as VirtioBlkVq).vq;
    do {
      vq.disableCb();
      for (let rq = vq.getBuf(); rq !== null; rq = vq.getBuf()) {
        // blk_mq_complete_request() → virtblk_complete_rq() → virtblk_request_done() → blk_mq_end_request()
        charge(this.sim.costs.blkComplete);
        this.endRequest(rq);
      }
    } while (!vq.enableCb());
  }

  // drivers/block/virtio_blk.c: virtblk_poll() — no poll queues in this model
  protected *pollQueue(hctx: Hctx, flags: number): KGen<number> {
    void hctx;
    void flags;
    return 0;
  }

  protected resetDevice(): BlkRequest[] {
    const lost = this.backend.abort();
    for (const q of this.vqs) lost.push(...q.host.reset(), ...q.vq.reset());
    return lost;
  }
}
