/**
 * fio's libaio engine (engines/libaio.c): io_submit per commit,
 * io_getevents(min, max) to reap.
 * @module
 */
import { type AioIocb, ioDestroy, ioGetevents, ioPrepFsync, ioPrepPread, ioPrepPwrite, ioSetup, ioSubmit, type Kioctx } from '@dio/aio';
import { EAGAIN, type FdTable, RWF_HIPRI } from '@dio/kiocb';
import { clearArray, currentSim, type KGen, returned } from '@dio/sim';
import type { Engine, EngineEnv, QueueResult } from './engine';
import type { IoU } from './io-u';

/** Drop the first `n` entries of `a` in place (the submitted head of the queue). */
function dropFront<T>(a: T[], n: number): void {
  a.copyWithin(0, n);
  a.length -= n;
}

/** `queue`'s results (immutable, so shared by every call). */
const QUEUED: KGen<QueueResult> = returned<QueueResult>('queued');
const BUSY: KGen<QueueResult> = returned<QueueResult>('busy');

/** fio's libaio engine on the simulated fs/aio.c. */
export class LibaioEngine implements Engine {
  readonly name = 'libaio';
  readonly syncIo = false;
  private ctx: Kioctx | null = null;
  /** The io_us queued since the last commit, and their iocbs (fio's ld->io_us and ld->iocbs: the array io_submit reads). */
  private readonly queued: IoU[] = [];
  private readonly iocbs: AioIocb[] = [];
  /** What commit and getevents hand back (read by the caller before the next call, as io_uring's are). */
  private readonly done: IoU[] = [];
  private readonly events: IoU[] = [];
  /** iocb->data of each io_u (its index), made once. */
  private readonly data: bigint[] = [];

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
    cb.data = this.data[io.index] ??= BigInt(io.index);
    if (this.env.hipri) cb.rwFlags |= RWF_HIPRI;
    this.queued.push(io);
    this.iocbs.push(cb);
    return QUEUED;
  }

  // engines/libaio.c: fio_libaio_commit()
  *commit(): KGen<IoU[]> {
    const ctx = this.ctx;
    if (ctx === null) return [];
    const done = this.done;
    clearArray(done);
    const queued = this.queued;
    const iocbs = this.iocbs;
    while (queued.length > 0) {
      const r = yield* ioSubmit(ctx, iocbs);
      if (r > 0) {
        const now = currentSim().now;
        for (let i = 0; i < r; i++) {
          const io = queued[i] as IoU;
          io.issueTime = now;
          done.push(io);
        }
        dropFront(queued, r);
        dropFront(iocbs, r);
      } else if (r === -EAGAIN) continue;
      else {
        // the kernel refused the first iocb: complete it with the error
        const io = queued[0] as IoU;
        io.res = r;
        io.issueTime = currentSim().now;
        done.push(io);
        dropFront(queued, 1);
        dropFront(iocbs, 1);
      }
    }
    return done;
  }

  // engines/libaio.c: fio_libaio_getevents()
  *getevents(min: number, max: number): KGen<IoU[]> {
    const ctx = this.ctx;
    const out = this.events;
    clearArray(out);
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
