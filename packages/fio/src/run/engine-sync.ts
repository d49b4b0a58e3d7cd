/**
 * fio's synchronous engines: psync (pread/pwrite), pvsync2
 * (preadv2/pwritev2 with RWF_HIPRI for hipri) and sync (read/write at the
 * file position). Each I/O is a blocking syscall; the sync DIO path sleeps
 * uninterruptibly and completes in the caller, never on a workqueue.
 * @module
 */
import { fdatasync, fsync, pread, pwrite } from '@dio/fs';
import { EBADF, type FdTable, IovIter, RWF_HIPRI } from '@dio/kiocb';
import { currentSim, type KGen } from '@dio/sim';
import { FRand } from '../gen/frand';
import type { Engine, EngineEnv, QueueResult } from './engine';
import type { IoU } from './io-u';

/** psync, pvsync2 and sync. */
export class SyncEngine implements Engine {
  readonly syncIo = true;
  /** engines/sync.c: sd->rand_state, init_rand(…, 0): seed 1 (hipri_percentage draws). */
  private readonly hipriRand = new FRand(1n);

  constructor(
    readonly name: 'psync' | 'pvsync2' | 'sync',
    private readonly env: EngineEnv,
    private readonly files: FdTable,
    private readonly datasync: boolean,
  ) {}

  *init(): KGen<number> {
    return this.files.get(this.env.fd) === undefined ? -EBADF : 0;
  }

  // engines/sync.c: fio_psyncio_queue() / fio_pvsyncio2_queue() / fio_syncio_queue()
  *queue(io: IoU): KGen<QueueResult> {
    const file = this.files.get(io.fd);
    if (file === undefined) {
      io.res = -EBADF;
      return 'completed';
    }
    io.issueTime = currentSim().now;
    if (io.ddir === 'sync') {
      io.res = yield* (this.datasync ? fdatasync(file) : fsync(file));
      return 'completed';
    }
    // fio_pvsyncio2_queue(): RWF_HIPRI for hipri_percentage % of the I/Os
    const pct = this.env.hipriPercentage ?? 100;
    const flags = this.name === 'pvsync2' && this.env.hipri && (pct === 100 || this.hipriRand.between(1, 100) <= pct) ? RWF_HIPRI : 0;
    const iter = IovIter.ubuf(io.buf, io.len, 0x7f00_0000_0000 + io.index * Math.max(4096, io.len));
    io.res = io.ddir === 'write' ? yield* pwrite(file, iter, io.offset, flags) : yield* pread(file, iter, io.offset, flags);
    return 'completed';
  }

  *commit(): KGen<IoU[]> {
    return [];
  }

  *getevents(): KGen<IoU[]> {
    return [];
  }

  *cleanup(): KGen<void> {}
}
