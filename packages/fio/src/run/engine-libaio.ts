/**
 * fio's libaio engine (engines/libaio.c): io_submit per commit,
 * io_getevents(min, max) to reap.
 * @module
 */
import { type AioIocb, ioDestroy, ioGetevents, ioPrepFsync, ioPrepPread, ioPrepPwrite, ioSetup, ioSubmit, type Kioctx } from '@dio/aio';
import { EAGAIN, type FdTable, RWF_HIPRI } from '@dio/kiocb';
import { currentSim, type KGen, returned } from '@dio/sim';
import type { Engine, EngineEnv, QueueResult } from './engine';
import type { IoU } from './io-u';

/** `queue`'s results (immutable, so shared by every call). */
const QUEUED: KGen<QueueResult> = returned<QueueResult>('queued');
const BUSY: KGen<QueueResult> = returned<QueueResult>('busy');

/** fio's libaio engine on the simulated fs/aio.c. */
export class LibaioEngine implements Engine {
  readonly name = 'libaio';
  readonly syncIo = false;
  private ctx: Kioctx | null = null;
  private readonly queued: { io: IoU; cb: AioIocb }[] = [];

  constructor(
    private readonly env: EngineEnv,
    private readonly files: FdTable,
  ) {}

  *init(): KGen<number> {
    const c = yield* ioSetup(this.env.depth, this.files);
    if (typeof c === 'number') return c;
    this.ctx = c;
    return 0;
  }

  // engines/libaio.c: fio_libaio_prep() + fio_libaio_queue()
  /** User-space work only (the iocbs go in at commit's io_submit): a plain method whose result is `returned`. */
  queue(io: IoU): KGen<QueueResult> {
    if (this.queued.length >= this.env.depth) return BUSY;
    const fd = io.fd;
    const addr = 0x7f00_0000_0000 + io.index * Math.max(4096, io.len);
    const cb = io.ddir === 'sync' ? ioPrepFsync(fd) : io.ddir === 'write' ? ioPrepPwrite(fd, io.buf, io.len, io.offset, addr) : ioPrepPread(fd, io.buf, io.len, io.offset, addr);
    cb.data = BigInt(io.index);
    if (this.env.hipri) cb.rwFlags |= RWF_HIPRI;
    this.queued.push({ io, cb });
    return QUEUED;
  }

  // engines/libaio.c: fio_libaio_commit()
  *commit(): KGen<IoU[]> {
    const ctx = this.ctx;
    if (ctx === null) return [];
    const done: IoU[] = [];
    while (this.queued.length > 0) {
      const r = yield* ioSubmit(
        ctx,
        this.queued.map((q) => q.cb),
      );
      if (r > 0) {
        const now = currentSim().now;
        for (const q of this.queued.splice(0, r)) {
          q.io.issueTime = now;
          done.push(q.io);
        }
      } else if (r === -EAGAIN) continue;
      else {
        // the kernel refused the first iocb: complete it with the error
        const q = this.queued.shift();
        if (q) {
          q.io.res = r;
          q.io.issueTime = currentSim().now;
          done.push(q.io);
        }
      }
    }
    return done;
  }

  // engines/libaio.c: fio_libaio_getevents()
  *getevents(min: number, max: number): KGen<IoU[]> {
    const ctx = this.ctx;
    const out: IoU[] = [];
    if (ctx === null) return out;
    // iodepth_batch_complete_min=0: poll (min_nr 0) until `min` are in, never sleeping
    const poll = this.env.pollComplete === true;
    while (out.length < min) {
      let evs: readonly { data: bigint; res: number }[];
      if (poll && this.env.userspaceReap === true) {
        // user_io_getevents(): read the ring mapped into user memory, no syscall
        evs = ctx.ring.splice(0, max - out.length);
        if (evs.length === 0) yield currentSim().costs.userPerReap; // spinning in user space
      } else {
        const r = yield* ioGetevents(ctx, poll ? 0 : min - out.length, max - out.length);
        if (typeof r === 'number') break;
        evs = r;
      }
      for (const e of evs) {
        const io = this.env.ious[Number(e.data)];
        if (io === undefined) continue;
        io.res = e.res;
        out.push(io);
      }
    }
    return out;
  }

  *cleanup(): KGen<void> {
    if (this.ctx !== null) yield* ioDestroy(this.ctx);
  }
}
