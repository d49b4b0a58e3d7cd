/**
 * `BlkMqDevice`: the blk-mq machinery every device model shares (block/blk-mq.c,
 * block/blk-core.c): the submit path (checks, splitting, tags, plugging), the
 * hardware queues and their CPU mapping, request completion, polling, and the
 * data side (bad blocks, memory or file media behind a volatile write cache,
 * power cut). A driver subclass supplies ->queue_rq, ->commit_rqs, its
 * interrupt/completion path and its device timing.
 * @module
 */
import { charge, currentCtx, type Cpu, type EventHandle, type KGen, returned, type Rng, type Simulator } from '@dio/sim';
import { Badblocks } from './badblocks';
import { MqDeadline } from './mq-deadline';
import { bioEndio, bioSectors, bioSplitToLimits, bioWouldblockError, SECTOR_SIZE, type Bio, type BlkQc } from './bio';
import type { BlockDevice, QueueLimits } from './blkdev';
import type { CompletionStats } from './completion';
import { blkFillRwbs, REQ_NOWAIT, REQ_POLLED, REQ_PREFLUSH } from './flags';
import { FileMedia, MemoryMedia, type Media } from './media';
import { NullHandler } from './null-handle';
import { bioSplitPlan, blkFlushPolicy, isDataOnly, submitBioChecks } from './null-submit';
import type { NullBlkConfig } from './options';
import { blkAddRqToPlug, blkFlushPlug, currentPlug, type PluggedRequest } from './plug';
import type { BlkRequest, Hctx, RqStep } from './request';
import { BLK_STS_IOERR, BLK_STS_OK, blkStatusToErrno, type BlkStatus } from './status';
import { BlkMqTags } from './tags';
import { WriteCache, type PowerCutReport } from './write-cache';

/** Counters of a blk-mq device. */
export interface BlkMqStats extends CompletionStats {
  /** Bios submitted (before splitting). */
  bios: number;
  /** Requests issued (after splitting). */
  requests: number;
  /** Requests completed. */
  completed: number;
  /** Requests completed with an error. */
  errors: number;
  /** REQ_NOWAIT bios failed with BLK_STS_AGAIN: the queue was full, or the bio needed splitting. */
  again: number;
  /** Requests holding a tag now. */
  inFlight: number;
  /** Most requests ever holding a tag at once. */
  maxInFlight: number;
  /** Notifications of the device by the driver: virtio kicks (VM exits), NVMe SQ doorbell writes; 0 for null_blk. */
  kicks: number;
}

/** The driver's counters merged into {@link BlkMqStats}. */
export interface DriverStats extends CompletionStats {
  kicks: number;
}

/** A blk-mq request, which is also its own entry on a plug: `dispatch()` issues it (no closure per request). */
class BlkMqRequest implements BlkRequest, PluggedRequest {
  step = 0;
  status: BlkStatus = BLK_STS_OK;
  flushUpTo = 0;
  stepEnd = -1;
  svcEv: EventHandle | null = null;
  svcPrev: BlkRequest | null = null;
  svcNext: BlkRequest | null = null;

  constructor(
    /** The device's issue and commit (one pair per device). */
    private readonly dev: { issue(rq: BlkRequest, last: boolean): void; commitRqs(hctx: Hctx): void },
    readonly id: number,
    readonly bio: Bio,
    readonly opf: number,
    readonly hctx: Hctx,
    public tag: number,
    readonly schedTag: number,
    readonly cpu: Cpu,
    readonly polled: boolean,
    readonly steps: readonly RqStep[],
    readonly writeThrough: boolean,
    public sectors: number,
  ) {}

  dispatch(last: boolean): void {
    this.dev.issue(this, last);
  }

  commitRqs(): void {
    this.dev.commitRqs(this.hctx);
  }
}

/** A blk-mq block device; subclasses are the drivers (null_blk, nvme, virtio-blk). */
export abstract class BlkMqDevice implements BlockDevice {
  /** Disk name (`nullb0`, `nvme0n1`, `vda`). */
  readonly name: string;
  /** bdev_logical_block_size(): `bs`. */
  readonly logicalBlockSize: number;
  /** Capacity in 512-byte sectors (`gb` GiB). */
  readonly sectors: number;
  /** Queue limits: block sizes, `max_sectors`, `max_segments`, `max_segment_size`. */
  readonly limits: QueueLimits;
  /** The resolved configuration (the options every kind shares). */
  readonly config: NullBlkConfig;
  /** The configfs-style `badblocks` list; edit with `badblocks.store('+start-end')`. */
  readonly badblocks = new Badblocks();
  /** Hardware queues: `submitQueues` default ones, then `pollQueues` polled ones. */
  readonly hctxs: readonly Hctx[];
  /** The durable store, or null when not memory-backed. */
  readonly media: Media | null;
  /** The write cache in front of the media (write-through when the device has none). */
  readonly store: WriteCache | null;
  private readonly counters = { bios: 0, requests: 0, completed: 0, errors: 0, again: 0, inFlight: 0, maxInFlight: 0 };
  /** The device's random stream (service times, tearing). */
  protected readonly rng: Rng;
  /** What the device does with a request's data (bad blocks, media, cache flushes). */
  protected readonly handler: NullHandler;
  private nextId = 1;
  private powered = true;
  /** The I/O scheduler (`q->elevator`), or null for `none`. */
  private readonly elevator: MqDeadline | null;
  private readonly rqOps = {
    issue: (rq: BlkRequest, last: boolean): void => this.issue(rq, last),
    commitRqs: (h: Hctx): void => (h.schedTags !== null ? this.blkMqRunHwQueue(h) : this.commitRqs(h)),
  };

  /**
   * @param sim the simulator whose clock, CPUs and RNG the device uses
   * @param cfg the resolved shared options
   * @param badblocks configfs badblocks commands to apply
   */
  constructor(
    /** The simulator the device runs in. */
    readonly sim: Simulator,
    cfg: NullBlkConfig,
    badblocks: readonly string[] = [],
  ) {
    this.config = cfg;
    this.name = cfg.name;
    this.logicalBlockSize = cfg.bs;
    this.sectors = Math.floor((cfg.gb * 2 ** 30) / SECTOR_SIZE);
    this.limits = { logicalBlockSize: cfg.bs, physicalBlockSize: cfg.bs, maxSectors: cfg.maxSectors, maxSegments: cfg.maxSegments, maxSegmentSize: cfg.maxSegmentSize };
    for (const cmd of badblocks) this.badblocks.store(cmd);
    const agent = { agent: `device ${cfg.name}` };
    const mk = (index: number, type: Hctx['type']): Hctx => ({
      index,
      type,
      tags: new BlkMqTags(cfg.hwQueueDepth, `${cfg.name} hctx${index} tags`, agent),
      inflight: 0,
      pollCq: [],
      schedTags: cfg.scheduler === null || type === 'poll' ? null : new BlkMqTags(cfg.scheduler.nrRequests, `${cfg.name} hctx${index} sched_tags`, agent),
      dispatch: [],
      schedRestart: false,
    });
    const hs: Hctx[] = [];
    for (let i = 0; i < cfg.submitQueues; i++) hs.push(mk(i, 'default'));
    for (let i = 0; i < cfg.pollQueues; i++) hs.push(mk(cfg.submitQueues + i, 'poll'));
    this.hctxs = hs;
    this.media = !cfg.memoryBacked ? null : cfg.backingFile !== null ? new FileMedia(cfg.backingFile) : new MemoryMedia();
    this.store = this.media === null ? null : new WriteCache(this.media, cfg.writeCache ? cfg.cacheSize * 1024 * 1024 : 0);
    this.rng = sim.rng.fork(`blockdev/${cfg.name}`);
    this.handler = new NullHandler(this.badblocks, this.store, cfg.bs / SECTOR_SIZE, cfg.badblocksOnce, cfg.badblocksPartialIo);
    this.elevator = cfg.scheduler === null ? null : new MqDeadline(cfg.scheduler.tunables);
  }

  /** ->queue_rq(): hand a started request to the driver; `last` is `bd->last` (plain: it cannot sleep). */
  protected abstract queueRq(rq: BlkRequest, last: boolean): void;

  /** ->commit_rqs(): the batch issued on `hctx` with `last` false is complete (default: nothing to do). */
  protected commitRqs(hctx: Hctx): void {
    void hctx;
  }

  /** ->poll(): reap polled completions of poll queue `hctx` in the caller's context. */
  protected abstract pollQueue(hctx: Hctx, flags: number): KGen<number>;

  /** Power cut: the driver and device forget every request they hold; returns those the device had not finished. */
  protected abstract resetDevice(): BlkRequest[];

  /** The driver's counters (interrupts, kicks, polls). */
  protected abstract driverStats(): DriverStats;

  /** Counters (a snapshot). */
  get stats(): BlkMqStats {
    return { ...this.counters, ...this.driverStats() };
  }

  /** include/linux/blkdev.h: bdev_fua() — FUA is advertised only with a write cache and `fua` on. */
  bdevFua(): boolean {
    return this.config.writeCache && this.config.fua;
  }

  /** include/linux/blkdev.h: bdev_write_cache(). */
  bdevWriteCache(): boolean {
    return this.config.writeCache;
  }

  /** The hardware queue of each CPU id: default queues, then poll queues (mapQueue's results, made on first use). */
  private readonly cpuHctx: [(Hctx | undefined)[], (Hctx | undefined)[]] = [[], []];

  private mapQueue(cpu: Cpu, polled: boolean): Hctx {
    return (this.cpuHctx[polled ? 1 : 0][cpu.id] ??= this.blkMqMapQueue(cpu, polled));
  }

  // block/blk-mq-cpumap.c: blk_mq_map_queues() — contiguous CPU groups per queue
  private blkMqMapQueue(cpu: Cpu, polled: boolean): Hctx {
    const n = polled ? this.config.pollQueues : this.config.submitQueues;
    const base = polled ? this.config.submitQueues : 0;
    return this.hctxs[base + queueOfCpu(cpu.id, n, this.sim.cpus.length)] as Hctx;
  }

  // block/blk-core.c: submit_bio_noacct() → block/blk-mq.c: blk_mq_submit_bio()
  /**
   * Submit `bio` in the caller's (task) context: check it, split it at the
   * queue limits, take a tag per request (sleeping in state D for one, or
   * ending the bio with BLK_STS_AGAIN under REQ_NOWAIT) and start it, or
   * add it to the task's plug. A plain function handing back the generator
   * of its last call (the request's submission, or the split pieces'), or
   * `returned` when the bio ends at once.
   */
  submitBio(bio: Bio): KGen<void> {
    const sim = this.sim;
    this.counters.bios++;
    if (sim.tracing) sim.trace('block_bio_queue', this.traceArgs(bio, bio.biOpf));
    const chk = submitBioChecks(bio, this.config, this.sectors);
    if (chk.endWith !== null || !this.powered) {
      bio.biStatus = chk.endWith ?? BLK_STS_IOERR; // powered off
      bioEndio(bio);
      return returned(undefined);
    }
    const opf = chk.opf;
    const split = bioSplitPlan(bio, opf, this.limits);
    if (split.verdict === 'again') {
      this.counters.again++;
      bioWouldblockError(bio);
      return returned(undefined);
    }
    if (split.verdict !== 'split') return this.submitRq(bio, opf);
    return this.submitSplit(bioSplitToLimits(bio, split.limits), opf);
  }

  // block/blk-core.c: __submit_bio_noacct() over the bios bio_split_to_limits() made
  /** One request per piece, in order (a bio split in several is no longer polled; only the first keeps PREFLUSH). */
  private *submitSplit(pieces: readonly Bio[], opf: number): KGen<void> {
    if (pieces.length > 1) opf &= ~REQ_POLLED;
    for (let i = 0; i < pieces.length; i++) yield* this.submitRq(pieces[i] as Bio, i === 0 ? opf : opf & ~REQ_PREFLUSH);
  }

  // block/blk-mq.c: blk_mq_submit_bio() for one request
  /**
   * Take a tag — the scheduler's when the queue has one, else the driver's —
   * sleeping for one unless REQ_NOWAIT; build the request, then add it to
   * the plug or start it (through the scheduler, if any).
   */
  private *submitRq(bio: Bio, opf: number): KGen<void> {
    charge(this.sim.costs.blkSubmit);
    const cpu = currentCtx().cpu as Cpu;
    const polled = (opf & REQ_POLLED) !== 0;
    const hctx = this.mapQueue(cpu, polled);
    const tags = hctx.schedTags ?? hctx.tags;
    let tag = tags.tryGet();
    if (tag === null) {
      if ((opf & REQ_NOWAIT) !== 0) {
        this.counters.again++;
        bioWouldblockError(bio);
        return;
      }
      const plug = currentPlug(); // io_schedule() flushes the plug before sleeping
      if (plug !== undefined) blkFlushPlug(plug);
      tag = yield* tags.get();
    }
    const rq = this.blkMqRqCtxInit(bio, opf, hctx, tag, cpu, polled);
    const plug = currentPlug();
    if (plug !== undefined && isDataOnly(rq.steps)) blkAddRqToPlug(plug, rq);
    else this.issue(rq, true);
  }

  // block/blk-mq.c: blk_mq_rq_ctx_init() + blk_mq_bio_to_request()
  /**
   * The request for `bio` on the tag just taken (the scheduler's, when the
   * queue has one), with its flush sequence (blk_insert_flush's plan), in
   * flight on `hctx`. A plain call: the submitter's generator keeps no
   * registers for its dozen fields.
   */
  private blkMqRqCtxInit(bio: Bio, opf: number, hctx: Hctx, tag: number, cpu: Cpu, polled: boolean): BlkMqRequest {
    const plan = blkFlushPolicy(opf, bio.biSize, this.config);
    const sched = hctx.schedTags !== null;
    const rq = new BlkMqRequest(this.rqOps, this.nextId++, bio, opf, hctx, sched ? -1 : tag, sched ? tag : -1, cpu, polled, plan.steps, plan.writeThrough, bioSectors(bio));
    bio.biCookie = polled ? hctx.index : -1;
    hctx.inflight++;
    this.counters.requests++;
    const c = this.counters;
    if (++c.inFlight > c.maxInFlight) c.maxInFlight = c.inFlight;
    return rq;
  }

  /**
   * A request leaves the submitter (or its plug): to the driver directly, or
   * — with a scheduler — into it, running the hardware queue at the end of
   * the batch (`last`), as blk_mq_dispatch_plug_list() does.
   */
  private issue(rq: BlkRequest, last: boolean): void {
    if (rq.hctx.schedTags === null) {
      this.blkMqRequestIssueDirectly(rq, last);
      return;
    }
    this.blkMqInsertRequest(rq);
    if (last) this.blkMqRunHwQueue(rq.hctx);
  }

  // block/blk-mq.c: blk_mq_request_issue_directly() → blk_mq_start_request() + ->queue_rq
  /** Start the request and hand it to the driver (a plain call: it cannot sleep). */
  private blkMqRequestIssueDirectly(rq: BlkRequest, last: boolean): void {
    if (this.sim.tracing) this.sim.trace('block_rq_issue', this.traceArgs(rq.bio, rq.opf));
    if (!this.powered) return;
    this.queueRq(rq, last);
  }

  // block/blk-mq.c: blk_mq_insert_request()
  /** blk_mq_insert_request(): into the scheduler (dd_insert_request()); a flush sequence bypasses it to `hctx->dispatch`. */
  private blkMqInsertRequest(rq: BlkRequest): void {
    const elv = this.elevator as MqDeadline;
    if (!isDataOnly(rq.steps)) {
      rq.hctx.dispatch.push(rq);
      return;
    }
    charge(this.sim.costs.elvInsert);
    if (this.sim.tracing) this.sim.trace('block_rq_insert', this.traceArgs(rq.bio, rq.opf));
    elv.ddInsertRequest(rq, this.sim.now);
  }

  // block/blk-mq.c: blk_mq_run_hw_queue() → blk-mq-sched.c: __blk_mq_sched_dispatch_requests()
  /**
   * Run a scheduled hardware queue in the caller's context: take requests —
   * `hctx->dispatch` first, then the scheduler's choice
   * (blk_mq_do_dispatch_sched) — while driver tags last, and hand them to
   * the driver as one batch, `bd->last` on the final one
   * (blk_mq_dispatch_rq_list). Out of driver tags, the rest waits on
   * `hctx->dispatch` with SCHED_RESTART set.
   */
  private blkMqRunHwQueue(hctx: Hctx): void {
    if (!this.powered) return;
    const elv = this.elevator as MqDeadline;
    const batch: BlkRequest[] = [];
    for (;;) {
      let rq = hctx.dispatch.shift();
      if (rq === undefined) {
        if (elv.length === 0) break;
        charge(this.sim.costs.elvDispatch);
        // (a power cut inside the charge emptied the scheduler)
        rq = elv.ddDispatchRequest(this.sim.now);
        if (rq === undefined) break;
      }
      // blk_mq_get_driver_tag(): from the request's own hardware queue (one scheduler serves every queue of the disk)
      const own = rq.hctx;
      const tag = own.tags.tryGet();
      if (tag === null) {
        own.dispatch.unshift(rq);
        own.schedRestart = true;
        break;
      }
      rq.tag = tag;
      batch.push(rq);
    }
    for (let i = 0; i < batch.length; i++) this.blkMqRequestIssueDirectly(batch[i] as BlkRequest, i === batch.length - 1);
  }

  // block/blk-mq.c: blk_mq_end_request()
  /**
   * End the request in the completion context: trace, count, end its bio,
   * free its tag. A request a handler was still ending when the power was cut
   * (the cut ran inside the handler's charge) is lost like the rest.
   */
  protected endRequest(rq: BlkRequest): void {
    if (!this.powered) return;
    const sim = this.sim;
    if (sim.tracing) sim.trace('block_rq_complete', { ...this.traceArgs(rq.bio, rq.opf), error: blkStatusToErrno(rq.status) });
    this.counters.completed++;
    if (rq.status !== BLK_STS_OK) {
      this.counters.errors++;
      rq.bio.biStatus = rq.status;
    }
    bioEndio(rq.bio);
    this.freeRequest(rq);
  }

  /**
   * The end of blk_mq_end_request(): the request leaves the queue and its
   * tags are freed; a dispatch that stopped for want of a driver tag runs
   * again (blk_mq_sched_restart(); the kernel defers that run to kblockd,
   * here it runs in the completing context).
   */
  private freeRequest(rq: BlkRequest): void {
    const hctx = rq.hctx;
    hctx.inflight--;
    this.counters.inFlight--;
    hctx.tags.put(rq.tag);
    if (hctx.schedTags === null) return;
    hctx.schedTags.put(rq.schedTag);
    if (hctx.schedRestart) {
      hctx.schedRestart = false;
      this.blkMqRunHwQueue(hctx);
    }
  }

  private traceArgs(bio: Bio, opf: number): { dev: string; sector: number; nr_sector: number; rwbs: string } {
    return { dev: this.name, sector: bio.biSector, nr_sector: bioSectors(bio), rwbs: blkFillRwbs(opf) };
  }

  // block/blk-mq.c: bio_poll()
  /** Reap completed polled requests of `bio`'s poll queue in the caller's context; returns how many. */
  *bioPoll(bio: Bio, flags = 0): KGen<number> {
    return yield* this.blkPoll(bio.biCookie ?? -1, flags);
  }

  // block/blk-mq.c: blk_mq_poll()
  /** Poll hardware queue `cookie` (a poll queue); returns how many requests completed. */
  *blkPoll(cookie: BlkQc, flags = 0): KGen<number> {
    const hctx = this.hctxs[cookie];
    if (cookie < 0 || hctx === undefined || hctx.type !== 'poll') return 0;
    return yield* this.pollQueue(hctx, flags);
  }

  /**
   * Cut the power: requests in the device are lost (their bios never
   * complete), and so is every write only in the volatile cache, wholly or
   * (with `tear`) sector by sector; unfinished writes may also have landed
   * in part when tearing. FUA writes that completed and writes that
   * completed before a completed flush was issued survive. Submits fail with
   * BLK_STS_IOERR until {@link powerOn}.
   */
  powerCut(opts: { tear?: boolean } = {}): PowerCutReport {
    const tear = opts.tear ?? false;
    const rng = this.rng.fork('powercut');
    const lost = this.resetDevice();
    // requests still in the scheduler never reached the device: they are lost without landing anywhere
    this.elevator?.drain();
    for (const h of this.hctxs) {
      h.pollCq.length = 0;
      h.dispatch.length = 0;
      h.schedRestart = false;
    }
    const report = this.store?.powerCut(rng, tear) ?? { droppedWrites: 0, keptWrites: 0, droppedSectors: 0 };
    if (tear && this.media !== null) this.handler.tearUnfinished(lost, this.media, rng);
    this.powered = false;
    return report;
  }

  /** Power back on: empty queues, all tags free, the media as the cut left it. */
  powerOn(): void {
    for (const h of this.hctxs) {
      h.inflight = 0;
      h.tags.reset();
      h.schedTags?.reset();
    }
    this.counters.inFlight = 0;
    this.powered = true;
  }

  /** True unless the power is cut. */
  get isPowered(): boolean {
    return this.powered;
  }

  /** Contents a read would return now (cache, then media), outside simulated time. */
  readSectors(sector: number, count: number): Uint8Array {
    const out = new Uint8Array(count * SECTOR_SIZE);
    this.store?.read(sector, count, out);
    return out;
  }

  /** Contents of the durable media only (what survives a power cut for sure). */
  readDurable(sector: number, count: number): Uint8Array {
    const out = new Uint8Array(count * SECTOR_SIZE);
    this.media?.read(sector, count, out);
    return out;
  }

  /** Write straight to durable media, outside simulated time (e.g. mkfs before a run). */
  writeSectors(sector: number, data: Uint8Array): void {
    if (data.length % SECTOR_SIZE !== 0) throw new RangeError(`writeSectors: ${data.length} bytes is not whole sectors`);
    this.store?.writeThrough(sector, data);
  }

  /** Close a backing file. */
  close(): void {
    this.media?.close();
  }
}

// block/blk-mq-cpumap.c: blk_mq_map_queues()
/** The queue (of `n`) CPU `cpu` (of `cpus`) maps to: contiguous CPU groups per queue. */
export function queueOfCpu(cpu: number, n: number, cpus: number): number {
  return Math.floor((cpu * n) / cpus);
}

/** The first CPU (of `cpus`) mapped to queue `q` of `n`: the effective affinity of its managed interrupt. */
export function firstCpuOfQueue(q: number, n: number, cpus: number): number {
  for (let c = 0; c < cpus; c++) if (queueOfCpu(c, n, cpus) === q) return c;
  return q % cpus;
}
