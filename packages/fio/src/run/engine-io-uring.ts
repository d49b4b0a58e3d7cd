/**
 * fio's io_uring engine (engines/io_uring.c, fio 3.33): raw io_uring_enter
 * calls, CQSIZE | COOP_TASKRUN | SINGLE_ISSUER | DEFER_TASKRUN rings, one
 * commit per I/O with GETEVENTS, reaping straight from the CQ ring first.
 * @module
 */
import {
  getSqe,
  IORING_ENTER_GETEVENTS,
  IORING_ENTER_SQ_WAKEUP,
  IORING_SETUP_COOP_TASKRUN,
  IORING_SETUP_CQSIZE,
  IORING_SETUP_DEFER_TASKRUN,
  IORING_SETUP_IOPOLL,
  IORING_SETUP_SINGLE_ISSUER,
  IORING_SETUP_SQ_AFF,
  IORING_SETUP_SQPOLL,
  IORING_SQ_NEED_WAKEUP,
  ioUringEnter,
  type IoUring,
  type IoUringEnv,
  IOSQE_ASYNC,
  IOSQE_FIXED_FILE,
  prepFsync,
  prepRead,
  prepReadFixed,
  prepReadv,
  prepWrite,
  prepWriteFixed,
  prepWritev,
  queueExit,
  queueInitParams,
  registerBuffersUser,
  registerFilesUser,
  sqeSetData64,
} from '@dio/io-uring';
import { EAGAIN, EINTR, EINVAL, EBADF } from '@dio/kiocb';
import { clearArray, currentSim, type KGen, returned, syscall } from '@dio/sim';
import type { Engine, EngineEnv, QueueResult } from './engine';
import type { IoU } from './io-u';

/** Simulated user address of io_u buffer `i` (page aligned, as fio's are). */
const bufAddr = (i: number, len: number): number => 0x7f00_0000_0000 + i * Math.max(4096, len);

/** `queue`'s results (immutable, so shared by every call). */
const QUEUED: KGen<QueueResult> = returned<QueueResult>('queued');
const BUSY: KGen<QueueResult> = returned<QueueResult>('busy');

/** fio's io_uring engine on a simulated ring. */
export class IoUringEngine implements Engine {
  readonly name = 'io_uring';
  readonly syncIo = false;
  private ring: IoUring | null = null;
  // queued io_us and the list the last commit returned, swapped per commit
  // (no array allocated per I/O on the hot path)
  private queued: IoU[] = [];
  /** SQEs prepared since the last forced-async one. */
  private prepped = 0;
  private committed: IoU[] = [];
  private readonly events: IoU[] = [];

  constructor(
    private readonly env: EngineEnv,
    private readonly uring: IoUringEnv,
  ) {}

  // engines/io_uring.c: fio_ioring_queue_init()
  *init(): KGen<number> {
    const e = this.env;
    let flags = IORING_SETUP_CQSIZE | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    if (e.hipri) flags |= IORING_SETUP_IOPOLL;
    // sqthread_poll_cpu (fio's sqpoll_set): SQ_AFF with sq_thread_cpu, only with sqthread_poll
    const sqCpu = e.sqthreadPoll ? e.sqthreadPollCpu : undefined;
    const aff = sqCpu === undefined ? {} : { sqThreadCpu: sqCpu };
    if (e.sqthreadPoll) flags |= IORING_SETUP_SQPOLL;
    if (sqCpu !== undefined) flags |= IORING_SETUP_SQ_AFF;
    let r = yield* queueInitParams(e.depth, { flags, cqEntries: e.depth, ...aff }, this.uring);
    // the retry: ladder of fio_ioring_queue_init(): on -EINVAL drop DEFER_TASKRUN
    // (with SINGLE_ISSUER), then COOP_TASKRUN, then CQSIZE — SQPOLL rings need
    // the first two gone, older kernels lack them
    for (const drop of [IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER, IORING_SETUP_COOP_TASKRUN, IORING_SETUP_CQSIZE]) {
      if (r !== -EINVAL || !(flags & drop)) continue;
      flags &= ~drop;
      r = yield* queueInitParams(e.depth, flags & IORING_SETUP_CQSIZE ? { flags, cqEntries: e.depth, ...aff } : { flags, ...aff }, this.uring);
    }
    if (typeof r === 'number') return r;
    this.ring = r;
    if (e.registerfiles) {
      const files = (e.fds ?? [e.fd]).map((fd) => this.uring.files.get(fd));
      if (files.some((f) => f === undefined)) return -EBADF;
      const rr = registerFilesUser(r, files.filter((f) => f !== undefined));
      if (rr < 0) return rr;
    }
    if (e.fixedbufs) {
      const rr = registerBuffersUser(
        r,
        e.ious.map((io) => ({ addr: bufAddr(io.index, io.len), buf: io.buf, len: Math.max(io.len, 4096) })),
      );
      if (rr < 0) return rr;
    }
    return 0;
  }

  // engines/io_uring.c: fio_ioring_queue() → fio_ioring_prep()
  /** User-space work only (no system call): a plain method whose result is `returned`. */
  queue(io: IoU): KGen<QueueResult> {
    const ring = this.ring;
    if (ring === null) return BUSY;
    const sqe = getSqe(ring);
    if (sqe === null) return BUSY;
    const e = this.env;
    const fd = e.registerfiles ? io.fileIndex : io.fd;
    const addr = bufAddr(io.index, io.len);
    if (io.ddir === 'sync') prepFsync(sqe, fd);
    else if (e.fixedbufs) {
      if (io.ddir === 'write') prepWriteFixed(sqe, fd, io.buf, io.len, io.offset, io.index, addr);
      else prepReadFixed(sqe, fd, io.buf, io.len, io.offset, io.index, addr);
    } else if (e.vectored === true) {
      const iov = [{ addr, buf: io.buf, len: io.len }];
      if (io.ddir === 'write') prepWritev(sqe, fd, iov, io.offset);
      else prepReadv(sqe, fd, iov, io.offset);
    } else if (io.ddir === 'write') prepWrite(sqe, fd, io.buf, io.len, io.offset, addr);
    else prepRead(sqe, fd, io.buf, io.len, io.offset, addr);
    if (e.registerfiles) sqe.flags |= IOSQE_FIXED_FILE;
    // fio_ioring_prep(): force_async=N punts every Nth request to io-wq
    if ((e.forceAsync ?? 0) > 0 && ++this.prepped === e.forceAsync) {
      this.prepped = 0;
      sqe.flags |= IOSQE_ASYNC;
    }
    sqeSetData64(sqe, io.index);
    this.queued.push(io);
    return QUEUED;
  }

  // engines/io_uring.c: fio_ioring_commit()
  *commit(): KGen<IoU[]> {
    const ring = this.ring;
    if (ring === null || this.queued.length === 0) return [];
    const ctx = ring.ctx;
    ctx.sq.tail = ring.sqeTail; // write the SQ tail
    const nr = this.queued.length;
    if (ctx.sqpoll) {
      if (ctx.sq.flags & IORING_SQ_NEED_WAKEUP) yield* syscall(ioUringEnter, ctx, nr, 0, IORING_ENTER_SQ_WAKEUP);
    } else {
      let left = nr;
      while (left > 0) {
        const r = yield* syscall(ioUringEnter, ctx, left, 0, IORING_ENTER_GETEVENTS);
        if (r > 0) left -= r;
        else if (r !== -EAGAIN && r !== -EINTR) break;
      }
    }
    // fio_ioring_queued(): issue_time for everything just submitted
    const now = currentSim().now;
    const done = this.queued;
    this.queued = this.committed;
    clearArray(this.queued);
    this.committed = done;
    for (const io of done) io.issueTime = now;
    return done;
  }

  // engines/io_uring.c: fio_ioring_cqring_reap()
  private reap(out: IoU[], max: number): number {
    const ring = this.ring as IoUring;
    const cq = ring.ctx.cq;
    let n = 0;
    while (n < max && cq.ready > 0) {
      const c = cq.cqes[cq.head & cq.mask];
      cq.head++;
      if (c === null || c === undefined) continue;
      const io = this.env.ious[Number(c.userData)];
      if (io === undefined) continue;
      io.res = c.res;
      out.push(io);
      n++;
    }
    return n;
  }

  // engines/io_uring.c: fio_ioring_getevents()
  *getevents(min: number, max: number): KGen<IoU[]> {
    const ring = this.ring;
    const out = this.events;
    clearArray(out);
    if (ring === null) return out;
    // fio_ioring_getevents(): iodepth_batch_complete_min=0 polls (min_complete 0) until `min` are in
    let actualMin = this.env.pollComplete === true ? 0 : min;
    const sim = currentSim();
    do {
      const r = this.reap(out, max - out.length);
      if (r > 0) {
        actualMin = Math.max(0, actualMin - r);
        continue;
      }
      if (!ring.ctx.sqpoll) {
        yield* syscall(ioUringEnter, ring.ctx, 0, actualMin, IORING_ENTER_GETEVENTS);
        // an enter that brought nothing (IOPOLL with every request in io-wq): back round the loop in user mode
        if (ring.ctx.cq.ready === 0) yield sim.costs.userPerReap;
      } else yield sim.costs.userPerReap; // spinning on the CQ ring in user space
    } while (out.length < min);
    return out;
  }

  *cleanup(): KGen<void> {
    if (this.ring !== null) queueExit(this.ring);
  }
}
