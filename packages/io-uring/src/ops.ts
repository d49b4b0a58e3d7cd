/**
 * The non-rw opcodes: NOP, FSYNC, FALLOCATE (io_uring/nop.c, sync.c).
 * @module
 */
import { EAGAIN, EINVAL, EOPNOTSUPP } from '@dio/kiocb';
import type { KGen } from '@dio/sim';
import type { IoKiocb } from './req';
import { IOU_OK } from './rw';
import { IORING_FSYNC_DATASYNC } from './uapi';

// io_uring/sync.c: io_fsync() — always punted: it would block
/** FSYNC: -EAGAIN when issued non-blocking (so it runs in io-wq), else vfs_fsync_range. */
export function* ioFsync(req: IoKiocb, nonblock: boolean): KGen<number> {
  if (nonblock) return -EAGAIN;
  const file = req.file;
  if (file === null) return -EINVAL;
  const { off, len, opFlags } = req.sqe;
  // as the kernel: end = off + len, and 0 (or less) means to the end of the file
  const end = off + len > 0 ? off + len : Number.MAX_SAFE_INTEGER;
  const r = yield* file.fOp.fsync(file, off, end, (opFlags & IORING_FSYNC_DATASYNC) !== 0);
  req.cqe.res = r;
  return IOU_OK;
}

// io_uring/sync.c: io_fallocate()
/** FALLOCATE: mode in opFlags (sqe->len in the kernel's layout is the length here). */
export function* ioFallocate(req: IoKiocb, nonblock: boolean): KGen<number> {
  if (nonblock) return -EAGAIN;
  const file = req.file;
  if (file === null) return -EINVAL;
  const op = file.fOp.fallocate;
  if (op === undefined) return -EOPNOTSUPP;
  req.cqe.res = yield* op.call(file.fOp, file, req.sqe.opFlags, req.sqe.off, req.sqe.len);
  return IOU_OK;
}

/** Prep-time checks of FSYNC (io_fsync_prep): -EINVAL for stray fields or unknown flags. */
export function fsyncPrep(req: IoKiocb): number {
  const s = req.sqe;
  if (s.addr || s.bufIndex) return -EINVAL;
  if (s.opFlags & ~IORING_FSYNC_DATASYNC) return -EINVAL;
  return 0;
}
