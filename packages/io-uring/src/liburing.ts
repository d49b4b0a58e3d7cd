/**
 * A liburing-shaped user API (axboe/liburing): generator functions a
 * simulated user task calls — `yield* submitAndWait(ring, 1)` — over the
 * same rings the kernel side uses.
 * @module
 */
import { EAGAIN, EINTR, ETIME, type File } from '@dio/kiocb';
import { type KGen, syscall } from '@dio/sim';
import type { IoRingCtx } from './ctx';
import { type IoUringEnv, ioUringEnter, ioUringRelease, ioUringSetup, registerBuffers, registerFiles } from './enter';
import {
  type Cqe,
  resetSqe,
  IORING_ENTER_GETEVENTS,
  IORING_ENTER_SQ_WAKEUP,
  IORING_FSYNC_DATASYNC,
  IORING_OP_FSYNC,
  IORING_OP_NOP,
  IORING_OP_READ,
  IORING_OP_READ_FIXED,
  IORING_OP_READV,
  IORING_OP_WRITE,
  IORING_OP_WRITE_FIXED,
  IORING_OP_WRITEV,
  IORING_SETUP_IOPOLL,
  IORING_SQ_CQ_OVERFLOW,
  IORING_SQ_NEED_WAKEUP,
  IORING_SQ_TASKRUN,
  type Iovec,
  type IoUringParams,
  type Sqe,
} from './uapi';

/** struct io_uring: the application's handle (ring fd + mapped rings). */
export interface IoUring {
  readonly ctx: IoRingCtx;
  readonly flags: number;
  /** sqe_tail: SQEs handed out by getSqe, not yet flushed to the kernel's tail. */
  sqeTail: number;
}

/** io_uring_queue_init_params(): set up a ring; returns it or a negative errno. */
export function* queueInitParams(entries: number, params: IoUringParams, env: IoUringEnv): KGen<IoUring | number> {
  const ctx = yield* ioUringSetup(entries, params, env);
  if (typeof ctx === 'number') return ctx;
  return { ctx, flags: ctx.flags, sqeTail: ctx.sq.tail };
}

/** io_uring_queue_init(entries, ring, flags). */
export function queueInit(entries: number, flags: number, env: IoUringEnv): KGen<IoUring | number> {
  return queueInitParams(entries, { flags }, env);
}

/** io_uring_queue_exit(). */
export function queueExit(ring: IoUring): void {
  ioUringRelease(ring.ctx);
}

/** io_uring_get_sqe(): the next free SQE (reset), or null when the SQ ring is full. */
export function getSqe(ring: IoUring): Sqe | null {
  const sq = ring.ctx.sq;
  if (ring.sqeTail - sq.head >= sq.entries) return null;
  const sqe = sq.sqes[ring.sqeTail & sq.mask] as Sqe;
  resetSqe(sqe);
  ring.sqeTail++;
  return sqe;
}

/** io_uring_sq_space_left(). */
export function sqSpaceLeft(ring: IoUring): number {
  return ring.ctx.sq.entries - (ring.sqeTail - ring.ctx.sq.head);
}

function prepRw(sqe: Sqe, op: number, fd: number, addr: number, buf: Uint8Array | null, len: number, off: number): void {
  sqe.opcode = op;
  sqe.fd = fd;
  sqe.addr = addr;
  sqe.buf = buf;
  sqe.len = len;
  sqe.off = off;
}

/** io_uring_prep_write(sqe, fd, buf, nbytes, offset). `addr` is the buffer's simulated address (alignment). */
export function prepWrite(sqe: Sqe, fd: number, buf: Uint8Array | null, nbytes: number, offset: number, addr = 0): void {
  prepRw(sqe, IORING_OP_WRITE, fd, addr, buf, nbytes, offset);
}
/** io_uring_prep_read(). */
export function prepRead(sqe: Sqe, fd: number, buf: Uint8Array | null, nbytes: number, offset: number, addr = 0): void {
  prepRw(sqe, IORING_OP_READ, fd, addr, buf, nbytes, offset);
}
/** io_uring_prep_writev(). */
export function prepWritev(sqe: Sqe, fd: number, iovecs: readonly Iovec[], offset: number): void {
  prepRw(sqe, IORING_OP_WRITEV, fd, 0, null, iovecs.length, offset);
  sqe.iovecs = iovecs;
}
/** io_uring_prep_readv(). */
export function prepReadv(sqe: Sqe, fd: number, iovecs: readonly Iovec[], offset: number): void {
  prepRw(sqe, IORING_OP_READV, fd, 0, null, iovecs.length, offset);
  sqe.iovecs = iovecs;
}
/** io_uring_prep_writev2(): WRITEV with rw_flags (RWF_*). */
export function prepWritev2(sqe: Sqe, fd: number, iovecs: readonly Iovec[], offset: number, rwFlags: number): void {
  prepWritev(sqe, fd, iovecs, offset);
  sqe.opFlags = rwFlags;
}
/** io_uring_prep_readv2(): READV with rw_flags (RWF_*). */
export function prepReadv2(sqe: Sqe, fd: number, iovecs: readonly Iovec[], offset: number, rwFlags: number): void {
  prepReadv(sqe, fd, iovecs, offset);
  sqe.opFlags = rwFlags;
}
/** io_uring_prep_write_fixed(): `addr` must lie inside registered buffer `bufIndex`. */
export function prepWriteFixed(sqe: Sqe, fd: number, buf: Uint8Array | null, nbytes: number, offset: number, bufIndex: number, addr: number): void {
  prepRw(sqe, IORING_OP_WRITE_FIXED, fd, addr, buf, nbytes, offset);
  sqe.bufIndex = bufIndex;
}
/** io_uring_prep_read_fixed(). */
export function prepReadFixed(sqe: Sqe, fd: number, buf: Uint8Array | null, nbytes: number, offset: number, bufIndex: number, addr: number): void {
  prepRw(sqe, IORING_OP_READ_FIXED, fd, addr, buf, nbytes, offset);
  sqe.bufIndex = bufIndex;
}
/** io_uring_prep_fsync(sqe, fd, fsync_flags). */
export function prepFsync(sqe: Sqe, fd: number, datasync = false): void {
  prepRw(sqe, IORING_OP_FSYNC, fd, 0, null, 0, 0);
  sqe.opFlags = datasync ? IORING_FSYNC_DATASYNC : 0;
}
/** io_uring_prep_nop(). */
export function prepNop(sqe: Sqe): void {
  prepRw(sqe, IORING_OP_NOP, -1, 0, null, 0, 0);
}
/** io_uring_sqe_set_flags(): IOSQE_* (IOSQE_FIXED_FILE, IOSQE_ASYNC). */
export function sqeSetFlags(sqe: Sqe, flags: number): void {
  sqe.flags = flags;
}
/** io_uring_sqe_set_data64(). */
export function sqeSetData64(sqe: Sqe, data: bigint | number): void {
  sqe.userData = BigInt(data);
}

/** __io_uring_flush_sq(): publish handed-out SQEs to the kernel; returns how many are pending. */
function flushSq(ring: IoUring): number {
  ring.ctx.sq.tail = ring.sqeTail;
  return ring.ctx.sq.tail - ring.ctx.sq.head;
}

/** cq_ring_needs_flush(): overflowed CQEs or (TASKRUN_FLAG) task_work to run. */
function cqNeedsFlush(ring: IoUring): boolean {
  return (ring.ctx.sq.flags & (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN)) !== 0;
}

/** sq_ring_needs_enter(): something to submit and no SQPOLL thread awake to take it. */
function sqNeedsEnter(ring: IoUring, submit: number): { enter: boolean; flags: number } {
  if (submit === 0) return { enter: false, flags: 0 };
  if (!ring.ctx.sqpoll) return { enter: true, flags: 0 };
  if (ring.ctx.sq.flags & IORING_SQ_NEED_WAKEUP) return { enter: true, flags: IORING_ENTER_SQ_WAKEUP };
  return { enter: false, flags: 0 };
}

/** __io_uring_submit(): flush the SQ and enter the kernel only if needed (nothing to submit and nothing to wait for: no syscall). */
function* submitInner(ring: IoUring, waitNr: number, getevents: boolean): KGen<number> {
  const submitted = flushSq(ring);
  const sq = sqNeedsEnter(ring, submitted);
  let flags = sq.flags;
  let needEnter = sq.enter;
  // cq_ring_needs_enter(): IOPOLL, or overflowed CQEs / TASKRUN_FLAG task_work to flush
  if (waitNr > 0 || getevents || ring.flags & IORING_SETUP_IOPOLL || cqNeedsFlush(ring)) {
    flags |= IORING_ENTER_GETEVENTS;
    needEnter = true;
  }
  if (!needEnter) return submitted;
  return yield* syscall(ioUringEnter, ring.ctx, ring.ctx.sqpoll ? 0 : submitted, waitNr, flags);
}

/** io_uring_submit(). */
export function submit(ring: IoUring): KGen<number> {
  return submitInner(ring, 0, false);
}

/** io_uring_submit_and_wait(). */
export function submitAndWait(ring: IoUring, waitNr: number): KGen<number> {
  return submitInner(ring, waitNr, false);
}

/** io_uring_get_events(): enter the kernel only to flush completions (run task_work / DEFER_TASKRUN work, overflow). */
export function getEvents(ring: IoUring): KGen<number> {
  return syscall(ioUringEnter, ring.ctx, 0, 0, IORING_ENTER_GETEVENTS);
}

/**
 * io_uring_peek_cqe(): the next CQE, or null. Reads the CQ ring only; unlike
 * liburing it never enters the kernel, even when IORING_SQ_TASKRUN or
 * IORING_SQ_CQ_OVERFLOW say there is something to flush (call `getEvents`
 * for that). This is what fio's reap loop does.
 */
export function peekCqe(ring: IoUring): Cqe | null {
  const cq = ring.ctx.cq;
  if (cq.ready === 0) return null;
  return cq.cqes[cq.head & cq.mask] ?? null;
}

/**
 * io_uring_wait_cqe(): the next CQE, entering the kernel to wait if none; a
 * negative errno on failure. An enter can return with no CQE (an IOPOLL ring
 * whose requests are all in io-wq, so none is on the poll list yet; an
 * interrupted wait): liburing's _io_uring_get_cqe() then loops in user mode
 * and enters again. That loop's user-mode time is a spend, preemptible as
 * user mode is: a plain loop of system calls would never yield, and what it
 * waits for (another CPU's task releasing the lock an io-wq worker sleeps on)
 * could not run while it spins nested in that task's charge.
 */
export function* waitCqe(ring: IoUring): KGen<Cqe | number> {
  for (;;) {
    const c = peekCqe(ring);
    if (c !== null) return c;
    const r = yield* syscall(ioUringEnter, ring.ctx, 0, 1, IORING_ENTER_GETEVENTS);
    if (r < 0 && r !== -EINTR && r !== -EAGAIN && r !== -ETIME) return r;
    if (ring.ctx.cq.ready === 0) yield ring.ctx.sim.costs.userPerReap; // back round the loop in user mode
  }
}

/** io_uring_cq_advance(). */
export function cqAdvance(ring: IoUring, n: number): void {
  const cq = ring.ctx.cq;
  cq.head = Math.min(cq.tail, cq.head + n);
}

/** io_uring_cqe_seen(). */
export function cqeSeen(ring: IoUring, _cqe: Cqe): void {
  cqAdvance(ring, 1);
}

/** io_uring_cq_ready(). */
export function cqReady(ring: IoUring): number {
  return ring.ctx.cq.ready;
}

/** io_uring_register_files(). */
export function registerFilesUser(ring: IoUring, files: readonly (File | null)[]): number {
  return registerFiles(ring.ctx, files);
}

/** io_uring_register_buffers(). */
export function registerBuffersUser(ring: IoUring, bufs: readonly Iovec[]): number {
  return registerBuffers(ring.ctx, bufs);
}

