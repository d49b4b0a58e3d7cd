/**
 * fs/aio.c: the AIO context (struct kioctx), io_submit with aio_prep_rw,
 * aio_complete_rw posting events from whatever context completes the I/O,
 * and io_getevents.
 * @module
 */
import {
  EAGAIN,
  EBADF,
  EFAULT,
  EINTR,
  EINVAL,
  EIOCBQUEUED,
  ERESTARTSYS,
  type FdTable,
  IOCB_AIO_RW,
  IOCB_HIPRI,
  IOCB_WRITE,
  iocbFlags,
  IovIter,
  Kiocb,
  kiocbSetRwFlags,
} from '@dio/kiocb';
import { charge, currentCtx, currentSim, type KGen, type Simulator, syscall, WaitQueue, waitEvent } from '@dio/sim';
import { allocWorkqueue, initWork, queueWork, type Workqueue } from '@dio/workqueue';
import { type AioIocb, IOCB_CMD_FDSYNC, IOCB_CMD_FSYNC, IOCB_CMD_NOOP, IOCB_CMD_PREAD, IOCB_CMD_PWRITE, type IoEvent } from './abi';

/** struct kioctx. */
export class Kioctx {
  /** Completed events not yet reaped (the ring). */
  readonly ring: IoEvent[] = [];
  /** ctx->wait: io_getevents sleepers. */
  readonly wait = new WaitQueue('aio ctx->wait');
  /** Requests submitted and not yet completed. */
  inflight = 0;
  dead = false;
  private nextObj = 0;
  /** Where the last completions ran (context kind), for tests and traces. */
  readonly completedIn: string[] = [];

  constructor(
    readonly sim: Simulator,
    /** max_reqs: how many may be in flight. */
    readonly maxReqs: number,
    readonly files: FdTable,
  ) {}

  /** @internal */
  obj(): number {
    return this.nextObj++;
  }
}

const systemWq = new WeakMap<Simulator, Workqueue>();

/** system_wq of a simulation (schedule_work()), used for aio fsync. */
function systemWorkqueue(sim: Simulator): Workqueue {
  let wq = systemWq.get(sim);
  if (wq === undefined) {
    wq = allocWorkqueue(sim, 'events', 0, 0);
    systemWq.set(sim, wq);
  }
  return wq;
}

// fs/aio.c: SYSCALL_DEFINE2(io_setup)
/** io_setup(nr_events): a new context, or -EINVAL / -EAGAIN. Run inside a task. */
export function* ioSetup(nrEvents: number, files: FdTable): KGen<Kioctx | number> {
  const sim = currentSim();
  if (!charge(sim.costs.syscall)) yield sim.costs.syscall;
  if (!Number.isInteger(nrEvents) || nrEvents <= 0) return -EINVAL;
  if (nrEvents > 65536) return -EAGAIN; // aio-max-nr
  return new Kioctx(sim, nrEvents, files);
}

// fs/aio.c: aio_complete_rw() → iocb_put() → aio_complete()
function* aioCompleteRw(ctx: Kioctx, data: bigint, obj: number, res: number): KGen<void> {
  if (!charge(ctx.sim.costs.aioComplete)) yield ctx.sim.costs.aioComplete;
  ctx.completedIn.push(currentCtx().kind === 'task' ? `task:${currentCtx().label}` : currentCtx().kind);
  ctx.ring.push({ data, obj, res, res2: 0 });
  ctx.inflight--;
  if (ctx.sim.tracing) ctx.sim.trace('aio_complete', { obj, res });
  ctx.wait.wakeUpAll();
}

// fs/aio.c: io_submit_one() with aio_prep_rw() and aio_read()/aio_write()
function* submitOne(ctx: Kioctx, cb: AioIocb): KGen<number> {
  const sim = ctx.sim;
  if (cb.key !== 0 || cb.reqprio < 0) return -EINVAL;
  if (ctx.inflight >= ctx.maxReqs) return -EAGAIN;
  const file = ctx.files.get(cb.fildes);
  if (file === undefined) return -EBADF;
  const obj = ctx.obj();
  if (!charge(sim.costs.aioSubmit)) yield sim.costs.aioSubmit;
  if (cb.lioOpcode === IOCB_CMD_NOOP) return -EINVAL;
  if (cb.lioOpcode === IOCB_CMD_FSYNC || cb.lioOpcode === IOCB_CMD_FDSYNC) {
    // aio_fsync(): punted to system_wq
    ctx.inflight++;
    const datasync = cb.lioOpcode === IOCB_CMD_FDSYNC;
    const work = initWork('aio_fsync_work', function* () {
      const r = yield* file.fOp.fsync(file, 0, Number.MAX_SAFE_INTEGER, datasync);
      yield* aioCompleteRw(ctx, cb.data, obj, r);
    });
    if (!charge(sim.costs.queueWork)) yield sim.costs.queueWork;
    queueWork(systemWorkqueue(sim), work);
    return 0;
  }
  if (cb.lioOpcode !== IOCB_CMD_PREAD && cb.lioOpcode !== IOCB_CMD_PWRITE) return -EINVAL;
  const write = cb.lioOpcode === IOCB_CMD_PWRITE;
  if (write ? !file.writable : !file.readable) return -EBADF;
  if (cb.addr < 0 || cb.nbytes < 0 || (cb.buf !== null && cb.buf.length < cb.nbytes)) return -EFAULT;
  // aio_prep_rw(): never IOCB_DIO_CALLER_COMP; HIPRI cleared ("no one is going to poll")
  const kiocb = new Kiocb(file, cb.offset, (_k, res) => aioCompleteRw(ctx, cb.data, obj, res), iocbFlags(file) | IOCB_AIO_RW);
  const e = kiocbSetRwFlags(kiocb, cb.rwFlags);
  if (e < 0) return e;
  kiocb.kiFlags &= ~IOCB_HIPRI;
  const iter = IovIter.ubuf(cb.buf, cb.nbytes, cb.addr);
  ctx.inflight++;
  let ret: number;
  if (write) {
    kiocb.kiFlags |= IOCB_WRITE;
    ret = yield* file.fOp.writeIter(kiocb, iter);
  } else ret = yield* file.fOp.readIter(kiocb, iter);
  // fs/aio.c: aio_rw_done()
  if (ret === -EIOCBQUEUED) return 0;
  if (ret === -ERESTARTSYS) ret = -EINTR;
  yield* aioCompleteRw(ctx, cb.data, obj, ret);
  return 0;
}

// fs/aio.c: SYSCALL_DEFINE3(io_submit)
/** io_submit(): submits in order; returns how many were submitted, or the first one's error if none was. */
export function ioSubmit(ctx: Kioctx, iocbs: readonly AioIocb[]): KGen<number> {
  return syscall(
    (function* (): KGen<number> {
      if (ctx.dead) return -EINVAL;
      let i = 0;
      for (; i < iocbs.length; i++) {
        const r = yield* submitOne(ctx, iocbs[i] as AioIocb);
        if (r < 0) return i > 0 ? i : r;
      }
      return i;
    })(),
  );
}

// fs/aio.c: SYSCALL_DEFINE5(io_getevents) → read_events()
/**
 * io_getevents(): wait until at least `minNr` events are ready (or the
 * timeout passes), then return up to `nr` of them, oldest first.
 */
export function ioGetevents(ctx: Kioctx, minNr: number, nr: number, timeoutNs: number | null = null): KGen<IoEvent[] | number> {
  return syscall(
    (function* (): KGen<IoEvent[] | number> {
      if (minNr < 0 || nr < 0 || minNr > nr) return -EINVAL;
      if (!charge(ctx.sim.costs.aioGetevents)) yield ctx.sim.costs.aioGetevents;
      if (ctx.ring.length < minNr && timeoutNs !== 0) {
        const why = yield* waitEvent(ctx.wait, () => ctx.ring.length >= minNr || ctx.dead, {
          state: 'S',
          ...(timeoutNs !== null ? { timeout: timeoutNs } : {}),
        });
        if (why === 'signal' && ctx.ring.length === 0) return -EINTR;
      }
      return ctx.ring.splice(0, nr);
    })(),
  );
}

// fs/aio.c: SYSCALL_DEFINE1(io_destroy)
/** io_destroy(): waits for in-flight requests, then frees the context. */
export function ioDestroy(ctx: Kioctx): KGen<number> {
  return syscall(
    (function* (): KGen<number> {
      if (ctx.dead) return -EINVAL;
      ctx.dead = true;
      yield* waitEvent(ctx.wait, () => ctx.inflight === 0, { state: 'D' });
      return 0;
    })(),
  );
}
