/**
 * The log, as far as durability goes: metadata transactions commit in memory
 * (XFS's CIL) and become durable only when the log is forced — a log write
 * with REQ_PREFLUSH | REQ_FUA — which fsync and O_SYNC trigger. Also the
 * plain cache flush (blkdev_issue_flush) fsync falls back to.
 * @module
 */
import { bioAlloc, REQ_FUA, REQ_OP_FLUSH, REQ_OP_WRITE, REQ_PREFLUSH, REQ_SYNC, submitBioWait, type BlockDevice } from '@dio/blockdev';
import type { KGen, Simulator } from '@dio/sim';

/** The log of one filesystem. */
export class Journal {
  /** Transactions committed since the last log force. */
  dirty = false;
  /** Log forces issued. */
  forces = 0;
  /** Cache flushes issued. */
  flushes = 0;
  private nextBlock = 0;

  constructor(
    readonly sim: Simulator,
    readonly bdev: BlockDevice,
    /** First block and length of the log area, in filesystem blocks. */
    readonly start: number,
    readonly blocks: number,
    readonly blockSize: number,
  ) {}

  /** A transaction committed (xfs_trans_commit into the CIL): the log now needs a force. */
  commit(): void {
    this.dirty = true;
  }

  // fs/xfs/xfs_log.c: xfs_log_force() → xlog_write → submit with REQ_PREFLUSH | REQ_FUA
  /** Write the pending log out and wait. Returns 0, or a negative errno. Task context. */
  *force(): KGen<number> {
    if (!this.dirty) return 0;
    this.dirty = false;
    this.forces++;
    const sector = ((this.start + (this.nextBlock++ % this.blocks)) * this.blockSize) / 512;
    return yield* this.submitAndWait(REQ_OP_WRITE | REQ_SYNC | REQ_PREFLUSH | REQ_FUA, sector, this.blockSize);
  }

  // block/blk-flush.c: blkdev_issue_flush()
  /** Flush the device's volatile write cache and wait. */
  *issueFlush(): KGen<number> {
    this.flushes++;
    return yield* this.submitAndWait(REQ_OP_FLUSH | REQ_PREFLUSH, 0, 0);
  }

  private *submitAndWait(opf: number, sector: number, size: number): KGen<number> {
    return yield* submitBioWait(bioAlloc(this.bdev, opf, { sector, size, data: size > 0 ? new Uint8Array(size) : null }));
  }
}
