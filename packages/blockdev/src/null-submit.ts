/**
 * The submit-time decisions that need no simulated time: the checks of
 * block/blk-core.c submit_bio_noacct() and the flush sequence of
 * block/blk-flush.c blk_flush_policy().
 * @module
 */
import { bioEndSector, bioSplitSectors, type Bio, type SplitLimits } from './bio';
import type { QueueLimits } from './blkdev';
import {
  bioOp,
  opIsFlush,
  REQ_FUA,
  REQ_OP_DISCARD,
  REQ_OP_FLUSH,
  REQ_OP_MASK,
  REQ_OP_READ,
  REQ_OP_WRITE,
  REQ_OP_WRITE_ZEROES,
  REQ_NOWAIT,
  REQ_POLLED,
  REQ_PREFLUSH,
} from './flags';
import type { NullBlkConfig } from './options';
import type { RqStep } from './request';
import { BLK_STS_IOERR, BLK_STS_NOTSUPP, BLK_STS_OK, type BlkStatus } from './status';

/** The outcome of the submit checks. */
export interface SubmitCheck {
  /** The op flags to issue with (flush bits stripped without a cache, REQ_POLLED cleared without poll queues). */
  readonly opf: number;
  /** Complete the bio at once with this status instead of issuing it, or null to issue. */
  readonly endWith: BlkStatus | null;
}

// block/blk-core.c: submit_bio_noacct()
/** Validate `bio` against a device with `capacity` sectors and filter its flush and poll flags. */
export function submitBioChecks(bio: Bio, cfg: NullBlkConfig, capacity: number): SubmitCheck {
  let opf = bio.biOpf;
  // REQ_OP_FLUSH from a bio submitter is taken as the kernel's empty REQ_OP_WRITE | REQ_PREFLUSH
  if (bioOp(opf) === REQ_OP_FLUSH) opf = (opf & ~REQ_OP_MASK) | REQ_OP_WRITE | REQ_PREFLUSH;
  const op = bioOp(opf);
  const supported = op === REQ_OP_READ || op === REQ_OP_WRITE || op === REQ_OP_WRITE_ZEROES || (op === REQ_OP_DISCARD && cfg.discard);
  if (!supported) return { opf, endWith: BLK_STS_NOTSUPP };
  // blk_partition_remap / bio_check_eod(), and the logical block size the queue limits promise
  if (bioEndSector(bio) > capacity || bio.biSector < 0) return { opf, endWith: BLK_STS_IOERR };
  if (bio.biSize % cfg.bs !== 0 || (bio.biSector * 512) % cfg.bs !== 0) return { opf, endWith: BLK_STS_IOERR };
  if (opIsFlush(opf)) {
    if (op !== REQ_OP_WRITE && op !== REQ_OP_WRITE_ZEROES) return { opf, endWith: BLK_STS_NOTSUPP };
    if (!cfg.writeCache) {
      opf &= ~(REQ_PREFLUSH | REQ_FUA);
      if (bio.biSize === 0) return { opf, endWith: BLK_STS_OK };
    }
  }
  if ((opf & REQ_POLLED) !== 0 && cfg.pollQueues === 0) {
    opf &= ~REQ_POLLED; // bio_clear_polled(): no poll queues
    bio.biOpf &= ~REQ_POLLED;
  }
  return { opf, endWith: null };
}

/** What submit does with a bio before it takes tags, and the limits it splits at. */
export interface SplitPlan {
  /** 'fits' one request; 'split' into several; 'again': a REQ_NOWAIT read or write that would need splitting. */
  readonly verdict: 'fits' | 'split' | 'again';
  readonly limits: SplitLimits;
}

// block/blk-merge.c: __bio_split_to_limits() → bio_split_rw() / bio_split_write_zeroes() / bio_split_discard()
/**
 * Reads and writes split at `max_sectors` and the segment limits, and a
 * REQ_NOWAIT one is never split (since 6.2: it ends with BLK_STS_AGAIN);
 * other operations carry no payload, so only `max_sectors` applies.
 */
export function bioSplitPlan(bio: Bio, opf: number, lim: QueueLimits): SplitPlan {
  const op = bioOp(opf);
  const rw = op === REQ_OP_READ || op === REQ_OP_WRITE;
  const limits: SplitLimits = rw ? lim : { maxSectors: lim.maxSectors, logicalBlockSize: lim.logicalBlockSize };
  if (bioSplitSectors(bio, limits) === 0) return { verdict: 'fits', limits };
  return { verdict: rw && (opf & REQ_NOWAIT) !== 0 ? 'again' : 'split', limits };
}

/** Steps the device runs for a request, and whether its data bypasses the cache. */
export interface RqPlan {
  /** Shared between requests: never modified. */
  readonly steps: readonly RqStep[];
  readonly writeThrough: boolean;
  /** No flush step (the steps are 'data' or none): the request may wait on a plug. */
  readonly dataOnly: boolean;
}

function rqPlan(steps: readonly RqStep[], writeThrough: boolean): RqPlan {
  return { steps, writeThrough, dataOnly: isDataOnly(steps) };
}

/** The plans blk_flush_policy() can give, made once rather than per request. */
const PLAN_NOT_WRITE = rqPlan(['data'], false);
const PLAN_EMPTY = rqPlan([], false);
const PLAN_EMPTY_FLUSH = rqPlan(['flush'], false);
/** Writes with data, by `preflush | postflush << 1 | writeThrough << 2`. */
const PLAN_WRITE: readonly RqPlan[] = Array.from({ length: 8 }, (_, i) => {
  const steps: RqStep[] = [];
  if ((i & 1) !== 0) steps.push('preflush');
  steps.push('data');
  if ((i & 2) !== 0) steps.push('postflush');
  return rqPlan(steps, (i & 4) !== 0);
});

// block/blk-flush.c: blk_flush_policy()
/** PREFLUSH becomes a flush before the data; FUA is native, or emulated by a flush after it. */
export function blkFlushPolicy(opf: number, bytes: number, cfg: NullBlkConfig): RqPlan {
  const op = bioOp(opf);
  const write = op === REQ_OP_WRITE || op === REQ_OP_WRITE_ZEROES;
  if (!write) return PLAN_NOT_WRITE;
  const wc = cfg.writeCache;
  const preflush = wc && (opf & REQ_PREFLUSH) !== 0;
  const fua = (opf & REQ_FUA) !== 0;
  if (bytes === 0) return preflush ? PLAN_EMPTY_FLUSH : PLAN_EMPTY;
  const postflush = wc && fua && !cfg.fua;
  const writeThrough = !wc || (fua && cfg.fua);
  return PLAN_WRITE[(preflush ? 1 : 0) | (postflush ? 2 : 0) | (writeThrough ? 4 : 0)] as RqPlan;
}

/** A request that is only its data step: no flush sequence (blk_insert_flush() leaves it to the plug and the scheduler). */
export function isDataOnly(steps: readonly RqStep[]): boolean {
  for (let i = 0; i < steps.length; i++) if (steps[i] !== 'data') return false;
  return true;
}
