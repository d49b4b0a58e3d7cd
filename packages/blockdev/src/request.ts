/**
 * `struct request` and `struct blk_mq_hw_ctx`, reduced to what the model
 * needs: one bio per request (no merging), its tag, hardware queue and
 * submitting CPU, and the steps the device runs for it.
 * @module
 */
import type { Cpu, EventHandle } from '@dio/sim';
import type { Bio } from './bio';
import type { BlkStatus } from './status';
import type { BlkMqTags } from './tags';

/** What the device does for a request, in order (block/blk-flush.c sequences PREFLUSH, DATA, POSTFLUSH). */
export type RqStep = 'preflush' | 'data' | 'postflush' | 'flush';

/** A hardware queue (`struct blk_mq_hw_ctx`). */
export interface Hctx {
  /** Queue number; also the poll cookie of polled bios. */
  readonly index: number;
  /** HCTX_TYPE_DEFAULT or HCTX_TYPE_POLL. */
  readonly type: 'default' | 'poll';
  /** The queue's tag set (`hw_queue_depth` tags). */
  readonly tags: BlkMqTags;
  /** Requests issued on this queue and not yet ended. */
  inflight: number;
  /** Completed polled requests waiting for a poller. */
  readonly pollCq: BlkRequest[];
  /** With an I/O scheduler: its tags (`hctx->sched_tags`, `nr_requests` deep), taken at submit; `tags` are then the driver tags, taken at dispatch. */
  readonly schedTags: BlkMqTags | null;
  /** `hctx->dispatch`: requests taken from the scheduler that the driver could not take yet (no driver tag); they go first. */
  readonly dispatch: BlkRequest[];
  /** BLK_MQ_S_SCHED_RESTART: a dispatch stopped for want of a driver tag; freeing one runs the queue again. */
  schedRestart: boolean;
}

/** One request (`struct request`). */
export interface BlkRequest {
  /** Unique, increasing per device: the order requests were started in. */
  readonly id: number;
  /** The bio this request carries (one per request: no merging). */
  readonly bio: Bio;
  /** The op flags as the driver sees them (after the flush policy). */
  readonly opf: number;
  /** The hardware queue it was mapped to. */
  readonly hctx: Hctx;
  /** The driver tag it holds until blk_mq_end_request() (-1 while it waits in an I/O scheduler). */
  tag: number;
  /** The scheduler tag it holds from submit to blk_mq_end_request() (-1 without a scheduler). */
  readonly schedTag: number;
  /** The CPU whose software queue it came from (`rq->mq_ctx->cpu`). */
  readonly cpu: Cpu;
  /** REQ_POLLED on a poll queue: completes only when bio_poll() reaps it. */
  readonly polled: boolean;
  /** The device steps, in order (may be shared between requests: never modified). */
  readonly steps: readonly RqStep[];
  /** Index in `steps` of the step the device runs next or is running: `steps[step…]` are still to run. */
  step: number;
  /** The data step goes straight to media (FUA natively, or no write cache). */
  readonly writeThrough: boolean;
  /** Completion status so far (the first error wins). */
  status: BlkStatus;
  /** Cache generation a flush step covers (taken when the step starts). */
  flushUpTo: number;
  /** When the current device step ends (ns), or -1 when not in service. */
  stepEnd: number;
  /** Sectors the data step transfers (the whole bio unless a bad block cut it short). */
  sectors: number;
  /** @internal DeviceService: the event that ends the current step, while in service. */
  svcEv: EventHandle | null;
  /** @internal DeviceService: the requests in service, in the order they entered it (a doubly-linked list). */
  svcPrev: BlkRequest | null;
  /** @internal see `svcPrev`. */
  svcNext: BlkRequest | null;
}
