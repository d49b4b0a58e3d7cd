/**
 * The device itself: how long a request takes and how many run at once.
 * Each step of a request (data transfer or cache flush) takes a service time
 * drawn from its operation's distribution; at most `parallelism` requests are
 * in service (the rest queue inside the device, FIFO); and with an `mbps`
 * cap all transfers share one link, so a data step ends no earlier than its
 * bytes can cross it: end = max(start + latency, link free + bytes / bandwidth).
 * With `load_nsec`, a data step's latency grows by that much for every other
 * request in service when it starts.
 * @module
 */
import { makeSampler, type Rng, type Sampler, type Simulator } from '@dio/sim';
import { bioOp, REQ_OP_READ } from './flags';
import type { NullBlkConfig } from './options';
import type { BlkRequest, Hctx, RqStep } from './request';

/** What the driver does at the edges of each device step. */
export interface ServiceHooks {
  /** A step starts (a flush takes its snapshot of the cache here). */
  stepStart(rq: BlkRequest, step: RqStep): void;
  /** A step ends (data lands, a flush persists). */
  stepEnd(rq: BlkRequest, step: RqStep): void;
  /** The device finished the request: hand it to the completion path. */
  finished(rq: BlkRequest): void;
}

/** The device's internal scheduler: parallel slots, a shared link, and per-op service times. */
export class DeviceService {
  private busy = 0;
  private readonly waiting: BlkRequest[] = [];
  /**
   * Requests in service, oldest first: a list threaded through the requests
   * (`svcPrev`/`svcNext`, the end-of-step event in `svcEv`) rather than a
   * Map, which cost a hash insert per step and a delete per request.
   */
  private head: BlkRequest | null = null;
  private tail: BlkRequest | null = null;
  private linkFree = 0;
  private readonly bytesPerNs: number;
  private readonly readTime: Sampler;
  private readonly writeTime: Sampler;
  private readonly flushTime: Sampler;
  private readonly stepEndFn = (rq: unknown): void => this.onStepEnd(rq as BlkRequest);

  constructor(
    private readonly sim: Simulator,
    private readonly rng: Rng,
    private readonly cfg: NullBlkConfig,
    private readonly hooks: ServiceHooks,
  ) {
    this.bytesPerNs = cfg.mbps > 0 ? (cfg.mbps * 1024 * 1024) / 1e9 : 0;
    this.readTime = makeSampler(cfg.readLatency);
    this.writeTime = makeSampler(cfg.writeLatency);
    this.flushTime = makeSampler(cfg.flushLatency);
  }

  /** Requests in service plus those queued inside the device. */
  get outstanding(): number {
    return this.busy + this.waiting.length;
  }

  /** Accept a request: start it, or queue it until a slot frees. */
  start(rq: BlkRequest): void {
    if (this.cfg.parallelism > 0 && this.busy >= this.cfg.parallelism) this.waiting.push(rq);
    else this.begin(rq);
  }

  /** Run every step at once, with no device time (irqmode 'none'). */
  runInline(rq: BlkRequest): void {
    const steps = rq.steps;
    while (rq.step < steps.length) {
      const step = steps[rq.step++] as RqStep;
      this.hooks.stepStart(rq, step);
      this.hooks.stepEnd(rq, step);
    }
  }

  /** Earliest end of a step in service on `hctx` (or anywhere, if none there); undefined if idle. */
  nextStepEnd(hctx: Hctx): number | undefined {
    let mine: number | undefined;
    let any: number | undefined;
    for (let rq = this.head; rq !== null; rq = rq.svcNext) {
      if (any === undefined || rq.stepEnd < any) any = rq.stepEnd;
      if (rq.hctx === hctx && (mine === undefined || rq.stepEnd < mine)) mine = rq.stepEnd;
    }
    return mine ?? any;
  }

  /** Power is gone: stop every request. Returns the ones that were in the device, unfinished. */
  abort(): BlkRequest[] {
    const out: BlkRequest[] = [];
    for (let rq = this.head; rq !== null; rq = rq.svcNext) {
      out.push(rq);
      if (rq.svcEv !== null) this.sim.cancel(rq.svcEv);
      rq.svcEv = null;
    }
    out.push(...this.waiting);
    this.head = this.tail = null;
    this.waiting.length = 0;
    this.busy = 0;
    this.linkFree = 0;
    return out;
  }

  private begin(rq: BlkRequest): void {
    this.busy++;
    // join the in-service list at the tail
    rq.svcPrev = this.tail;
    rq.svcNext = null;
    if (this.tail === null) this.head = rq;
    else this.tail.svcNext = rq;
    this.tail = rq;
    this.nextStep(rq);
  }

  private nextStep(rq: BlkRequest): void {
    const step = rq.steps[rq.step];
    if (step === undefined) {
      this.done(rq);
      return;
    }
    this.hooks.stepStart(rq, step);
    const end = this.sim.now + this.duration(rq, step);
    rq.stepEnd = end;
    rq.svcEv = this.sim.at(end, this.stepEndFn, rq);
  }

  private duration(rq: BlkRequest, step: RqStep): number {
    if (step !== 'data') return this.flushTime(this.rng);
    let lat = bioOp(rq.opf) === REQ_OP_READ ? this.readTime(this.rng) : this.writeTime(this.rng);
    if (this.cfg.loadNsec > 0) lat += this.cfg.loadNsec * (this.busy - 1); // load_nsec: slower as the device fills
    if (this.bytesPerNs === 0) return lat;
    const now = this.sim.now;
    const linkStart = Math.max(now, this.linkFree);
    this.linkFree = linkStart + Math.ceil(rq.bio.biSize / this.bytesPerNs);
    return Math.max(lat, this.linkFree - now);
  }

  private onStepEnd(rq: BlkRequest): void {
    rq.svcEv = null;
    const step = rq.steps[rq.step++] as RqStep;
    this.hooks.stepEnd(rq, step);
    this.nextStep(rq);
  }

  private done(rq: BlkRequest): void {
    this.busy--;
    // leave the in-service list
    const prev = rq.svcPrev;
    const next = rq.svcNext;
    if (prev === null) this.head = next;
    else prev.svcNext = next;
    if (next === null) this.tail = prev;
    else next.svcPrev = prev;
    rq.svcPrev = rq.svcNext = null;
    rq.stepEnd = -1;
    const waiter = this.waiting.shift();
    if (waiter !== undefined) this.begin(waiter);
    this.hooks.finished(rq);
  }
}
