/**
 * `struct bio` and its life cycle (block/bio.c): allocation, chaining,
 * splitting and `bio_endio`.
 * @module
 */
import type { BlockDevice, QueueLimits } from './blkdev';
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
  /** Completion callback (`bi_end_io`), a plain call in the completion context (hardirq, softirq, or a task): it must not sleep. */
  biEndIo: BioEndIo;
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
  /** First sector (`bi_iter.bi_sector`); default 0. */
  readonly sector?: number;
  /** Bytes; defaults to `data.length`, else 0. */
  readonly size?: number;
  /** Payload (writes) or destination (reads); null or absent for timing-only I/O. */
  readonly data?: Uint8Array | null;
  /** `bi_end_io`; default {@link bioEndIoNone}. */
  readonly endIo?: BioEndIo;
  /** `bi_private`. */
  readonly private?: unknown;
}

// a clone's bi_end_io is NULL until bio_chain or the owner sets it
/** The end_io of a bio nobody waits for. */
export function bioEndIoNone(_bio: Bio): void {}

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
export function bioChainEndio(bio: Bio): void {
  bioEndio(bioChainParent(bio));
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
/** Complete a bio: run its end_io once every chained child has completed. A plain call (any context). */
export function bioEndio(bio: Bio): void {
  let b = bio;
  for (;;) {
    if (!bioRemainingDone(b)) return;
    if (b.biEndIo !== bioChainEndio) break;
    b = bioChainParent(b); // unroll chains instead of recursing
  }
  b.biEndIo(b);
}

/** A `bi_end_io`: runs in the completion context (hardirq, softirq, or a polling task), so it must not sleep. */
export type BioEndIo = (bio: Bio) => void;

// include/linux/bio.h: bio_io_error()
/** Complete a bio with BLK_STS_IOERR. */
export function bioIoError(bio: Bio): void {
  bio.biStatus = BLK_STS_IOERR;
  bioEndio(bio);
}

// include/linux/bio.h: bio_wouldblock_error()
/** Complete a bio with BLK_STS_AGAIN (REQ_NOWAIT and the submit would block). */
export function bioWouldblockError(bio: Bio): void {
  bio.biStatus = BLK_STS_AGAIN;
  bioEndio(bio);
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

/**
 * The limits a bio is split at: `max_sectors`, and optionally the segment
 * limits and the logical block size the split point is aligned to.
 */
export type SplitLimits = Pick<QueueLimits, 'maxSectors'> & Partial<Pick<QueueLimits, 'maxSegments' | 'maxSegmentSize' | 'logicalBlockSize'>>;

// block/blk-merge.c: bvec_split_segs(), for a payload that is one physically contiguous bvec
/**
 * Segments the bio's payload takes when no segment may exceed
 * `maxSegmentSize` bytes. The payload (`data`) is modelled as one physically
 * contiguous vector, so it is cut into `ceil(size / maxSegmentSize)` segments.
 */
export function bioSegments(bio: Bio, maxSegmentSize: number): number {
  return Math.ceil(bio.biSize / maxSegmentSize);
}

// block/blk-merge.c: bio_split_rw() — where the first request has to end
/**
 * Sectors of the first piece when `bio` does not fit one request under `lim`
 * (more than `maxSectors`, or more than `maxSegments` segments of at most
 * `maxSegmentSize` bytes), aligned down to the logical block size; 0 when it fits.
 */
export function bioSplitSectors(bio: Bio, lim: SplitLimits): number {
  let maxBytes = lim.maxSectors * SECTOR_SIZE; // get_max_io_size()
  if (lim.maxSegments !== undefined && lim.maxSegmentSize !== undefined) {
    maxBytes = Math.min(maxBytes, lim.maxSegments * lim.maxSegmentSize); // bvec_split_segs() runs out of segments here
  }
  if (bio.biSize <= maxBytes) return 0;
  const lbs = lim.logicalBlockSize ?? SECTOR_SIZE;
  return (Math.floor(maxBytes / lbs) * lbs) / SECTOR_SIZE;
}

// block/blk-merge.c: __bio_split_to_limits()
/**
 * Split `bio` into pieces that each fit one request under `lim` (a number is
 * `max_sectors` alone), chaining every piece to `bio`, which becomes the last
 * piece. Returns the pieces in sector order; `bio`'s end_io runs once all of
 * them completed, with the first error seen.
 */
export function bioSplitToLimits(bio: Bio, lim: number | SplitLimits): Bio[] {
  const l: SplitLimits = typeof lim === 'number' ? { maxSectors: lim } : lim;
  if (!Number.isInteger(l.maxSectors) || l.maxSectors <= 0) throw new RangeError(`maxSectors must be > 0, got ${l.maxSectors}`);
  const out: Bio[] = [];
  for (let sectors = bioSplitSectors(bio, l); sectors > 0; sectors = bioSplitSectors(bio, l)) {
    const split = bioSplit(bio, sectors);
    bioChain(split, bio);
    out.push(split);
  }
  out.push(bio);
  return out;
}
