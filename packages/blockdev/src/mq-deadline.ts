/**
 * The mq-deadline I/O scheduler (block/mq-deadline.c), as the block layer
 * runs it on a hardware queue: requests are inserted into a per-direction
 * sector-sorted list and a per-direction FIFO with a deadline
 * (`read_expire`, `write_expire`); dispatch continues a batch in sector order
 * for up to `fifo_batch` requests, prefers reads unless writes have been
 * passed over `writes_starved` times, and starts a batch from the FIFO head
 * once its deadline has passed. What is left out: merging (dio requests carry
 * one bio each), I/O priority classes (every request is best-effort), zoned
 * write locking, and `async_depth`.
 * @module
 */
import { opIsWrite } from './flags';
import type { BlkRequest } from './request';

/** The tunables of /sys/block/<dev>/queue/iosched/ (times in ns here, ms in sysfs). */
export interface DeadlineTunables {
  readonly fifoBatch: number;
  readonly readExpireNs: number;
  readonly writeExpireNs: number;
  readonly writesStarved: number;
}

/** mq-deadline's defaults: fifo_batch 16, read_expire 500 ms, write_expire 5 s, writes_starved 2. */
export const DEADLINE_DEFAULTS: DeadlineTunables = { fifoBatch: 16, readExpireNs: 500_000_000, writeExpireNs: 5_000_000_000, writesStarved: 2 };

type DdDirIndex = 0 | 1;
const DD_READ: DdDirIndex = 0;
const DD_WRITE: DdDirIndex = 1;

/** A queued request and its FIFO deadline. */
interface DdEntry {
  readonly rq: BlkRequest;
  readonly sector: number;
  readonly expires: number;
  readonly seq: number;
}

/** One direction's queues: `struct dd_per_prio`'s sort_list and fifo_list. */
class DdDir {
  /** By start sector (ties by arrival). */
  readonly sorted: DdEntry[] = [];
  /** By arrival. */
  readonly fifo: DdEntry[] = [];

  add(e: DdEntry): void {
    const s = this.sorted;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = s[mid] as DdEntry;
      if (m.sector < e.sector || (m.sector === e.sector && m.seq < e.seq)) lo = mid + 1;
      else hi = mid;
    }
    s.splice(lo, 0, e);
    this.fifo.push(e);
  }

  remove(e: DdEntry): void {
    this.sorted.splice(this.sorted.indexOf(e), 1);
    this.fifo.splice(this.fifo.indexOf(e), 1);
  }

  /** The first request at or after `sector` in sector order (deadline_latter_request / the rb-tree successor). */
  from(sector: number): DdEntry | undefined {
    for (const e of this.sorted) if (e.sector >= sector) return e;
    return undefined;
  }
}

/** `struct deadline_data`: one per request queue. */
export class MqDeadline {
  private readonly dirs = [new DdDir(), new DdDir()] as const;
  /** Requests inserted and not yet dispatched. */
  private queued = 0;
  private seq = 0;
  /** The direction of the batch in progress, and the sector it continues from (`dd->per_prio.latest_pos`). */
  private lastDir: DdDirIndex = DD_READ;
  private nextSector: number | null = null;
  /** Requests dispatched in the current batch (`dd->batching`). */
  private batching = 0;
  /** Times writes were passed over for reads (`dd->starved`). */
  private starved = 0;

  constructor(readonly tunables: DeadlineTunables = DEADLINE_DEFAULTS) {}

  /** Requests waiting in the scheduler. */
  get length(): number {
    return this.queued;
  }

  // block/mq-deadline.c: dd_insert_request()
  /** dd_insert_request(): queue `rq` on its direction's sort list and FIFO, with its deadline from `now`. */
  ddInsertRequest(rq: BlkRequest, now: number): void {
    const dir = opIsWrite(rq.opf) ? DD_WRITE : DD_READ;
    const expire = dir === DD_WRITE ? this.tunables.writeExpireNs : this.tunables.readExpireNs;
    this.dirs[dir].add({ rq, sector: rq.bio.biSector, expires: now + expire, seq: this.seq++ });
    this.queued++;
  }

  // block/mq-deadline.c: __dd_dispatch_request()
  /** __dd_dispatch_request(): the next request to hand to the driver at `now`, taken off the scheduler (undefined: none). */
  ddDispatchRequest(now: number): BlkRequest | undefined {
    if (this.queued === 0) return undefined;
    // continue the batch in sector order
    if (this.nextSector !== null && this.batching < this.tunables.fifoBatch) {
      const e = this.dirs[this.lastDir].from(this.nextSector);
      if (e !== undefined) return this.take(this.lastDir, e);
    }
    // a new batch: reads first, unless writes were starved long enough
    const reads = this.dirs[DD_READ].fifo.length > 0;
    const writes = this.dirs[DD_WRITE].fifo.length > 0;
    let dir: DdDirIndex;
    if (reads && (!writes || this.starved < this.tunables.writesStarved)) {
      if (writes) this.starved++;
      dir = DD_READ;
    } else {
      this.starved = 0;
      dir = DD_WRITE;
    }
    const d = this.dirs[dir];
    const head = d.fifo[0] as DdEntry;
    // deadline_check_fifo(): an expired FIFO head starts the batch; else continue in sector order from the last position
    const next = head.expires <= now || this.nextSector === null || dir !== this.lastDir ? head : (d.from(this.nextSector) ?? (d.sorted[0] as DdEntry));
    this.batching = 0;
    return this.take(dir, next);
  }

  private take(dir: DdDirIndex, e: DdEntry): BlkRequest {
    this.dirs[dir].remove(e);
    this.queued--;
    this.lastDir = dir;
    this.nextSector = e.sector + (e.rq.sectors > 0 ? e.rq.sectors : 1);
    this.batching++;
    return e.rq;
  }

  /** Forget every queued request (power cut). */
  drain(): void {
    for (const d of this.dirs) {
      d.fifo.length = 0;
      d.sorted.length = 0;
    }
    this.queued = 0;
    this.nextSector = null;
  }
}
