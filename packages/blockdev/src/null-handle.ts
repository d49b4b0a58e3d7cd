/**
 * What the driver does with the data of a request (drivers/block/null_blk/
 * main.c null_handle_cmd → null_process_cmd): bad-block checks, then the
 * memory-backed transfer through the write cache; flush steps drain it.
 * @module
 */
import type { Rng } from '@dio/sim';
import { SECTOR_SHIFT, SECTOR_SIZE } from './bio';
import type { Badblocks } from './badblocks';
import { bioOp, REQ_OP_DISCARD, REQ_OP_READ, REQ_OP_WRITE, REQ_OP_WRITE_ZEROES } from './flags';
import type { BlkRequest, RqStep } from './request';
import { BLK_STS_IOERR, BLK_STS_NOTSUPP, BLK_STS_OK, type BlkStatus } from './status';
import type { Media } from './media';
import type { WriteCache } from './write-cache';

/** The data side of a NullBlk: bad blocks and the (optional) memory-backed store. */
export class NullHandler {
  /**
   * @param store the write cache over the media, or null when not memory-backed
   * @param blockSectors logical block size in sectors (partial I/O stops at a block boundary)
   */
  constructor(
    private readonly badblocks: Badblocks,
    private readonly store: WriteCache | null,
    private readonly blockSectors: number,
    private readonly badblocksOnce: boolean,
    private readonly badblocksPartialIo: boolean,
  ) {}

  /** A device step starts: a flush notes which completed writes it covers. */
  stepStart(rq: BlkRequest, step: RqStep): void {
    if (step !== 'data' && this.store !== null) rq.flushUpTo = this.store.snapshot();
  }

  /** A device step ends: the flush persists, or the data moves. */
  stepEnd(rq: BlkRequest, step: RqStep): void {
    if (step !== 'data') {
      // drivers/block/null_blk/main.c: null_handle_flush()
      this.store?.flush(rq.flushUpTo);
      return;
    }
    const sts = this.processCmd(rq);
    if (sts !== BLK_STS_OK && rq.status === BLK_STS_OK) rq.status = sts;
  }

  // drivers/block/null_blk/main.c: null_process_cmd()
  private processCmd(rq: BlkRequest): BlkStatus {
    const sector = rq.bio.biSector;
    let sts: BlkStatus = BLK_STS_OK;
    const hit = !this.badblocks.empty ? this.badblocks.check(sector, rq.sectors) : null;
    if (hit !== null) {
      // drivers/block/null_blk/main.c: null_handle_badblocks()
      if (this.badblocksOnce) this.badblocks.clear(hit.firstBad, hit.badSectors);
      if (this.badblocksPartialIo) {
        const firstBad = hit.firstBad - (hit.firstBad % this.blockSectors);
        rq.sectors = Math.max(0, firstBad - sector);
      } else rq.sectors = 0;
      sts = BLK_STS_IOERR;
    }
    if (rq.sectors === 0 || this.store === null) return sts;
    const r = this.handleMemoryBacked(rq, sector, rq.sectors);
    return sts !== BLK_STS_OK ? sts : r;
  }

  // drivers/block/null_blk/main.c: null_handle_memory_backed()
  private handleMemoryBacked(rq: BlkRequest, sector: number, sectors: number): BlkStatus {
    const store = this.store as WriteCache;
    const bytes = sectors << SECTOR_SHIFT;
    const data = rq.bio.data;
    switch (bioOp(rq.opf)) {
      case REQ_OP_READ:
        if (data !== null) store.read(sector, sectors, data.subarray(0, bytes));
        return BLK_STS_OK;
      case REQ_OP_WRITE:
      case REQ_OP_WRITE_ZEROES: {
        const src = bioOp(rq.opf) === REQ_OP_WRITE_ZEROES ? new Uint8Array(bytes) : data?.subarray(0, bytes);
        if (src === undefined) return BLK_STS_OK; // timing-only write: nothing to keep
        if (rq.writeThrough) store.writeThrough(sector, src);
        else store.write(rq.id, sector, src);
        return BLK_STS_OK;
      }
      case REQ_OP_DISCARD:
        store.discard(sector, sectors);
        return BLK_STS_OK;
      default:
        return BLK_STS_NOTSUPP;
    }
  }

  /**
   * Power cut with tearing: each sector of every write the device had not
   * finished (its data step still to run) lands on `media` with probability ½.
   */
  tearUnfinished(lost: readonly BlkRequest[], media: Media, rng: Rng): void {
    for (const rq of lost) {
      if (rq.steps.indexOf('data', rq.step) < 0 || bioOp(rq.opf) !== REQ_OP_WRITE || rq.bio.data === null) continue;
      const data = rq.bio.data.subarray(0, rq.sectors * SECTOR_SIZE);
      for (let i = 0; i < data.length / SECTOR_SIZE; i++) {
        if (rng.chance(0.5)) media.write(rq.bio.biSector + i, data.subarray(i * SECTOR_SIZE, (i + 1) * SECTOR_SIZE));
      }
    }
  }
}
