/**
 * `struct bio` and its life cycle (block/bio.c): allocation, chaining,
 * splitting and `bio_endio`.
 * @module
 */
import type { KGen } from '@dio/sim';
import type { BlockDevice } from './blkdev';
import { REQ_POLLED } from './flags';
import { BLK_STS_AGAIN, BLK_STS_IOERR, BLK_STS_OK, type BlkStatus } from './status';

/** 512-byte sectors: the block layer's unit of address (`SECTOR_SHIFT` = 9). */
export const SECTOR_SHIFT = 9;
/** Bytes per sector. */
export const SECTOR_SIZE = 1 << SECTOR_SHIFT;

/** A poll cookie (`blk_qc_t`): the hardware queue a polled bio went to. */
export type BlkQc = number;
/** No cookie: the bio is not polled (`BLK_QC_T_NONE`). */
export const BLK_QC_T_NONE: BlkQc = -1;

/** `struct bio`: one I/O to a block device. */
export interface Bio {
  /** Operation and flags: `REQ_OP_* | REQ_*`. */
  biOpf: number;
  /** First sector (512-byte units). */
  biSector: number;
  /** Size in bytes. */
  biSize: number;
  /** Payload for writes, destination for reads; null for timing-only I/O (nothing stored or copied). */
  data: Uint8Array | null;
  /** Completion status, set before `biEndIo` runs. */
  biStatus: BlkStatus;
  /** Completion callback, run as `yield* bio.biEndIo(bio)` in the completion context (hardirq, softirq, or a task). */
  biEndIo: (bio: Bio) => KGen<void>;
  /** Owner's cookie (`bi_private`). */
  biPrivate: unknown;
  /** Hardware queue of a polled bio, for `bioPoll` (`bi_cookie`); BLK_QC_T_NONE otherwise. */
  biCookie?: BlkQc;
  /** Target device, used by {@link submitBio} (`bi_bdev`). */
  biBdev?: BlockDevice;
  /** `__bi_remaining`: completions still due (1 + chained children); absent when not chained. */
  biRemaining?: number;
}

/** Fields to initialise a bio with. */
export interface BioInit {
  readonly sector?: number;
  /** Bytes; defaults to `data.length`, else 0. */
  readonly size?: number;
  readonly data?: Uint8Array | null;
  readonly endIo?: (bio: Bio) => KGen<void>;
  readonly private?: unknown;
}

// a clone's bi_end_io is NULL until bio_chain or the owner sets it
/** The end_io of a bio nobody waits for. */
export function* bioEndIoNone(_bio: Bio): KGen<void> {}

// block/bio.c: bio_alloc_bioset() / bio_init()
/** Allocate a bio for `bdev` (which may be null and set later) with `opf` = REQ_OP_* | REQ_*. */
export function bioAlloc(bdev: BlockDevice | null, opf: number, init: BioInit = {}): Bio {
  const data = init.data ?? null;
  const bio: Bio = {
    biOpf: opf,
    biSector: init.sector ?? 0,
    biSize: init.size ?? data?.length ?? 0,
    data,
    biStatus: BLK_STS_OK,
    biEndIo: init.endIo ?? bioEndIoNone,
    biPrivate: init.private,
    biCookie: BLK_QC_T_NONE,
  };
  if (bdev !== null) bio.biBdev = bdev;
  return bio;
}

/** include/linux/bio.h: bio_sectors() — size in 512-byte sectors. */
export function bioSectors(bio: Bio): number {
  return bio.biSize >>> SECTOR_SHIFT;
}

/** include/linux/bio.h: bio_end_sector() — first sector after the bio. */
export function bioEndSector(bio: Bio): number {
  return bio.biSector + bioSectors(bio);
}

// include/linux/bio.h: bio_inc_remaining()
function bioIncRemaining(bio: Bio): void {
  bio.biRemaining = (bio.biRemaining ?? 1) + 1;
}

// block/bio.c: bio_remaining_done()
function bioRemainingDone(bio: Bio): boolean {
  if (bio.biRemaining === undefined) return true;
  bio.biRemaining--;
  if (bio.biRemaining > 0) return false;
  delete bio.biRemaining;
  return true;
}

// block/bio.c: bio_chain_endio() — marker; bioEndio() unrolls it iteratively
/** The end_io of a chained child: completes its parent (`bi_private`). */
export function* bioChainEndio(bio: Bio): KGen<void> {
  yield* bioEndio(bioChainParent(bio));
}

// block/bio.c: __bio_chain_endio() — first error wins
function bioChainParent(bio: Bio): Bio {
  const parent = bio.biPrivate as Bio;
  if (bio.biStatus !== BLK_STS_OK && parent.biStatus === BLK_STS_OK) parent.biStatus = bio.biStatus;
  return parent;
}

// block/bio.c: bio_chain()
/** Make `parent` complete only after `bio` has: `bio`'s end_io is taken over, `parent` gains a reference. */
export function bioChain(bio: Bio, parent: Bio): void {
  if (bio.biEndIo !== bioEndIoNone) throw new Error('bio_chain: the child already has an end_io');
  bio.biPrivate = parent;
  bio.biEndIo = bioChainEndio;
  bioIncRemaining(parent);
}

// block/bio.c: bio_endio()
/** Complete a bio: run its end_io once every chained child has completed (call with `yield*`). */
export function* bioEndio(bio: Bio): KGen<void> {
  let b = bio;
  for (;;) {
    if (!bioRemainingDone(b)) return;
    if (b.biEndIo !== bioChainEndio) break;
    b = bioChainParent(b); // unroll chains instead of recursing
  }
  yield* b.biEndIo(b);
}

// include/linux/bio.h: bio_io_error()
/** Complete a bio with BLK_STS_IOERR. */
export function* bioIoError(bio: Bio): KGen<void> {
  bio.biStatus = BLK_STS_IOERR;
  yield* bioEndio(bio);
}

// include/linux/bio.h: bio_wouldblock_error()
/** Complete a bio with BLK_STS_AGAIN (REQ_NOWAIT and the submit would block). */
export function* bioWouldblockError(bio: Bio): KGen<void> {
  bio.biStatus = BLK_STS_AGAIN;
  yield* bioEndio(bio);
}

// block/bio.c: bio_split()
/**
 * Split the first `sectors` off `bio`: returns a new bio for them and advances
 * `bio` past them. The split has no end_io yet; chain it with
 * {@link bioChain}. Splitting clears REQ_POLLED on both (block/blk-merge.c).
 */
export function bioSplit(bio: Bio, sectors: number): Bio {
  const bytes = sectors << SECTOR_SHIFT;
  if (!Number.isInteger(sectors) || sectors <= 0 || bytes >= bio.biSize) {
    throw new RangeError(`bio_split: ${sectors} sectors out of a ${bio.biSize}-byte bio`);
  }
  bio.biOpf &= ~REQ_POLLED; // bio_clear_polled(): a split bio is never polled
  const split = bioAlloc(bio.biBdev ?? null, bio.biOpf, {
    sector: bio.biSector,
    size: bytes,
    data: bio.data === null ? null : bio.data.subarray(0, bytes),
  });
  bio.biSector += sectors;
  bio.biSize -= bytes;
  if (bio.data !== null) bio.data = bio.data.subarray(bytes);
  return split;
}

// block/blk-merge.c: __bio_split_to_limits()
/**
 * Split `bio` into pieces of at most `maxSectors`, chaining every piece to
 * `bio`, which becomes the last piece. Returns the pieces in sector order;
 * `bio`'s end_io runs once all of them completed, with the first error seen.
 */
export function bioSplitToLimits(bio: Bio, maxSectors: number): Bio[] {
  if (!Number.isInteger(maxSectors) || maxSectors <= 0) throw new RangeError(`maxSectors must be > 0, got ${maxSectors}`);
  const out: Bio[] = [];
  while (bioSectors(bio) > maxSectors) {
    const split = bioSplit(bio, maxSectors);
    bioChain(split, bio);
    out.push(split);
  }
  out.push(bio);
  return out;
}
