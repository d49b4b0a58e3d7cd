/**
 * fs/aio.c: io_submit → io_submit_one → aio_prep_rw / aio_read / aio_write
 * / aio_fsync. The kiocb never carries IOCB_DIO_CALLER_COMP and has HIPRI
 * cleared, so the filesystem completes it wherever its policy says (a
 * kworker on ≤ 6.18 for writes, the interrupt on 6.19 for pure overwrites).
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
  type File,
  IOCB_AIO_RW,
  IOCB_HIPRI,
  IOCB_WRITE,
  iocbFlags,
  type Issuer,
  IovIter,
  Kiocb,
  kiocbSetRwFlags,
} from '@dio/kiocb';
import { charge, type KGen, type Simulator, syscall } from '@dio/sim';
import { allocWorkqueue, initWork, queueWork, type Workqueue } from '@dio/workqueue';
import { type AioIocb, IOCB_CMD_FDSYNC, IOCB_CMD_FSYNC, IOCB_CMD_PREAD, IOCB_CMD_PWRITE, IOCB_FLAG_IOPRIO } from './abi';
import { aioComplete, type Kioctx } from './kioctx';

/** libaio as a kiocb issuer: it never sets IOCB_DIO_CALLER_COMP, on any kernel. */
export const AIO_ISSUER: Issuer = { name: 'libaio', setsCallerComp: false };

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

/** struct aio_kiocb, the part aio_complete_rw() reads: what the io_event reports (the kiocb's owner, for container_of). */
class AioKiocb {
  constructor(
    readonly ctx: Kioctx,
    /** The iocb's aio_data. */
    readonly data: bigint,
    /** The iocb's user address (io_event.obj). */
    readonly obj: number,
  ) {}
}

// fs/aio.c: aio_complete_rw()
/** The kiocb's ki_complete: post the io_event. */
function aioCompleteRw(kiocb: Kiocb, res: number): void {
  const iocb = kiocb.owner as AioKiocb; // container_of(kiocb, struct aio_kiocb, rw)
  aioComplete(iocb.ctx, iocb.data, iocb.obj, res);
}

// fs/aio.c: aio_prep_rw()
/** The async kiocb of a PREAD/PWRITE: aio_complete_rw as ki_complete, never IOCB_DIO_CALLER_COMP, HIPRI cleared. */
export function aioPrepRw(ctx: Kioctx, file: File, cb: AioIocb, obj: number): Kiocb | number {
  const kiocb = new Kiocb(file, cb.offset, aioCompleteRw, iocbFlags(file) | IOCB_AIO_RW);
  kiocb.owner = new AioKiocb(ctx, cb.data, obj);
  kiocb.private = null;
  if (cb.flags & IOCB_FLAG_IOPRIO) {
    // ioprio_check_cap(): class in bits 13-15 (0-3), data in 0-12
    if (!Number.isInteger(cb.reqprio) || cb.reqprio < 0 || cb.reqprio >> 13 > 3) return -EINVAL;
    kiocb.kiIoprio = cb.reqprio;
  }
  const e = kiocbSetRwFlags(kiocb, cb.rwFlags);
  if (e < 0) return e;
  kiocb.kiFlags &= ~IOCB_HIPRI; // no one is going to poll for this I/O
  return kiocb;
}

// fs/aio.c: aio_read() / aio_write() → aio_rw_done()
function* aioRw(ctx: Kioctx, file: File, cb: AioIocb, obj: number, write: boolean): KGen<number> {
  const kiocb = aioPrepRw(ctx, file, cb, obj);
  if (typeof kiocb === 'number') return kiocb;
  if (write ? !file.writable : !file.readable) return -EBADF;
  // aio_setup_rw(): import the user buffer
  if (!Number.isSafeInteger(cb.addr) || cb.addr < 0 || (cb.buf !== null && cb.buf.length < cb.nbytes)) return -EFAULT;
  const iter = IovIter.ubuf(cb.buf, cb.nbytes, cb.addr);
  if (!Number.isSafeInteger(cb.offset) || cb.offset < 0) return -EINVAL; // rw_verify_area()
  if (write) kiocb.kiFlags |= IOCB_WRITE;
  let ret = yield* (write ? file.fOp.writeIter(kiocb, iter) : file.fOp.readIter(kiocb, iter));
  // aio_rw_done(): queued → the completion posts the event; anything else completes here
  if (ret === -EIOCBQUEUED) return 0;
  if (ret === -ERESTARTSYS) ret = -EINTR;
  aioComplete(ctx, cb.data, obj, ret);
  return 0;
}

// fs/aio.c: aio_fsync() → schedule_work(aio_fsync_work)
function* aioFsync(ctx: Kioctx, file: File, cb: AioIocb, obj: number): KGen<number> {
  if (cb.buf !== null || cb.addr || cb.offset || cb.nbytes || cb.rwFlags) return -EINVAL;
  const sim = ctx.sim;
  const datasync = cb.lioOpcode === IOCB_CMD_FDSYNC;
  const work = initWork('aio_fsync_work', function* () {
    const r = yield* file.fOp.fsync(file, 0, Number.MAX_SAFE_INTEGER, datasync); // vfs_fsync()
    aioComplete(ctx, cb.data, obj, r);
  });
  charge(sim.costs.queueWork);
  queueWork(systemWorkqueue(sim), work);
  return 0;
}

// fs/aio.c: io_submit_one() → __io_submit_one()
/** One iocb: 0 once queued (or completed with an event), or a negative errno and no event. */
function* submitOne(ctx: Kioctx, cb: AioIocb): KGen<number> {
  if (cb.reserved2) return -EINVAL; // "enforce forwards compatibility on users"
  if (!Number.isSafeInteger(cb.nbytes) || cb.nbytes < 0) return -EINVAL; // "prevent overflows"
  if (ctx.reqsAvailable <= 0) return -EAGAIN; // aio_get_req()
  const file = ctx.files.get(cb.fildes);
  if (file === undefined) return -EBADF;
  charge(ctx.sim.costs.aioSubmit);
  const obj = ctx.obj();
  // The request holds its slot until its event is reaped; on error it gives it back (put_reqs_available).
  ctx.inflight++;
  let ret: number;
  switch (cb.lioOpcode) {
    case IOCB_CMD_PREAD:
    case IOCB_CMD_PWRITE:
      ret = yield* aioRw(ctx, file, cb, obj, cb.lioOpcode === IOCB_CMD_PWRITE);
      break;
    case IOCB_CMD_FSYNC:
    case IOCB_CMD_FDSYNC:
      ret = yield* aioFsync(ctx, file, cb, obj);
      break;
    default:
      // IOCB_CMD_POLL, NOOP (never implemented), PREADV/PWRITEV (not emulated)
      ret = -EINVAL;
  }
  if (ret < 0) ctx.inflight--;
  return ret;
}

// fs/aio.c: SYSCALL_DEFINE3(io_submit)
/**
 * io_submit(): submits in order, at most nr_events per call; returns how
 * many were submitted, or the first one's error if none was (-EINVAL for a
 * destroyed context).
 */
export function ioSubmit(ctx: Kioctx, iocbs: readonly AioIocb[]): KGen<number> {
  return syscall(sysIoSubmit, ctx, iocbs);
}

// fs/aio.c: SYSCALL_DEFINE3(io_submit)'s body, run by syscall()
function* sysIoSubmit(ctx: Kioctx, iocbs: readonly AioIocb[]): KGen<number> {
  if (ctx.dead) return -EINVAL; // lookup_ioctx() fails
  const nr = Math.min(iocbs.length, ctx.nrEvents);
  let i = 0;
  for (; i < nr; i++) {
    const r = yield* submitOne(ctx, iocbs[i] as AioIocb);
    if (r < 0) return i > 0 ? i : r;
  }
  return i;
}
