/**
 * The io_uring system calls: io_uring_setup, io_uring_enter,
 * io_uring_register (files, buffers), and ring teardown.
 * @module
 */
import { EBADF, EEXIST, EFAULT, EINVAL, EBUSY, type FdTable, type File } from '@dio/kiocb';
import { charge, currentSim, currentTask, type KGen } from '@dio/sim';
import { overflowFlush } from './cqe';
import { FEATURES, IoRingCtx, type IoUringKernel, ioUringSetupParams } from './ctx';
import { startSqThread } from './sqpoll';
import { submitSqes } from './submit';
import { runLocalWork } from './tw';
import { IORING_ENTER_GETEVENTS, IORING_ENTER_SQ_WAKEUP, IORING_SETUP_SINGLE_ISSUER, IORING_SETUP_SQ_AFF, IORING_SETUP_DEFER_TASKRUN, type Iovec, type IoUringParams } from './uapi';
import { cqringWait, iopollCheck } from './wait';

/** Process-level context of a ring: the fd table its SQEs refer to and the kernel's io_uring behaviour. */
export interface IoUringEnv {
  readonly files: FdTable;
  readonly kernel: IoUringKernel;
}

// io_uring/io_uring.c: io_uring_setup() / io_uring_create()
/**
 * Create a ring (call from a task; the caller becomes the submitter task).
 * Rounds entries up to a power of two, CQ twice the SQ unless CQSIZE; fills
 * `params` with the chosen sizes and features. Returns the ring context or a
 * negative errno.
 */
export function* ioUringSetup(entries: number, params: IoUringParams, env: IoUringEnv): KGen<IoRingCtx | number> {
  const sim = currentSim();
  const task = currentTask();
  charge(sim.costs.syscall);
  const p = ioUringSetupParams(entries, params);
  if (typeof p === 'number') return p;
  // io_sq_offload_create(): SQ_AFF pins the SQPOLL thread to sq_thread_cpu; otherwise it may run anywhere
  let cpu: number | null = null;
  if (p.flags & IORING_SETUP_SQ_AFF) {
    cpu = params.sqThreadCpu ?? -1;
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= sim.cpus.length) return -EINVAL;
  }
  const ctx = new IoRingCtx(sim, p.flags, p.sq, p.cq, env.files, env.kernel, task, cpu, (params.sqThreadIdle ?? 1000) * 1_000_000);
  params.sqEntries = p.sq;
  params.cqEntries = p.cq;
  params.features = FEATURES;
  if (ctx.sqpoll) startSqThread(ctx);
  if (sim.tracing) sim.trace('io_uring_create', { sq_entries: p.sq, cq_entries: p.cq, flags: p.flags });
  return ctx;
}

// io_uring/io_uring.c: SYSCALL_DEFINE6(io_uring_enter)
/**
 * Submit up to `toSubmit` SQEs and, with IORING_ENTER_GETEVENTS, wait for
 * `minComplete` CQEs (running task_work and, for DEFER_TASKRUN, local work).
 * Returns SQEs consumed, or a negative errno. Run inside `syscall()`.
 */
export function* ioUringEnter(ctx: IoRingCtx, toSubmit: number, minComplete: number, flags: number): KGen<number> {
  if (ctx.dead) return -EBADF;
  if (!Number.isInteger(toSubmit) || toSubmit < 0 || !Number.isInteger(minComplete) || minComplete < 0) return -EINVAL;
  if (flags & ~(IORING_ENTER_GETEVENTS | IORING_ENTER_SQ_WAKEUP)) return -EINVAL;
  const me = currentTask();
  if (ctx.flags & (IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN) && me !== ctx.submitterTask) return -EEXIST;
  let ret = 0;
  if (ctx.sqpoll) {
    if (flags & IORING_ENTER_SQ_WAKEUP) ctx.sqWakeup.wakeUpAll();
    ret = toSubmit;
  } else if (toSubmit > 0) {
    ret = yield* submitSqes(ctx, toSubmit);
    if (ret !== toSubmit) return ret;
    // io_run_local_work_locked(): nothing to run on an empty list (its llist_empty() test, before __io_run_local_work)
    if (flags & IORING_ENTER_GETEVENTS && ctx.deferTaskrun && !ctx.iopoll && ctx.workList.length > 0) yield* runLocalWork(ctx);
  }
  if (flags & IORING_ENTER_GETEVENTS) {
    const min = Math.min(minComplete, ctx.cq.entries);
    // ctx->syscall_iopoll: only an IOPOLL ring without SQPOLL polls in the syscall; with SQPOLL the SQ thread polls and the caller waits
    const r2 = ctx.iopoll && !ctx.sqpoll ? yield* iopollCheck(ctx, min) : yield* cqringWait(ctx, min);
    if (ret === 0) ret = r2;
  }
  return ret;
}

// io_uring/rsrc.c: io_sqe_files_register()
/** IORING_REGISTER_FILES. */
export function registerFiles(ctx: IoRingCtx, files: readonly (File | null)[]): number {
  if (ctx.fixedFiles !== null) return -EBUSY;
  if (files.length === 0 || files.length > 1 << 20) return -EINVAL;
  ctx.fixedFiles = [...files];
  return 0;
}

// io_uring/rsrc.c: io_sqe_buffers_register()
/** IORING_REGISTER_BUFFERS. */
export function registerBuffers(ctx: IoRingCtx, bufs: readonly Iovec[]): number {
  if (ctx.fixedBufs !== null) return -EBUSY;
  if (bufs.length === 0 || bufs.length > 1 << 14) return -EINVAL;
  for (const b of bufs) if (b.addr < 0 || b.len <= 0 || (b.buf !== null && b.buf.length < b.len)) return -EFAULT;
  ctx.fixedBufs = [...bufs];
  return 0;
}

// io_uring/io_uring.c: io_ring_ctx_wait_and_kill()
/** Close the ring: stop io-wq and the SQPOLL thread. */
export function ioUringRelease(ctx: IoRingCtx): void {
  ctx.dead = true;
  overflowFlush(ctx);
  ctx.iowq?.shutdown();
  ctx.sqWakeup.wakeUpAll();
}
