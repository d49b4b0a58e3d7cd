/**
 * The log, as far as durability goes: metadata transactions commit in memory
 * (XFS's CIL) and become durable only when the log is forced — a log write
 * with REQ_PREFLUSH | REQ_FUA — which fsync and O_SYNC trigger. Also the
 * plain cache flush (blkdev_issue_flush) fsync falls back to.
 * @module
 */
import { bioAlloc, REQ_FUA, REQ_OP_FLUSH, REQ_OP_WRITE, REQ_PREFLUSH, REQ_SYNC, submitBioWait, type BlockDevice } from '@dio/blockdev';
import { type KGen, type Simulator, WaitQueue, waitEvent } from '@dio/sim';

/** What the log needs of an inode: whether it is pinned by uncommitted-to-disk log items (xfs_ipincount). */
export interface Pinnable {
  metaDirty: boolean;
}

/** What a log force did: its error, and whether this call wrote the log itself (XFS's `log_flushed`). */
export interface LogForce {
  readonly error: number;
  /**
   * True when this force issued the log write (a REQ_PREFLUSH, so every write
   * completed before it is durable); false when there was nothing to write or
   * it only waited for a log write already in flight, whose PREFLUSH may have
   * gone out before the caller's data completed.
   */
  readonly logFlushed: boolean;
}

const NOTHING_WRITTEN: LogForce = { error: 0, logFlushed: false };

/** The log of one filesystem. */
export class Journal {
  /** Transactions committed since the last log force. */
  dirty = false;
  /** Inodes with items in the in-memory log (pinned until the next force). */
  private readonly pinned = new Set<Pinnable>();
  /** Log forces issued. */
  forces = 0;
  /** Cache flushes issued. */
  flushes = 0;
  private nextBlock = 0;
  /** Log writes in flight, and who waits for them to finish (xlog_wait_on_iclog). */
  private inFlight = 0;
  private readonly iclogWait = new WaitQueue('xlog iclog write');

  constructor(
    readonly sim: Simulator,
    readonly bdev: BlockDevice,
    /** First block and length of the log area, in filesystem blocks. */
    readonly start: number,
    readonly blocks: number,
    readonly blockSize: number,
  ) {}

  // fs/xfs/xfs_trans.c: xfs_trans_commit() → the CIL; xfs_inode_item pins the inode
  /** A transaction on `ino` committed into the in-memory log: the log now needs a force and the inode is pinned. */
  commit(ino?: Pinnable): void {
    this.dirty = true;
    if (ino) {
      ino.metaDirty = true;
      this.pinned.add(ino);
    }
  }

  // fs/xfs/xfs_log.c: xfs_log_force_seq() → xlog_force_lsn(): force the log and wait (XFS_LOG_SYNC)
  /**
   * Write the pending log out and wait. With nothing pending but a log write
   * in flight, wait for that one (xlog_wait_on_iclog) without claiming to
   * have flushed: the caller's data may have completed after its PREFLUSH.
   * Task context.
   */
  *force(): KGen<LogForce> {
    if (!this.dirty) {
      if (this.inFlight > 0) yield* waitEvent(this.iclogWait, () => this.inFlight === 0, { state: 'D' });
      return NOTHING_WRITTEN;
    }
    this.dirty = false;
    const pinned = [...this.pinned];
    this.pinned.clear();
    this.forces++;
    const sector = ((this.start + (this.nextBlock++ % this.blocks)) * this.blockSize) / 512;
    this.inFlight++;
    const r = yield* this.submitAndWait(REQ_OP_WRITE | REQ_SYNC | REQ_PREFLUSH | REQ_FUA, sector, this.blockSize);
    if (--this.inFlight === 0) this.iclogWait.wakeUpAll();
    if (r === 0) {
      // xfs_iunpin(): every inode whose items the force wrote is clean again (unless re-dirtied meanwhile)
      for (const ino of pinned) if (!this.pinned.has(ino)) ino.metaDirty = false;
    } else {
      this.dirty = true;
      for (const ino of pinned) this.pinned.add(ino);
    }
    return { error: r, logFlushed: r === 0 };
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
