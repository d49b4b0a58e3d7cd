/**
 * `NullBlk`: a null_blk-class multi-queue block device (drivers/block/null_blk,
 * block/blk-mq.c). Per-CPU software queues map onto `submit_queues` hardware
 * queues (plus `poll_queues` for REQ_POLLED bios), each with
 * `hw_queue_depth` tags; requests are serviced by a {@link DeviceService} and
 * completed through a {@link CompletionPath} in the context `irqmode` says.
 * The blk-mq side (submit, tags, plug, data, power cut) is {@link BlkMqDevice}.
 * @module
 */
import { charge, type KGen, type Simulator } from '@dio/sim';
import { BlkMqDevice, type BlkMqStats, type DriverStats } from './blk-mq';
import { CompletionPath } from './completion';
import { resolveOptions, type NullBlkOptions } from './options';
import type { BlkRequest, Hctx } from './request';
import { DeviceService } from './service';

/** Counters of a NullBlk. */
export type NullBlkStats = BlkMqStats;

/** A memory- (or file-) backed null_blk device with a timing model. */
export class NullBlk extends BlkMqDevice {
  private readonly service: DeviceService;
  private readonly completion: CompletionPath;

  /**
   * @param sim the simulator whose clock, CPUs and RNG the device uses
   * @param opts null_blk parameters; see {@link NullBlkOptions}
   */
  constructor(sim: Simulator, opts: NullBlkOptions = {}) {
    const cfg = resolveOptions(opts);
    super(sim, cfg, opts.badblocks);
    this.service = new DeviceService(sim, this.rng, cfg, {
      stepStart: (rq, step) => this.handler.stepStart(rq, step),
      stepEnd: (rq, step) => this.handler.stepEnd(rq, step),
      finished: (rq) => this.completion.deliver(rq),
    });
    this.completion = new CompletionPath(sim, cfg.name, cfg.irqmode, cfg.pollNsec, this.service, (rq) => this.endRequest(rq));
  }

  protected driverStats(): DriverStats {
    return { ...this.completion.stats, kicks: 0 };
  }

  // drivers/block/null_blk/main.c: null_queue_rq()
  /** ->queue_rq: a plain call (it cannot sleep); with irqmode=0 it completes the request inline. */
  protected queueRq(rq: BlkRequest): void {
    if (this.config.irqmode !== 'none') {
      this.service.start(rq);
      return;
    }
    this.service.runInline(rq); // irqmode=0: end_cmd() inside ->queue_rq
    charge(this.sim.costs.blkComplete);
    this.endRequest(rq);
  }

  // drivers/block/null_blk/main.c: null_poll()
  protected *pollQueue(hctx: Hctx, flags: number): KGen<number> {
    return yield* this.completion.poll(hctx, flags);
  }

  protected resetDevice(): BlkRequest[] {
    const lost = this.service.abort();
    this.completion.clear();
    return lost;
  }
}
