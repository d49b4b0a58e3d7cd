/**
 * fio's io_u and offset generation (io_u.c: get_next_offset with or
 * without the random map).
 * @module
 */
import type { Rng } from '@dio/sim';
import type { FioJob } from '../job';

/** One I/O unit. Times are virtual ns. */
export interface IoU {
  ddir: 'read' | 'write' | 'sync';
  offset: number;
  len: number;
  /** io_u->start_time: prepared. */
  startTime: number;
  /** io_u->issue_time: handed to the kernel. */
  issueTime: number;
  /** Result (bytes or negative errno). */
  res: number;
  /** Index in the I/O buffer pool (for fixedbufs / user_data). */
  readonly index: number;
  readonly buf: Uint8Array | null;
}

/** Picks offsets and directions like fio for one job. */
export class OffsetGen {
  private seqPos = 0;
  private readonly map: Uint8Array | null;
  private mapUsed = 0;
  private readonly blocks: number;

  constructor(
    private readonly job: FioJob,
    private readonly rng: Rng,
    private readonly fileSize: number,
  ) {
    const bs = Math.max(job.bs.read, job.bs.write);
    this.blocks = Math.max(1, Math.floor((fileSize - job.offset) / bs));
    const random = job.rw === 'randread' || job.rw === 'randwrite' || job.rw === 'randrw';
    this.map = random && !job.norandommap ? new Uint8Array(this.blocks) : null;
  }

  /** get_next_ddir(): read or write per rw and rwmixread. */
  nextDdir(): 'read' | 'write' {
    switch (this.job.rw) {
      case 'read':
      case 'randread':
        return 'read';
      case 'write':
      case 'randwrite':
        return 'write';
      default:
        return this.rng.int(0, 99) < this.job.rwmixread ? 'read' : 'write';
    }
  }

  /** get_next_offset() for a block of `bs` bytes. */
  nextOffset(bs: number): number {
    const job = this.job;
    const random = job.rw === 'randread' || job.rw === 'randwrite' || job.rw === 'randrw';
    if (!random) {
      if (this.seqPos + bs > this.fileSize - job.offset) this.seqPos = 0;
      const o = job.offset + this.seqPos;
      this.seqPos += bs;
      return o;
    }
    let b = this.rng.int(0, this.blocks - 1);
    const map = this.map;
    if (map !== null) {
      // axmap: a used block moves to the next free one; a full map starts over
      if (this.mapUsed >= this.blocks) {
        map.fill(0);
        this.mapUsed = 0;
      }
      while (map[b] !== 0) b = b + 1 === this.blocks ? 0 : b + 1;
      map[b] = 1;
      this.mapUsed++;
    }
    return job.offset + b * bs;
  }
}
