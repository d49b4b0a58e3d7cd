/**
 * System calls a simulated user task makes on files: each runs as a
 * syscall (entry cost, kernel mode, exit_to_user_mode with task_work).
 * `yield* pwrite(file, iter, pos)` from a task's generator.
 * @module
 */
import { EBADF, EINVAL, EIOCBQUEUED, EOPNOTSUPP, type File, initSyncKiocb, type IovIter, type Issuer, kiocbSetRwFlags } from '@dio/kiocb';
import { type KGen, syscall } from '@dio/sim';
import type { DioFs } from './dio-fs';
import type { FsInode } from './fs-inode';
import { setattrSize } from './space-ops';

const LLONG_MAX = Number.MAX_SAFE_INTEGER;

/** The sync path (pwrite/pread) as a kiocb issuer: a sync kiocb has no ki_complete, so nothing can be handed back. */
export const SYNC_DIO_ISSUER: Issuer = { name: 'psync', setsCallerComp: false };

// fs/read_write.c: vfs_read() / vfs_write() → ->read_iter / ->write_iter with a sync kiocb
function* doRw(write: boolean, file: File, iter: IovIter, pos: number, rwFlags: number): KGen<number> {
  if (!(write ? file.writable : file.readable)) return -EBADF;
  if (!Number.isSafeInteger(pos) || pos < 0) return -EINVAL;
  const kiocb = initSyncKiocb(file, pos);
  const e = kiocbSetRwFlags(kiocb, rwFlags);
  if (e < 0) return e;
  const r = yield* (write ? file.fOp.writeIter(kiocb, iter) : file.fOp.readIter(kiocb, iter));
  if (r === -EIOCBQUEUED) throw new Error('sync kiocb returned -EIOCBQUEUED');
  return r;
}

/** pwrite(2) / pwritev2(2) with RWF_* flags: returns bytes written or a negative errno. */
export function pwrite(file: File, iter: IovIter, pos: number, rwFlags = 0): KGen<number> {
  return syscall(doRw, true, file, iter, pos, rwFlags);
}

/** pread(2) / preadv2(2). */
export function pread(file: File, iter: IovIter, pos: number, rwFlags = 0): KGen<number> {
  return syscall(doRw, false, file, iter, pos, rwFlags);
}

/** fsync(2). */
export function fsync(file: File): KGen<number> {
  return syscall(file.fOp.fsync(file, 0, LLONG_MAX, false));
}

/** fdatasync(2). */
export function fdatasync(file: File): KGen<number> {
  return syscall(file.fOp.fsync(file, 0, LLONG_MAX, true));
}

/** ftruncate(2). */
export function ftruncate(fs: DioFs, file: File, length: number): KGen<number> {
  return syscall(file.writable ? setattrSize(fs, file.fInode as FsInode, length) : errno(-EBADF));
}

/** fallocate(2): through the file's ->fallocate (-EOPNOTSUPP without one). */
export function fallocate(file: File, mode: number, offset: number, len: number): KGen<number> {
  const op = file.fOp.fallocate;
  return syscall(op ? op.call(file.fOp, file, mode, offset, len) : errno(-EOPNOTSUPP));
}

function* errno(e: number): KGen<number> {
  return e;
}
