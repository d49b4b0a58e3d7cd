/**
 * A BlockDevice wrapper that records every write and flush with its
 * submission and completion times — the dm-log-writes log the crash oracle
 * replays.
 * @module
 */
import { type Bio, type BlockDevice, REQ_FUA, REQ_OP_FLUSH, REQ_OP_MASK, REQ_OP_WRITE, REQ_PREFLUSH } from '@dio/blockdev';
import type { KGen, Simulator } from '@dio/sim';

/** One logged write or flush. */
export interface LoggedIo {
  readonly kind: 'write' | 'flush';
  readonly sector: number;
  readonly sectors: number;
  readonly fua: boolean;
  readonly preflush: boolean;
  readonly submittedAt: number;
  completedAt: number | null;
  ok: boolean;
  /** Per sector: the write id stamped in the data (0 = not ours / zeros). */
  readonly ids: readonly number[];
}

/** Read the write id stamped at the start of a 512-byte sector. */
export function sectorId(buf: Uint8Array, off: number): number {
  return ((buf[off] ?? 0) | ((buf[off + 1] ?? 0) << 8) | ((buf[off + 2] ?? 0) << 16) | ((buf[off + 3] ?? 0) << 24)) >>> 0;
}

/** Wrap `inner`, logging into `log`. */
export function spyDevice(sim: Simulator, inner: BlockDevice, log: LoggedIo[]): BlockDevice {
  return {
    name: inner.name,
    logicalBlockSize: inner.logicalBlockSize,
    sectors: inner.sectors,
    limits: inner.limits,
    submitBio(bio: Bio): KGen<void> {
      const op = bio.biOpf & REQ_OP_MASK;
      const preflush = (bio.biOpf & REQ_PREFLUSH) !== 0;
      if (op === REQ_OP_WRITE || op === REQ_OP_FLUSH) {
        const sectors = bio.biSize >> 9;
        const ids: number[] = [];
        for (let i = 0; i < sectors; i++) ids.push(bio.data ? sectorId(bio.data, i * 512) : 0);
        const e: LoggedIo = {
          kind: op === REQ_OP_WRITE && sectors > 0 ? 'write' : 'flush',
          sector: bio.biSector,
          sectors,
          fua: (bio.biOpf & REQ_FUA) !== 0,
          preflush: preflush || op === REQ_OP_FLUSH,
          submittedAt: sim.now,
          completedAt: null,
          ok: false,
          ids,
        };
        log.push(e);
        const end = bio.biEndIo;
        bio.biEndIo = function (b: Bio): void {
          e.completedAt = sim.now;
          e.ok = b.biStatus === 0;
          end(b);
        };
      }
      return inner.submitBio(bio);
    },
    bdevFua: () => inner.bdevFua(),
    bdevWriteCache: () => inner.bdevWriteCache(),
    bioPoll: (b, f) => inner.bioPoll(b, f),
    blkPoll: (c, f) => inner.blkPoll(c, f),
  };
}
