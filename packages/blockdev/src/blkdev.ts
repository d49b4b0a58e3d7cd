/**
 * The `BlockDevice` seam: what filesystems and iomap see of a disk
 * (include/linux/blkdev.h), and the submit helpers of block/blk-core.c and
 * block/bio.c that work on any implementation.
 * @module
 */
import { Completion, type KGen } from '@dio/sim';
import type { Bio, BlkQc } from './bio';
import { REQ_SYNC } from './flags';
import { blkStatusToErrno } from './status';

/** Queue limits a submitter must respect (`struct queue_limits`, the parts used here). */
export interface QueueLimits {
  /** Smallest addressable unit, bytes (`logical_block_size`). */
  readonly logicalBlockSize: number;
  /** Physical block size, bytes. */
  readonly physicalBlockSize: number;
  /** Largest request, in 512-byte sectors (`max_sectors`); larger bios are split. */
  readonly maxSectors: number;
  /** Most segments in one request (`max_segments`); a bio needing more is split. */
  readonly maxSegments: number;
  /** Largest segment, bytes (`max_segment_size`). */
  readonly maxSegmentSize: number;
}

/** Flags of {@link BlockDevice.bioPoll} (include/linux/blkdev.h). */
export const BLK_POLL_ONESHOT = 1 << 0;

/** A block device (`struct block_device` + its `request_queue`). */
export interface BlockDevice {
  /** Disk name, e.g. `nullb0`. */
  readonly name: string;
  /** `bdev_logical_block_size()`, bytes. */
  readonly logicalBlockSize: number;
  /** Capacity in 512-byte sectors (`bdev_nr_sectors()`). */
  readonly sectors: number;
  /** The queue limits. */
  readonly limits: QueueLimits;
  /**
   * block/blk-mq.c: blk_mq_submit_bio() — runs in the submitter's context:
   * charges `costs.blkSubmit`, takes a tag (sleeping on the tag wait queue if
   * the hardware queue is full, or completing the bio with BLK_STS_AGAIN if
   * REQ_NOWAIT), maps the CPU's software queue to a hardware queue and starts
   * the request (or adds it to the task's plug).
   */
  submitBio(bio: Bio): KGen<void>;
  /** include/linux/blkdev.h: bdev_fua() — the device honours REQ_FUA natively. */
  bdevFua(): boolean;
  /** include/linux/blkdev.h: bdev_write_cache() — the device has a volatile write cache. */
  bdevWriteCache(): boolean;
  /**
   * block/blk-mq.c: bio_poll() — reap completed polled requests of `bio`'s
   * hardware queue in the caller's context; returns how many completed. Without
   * BLK_POLL_ONESHOT it spins (burning CPU) until one completes or a reschedule is due.
   */
  bioPoll(bio: Bio, flags?: number): KGen<number>;
  /** Poll a hardware queue by cookie (`blk_mq_poll()`); same contract as `bioPoll`. */
  blkPoll(cookie: BlkQc, flags?: number): KGen<number>;
}

/** Thrown when a bio is submitted without a device. */
export class NoDeviceError extends Error {
  /** Always `'NoDeviceError'`. */
  override readonly name = 'NoDeviceError';
}

// block/blk-core.c: submit_bio()
/** Submit `bio` to `bio.biBdev`: a plain function handing back the device's submission (its last call), one generator per bio instead of two. */
export function submitBio(bio: Bio): KGen<void> {
  const bdev = bio.biBdev;
  if (bdev === undefined) throw new NoDeviceError(`submit_bio: bio at sector ${bio.biSector} has no biBdev`);
  return bdev.submitBio(bio);
}

// block/bio.c: submit_bio_wait()
/**
 * Submit `bio` and sleep (state D) until it completes. Takes over `biEndIo`
 * and `biPrivate`; returns 0 or a negative errno. Task context only.
 */
export function* submitBioWait(bio: Bio): KGen<number> {
  const done = new Completion(`submit_bio_wait ${bio.biBdev?.name ?? '?'}`, () => [{ agent: `device ${bio.biBdev?.name ?? '?'}` }]);
  bio.biPrivate = done;
  bio.biEndIo = submitBioWaitEndio;
  bio.biOpf |= REQ_SYNC;
  yield* submitBio(bio);
  yield* done.wait();
  return blkStatusToErrno(bio.biStatus);
}

// block/bio.c: submit_bio_wait_endio()
function submitBioWaitEndio(bio: Bio): void {
  (bio.biPrivate as Completion).complete();
}
