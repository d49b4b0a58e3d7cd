/**
 * struct kiocb: the contract between an issuer (io_uring, aio, the sync
 * path) and the filesystem's direct I/O code.
 * @module
 */
import type { KGen, Task } from '@dio/sim';
import { EOPNOTSUPP } from './errno';
import type { File } from './file';
import {
  IOCB_APPEND,
  IOCB_DIRECT,
  IOCB_DSYNC,
  IOCB_HIPRI,
  IOCB_NOIO,
  IOCB_NOWAIT,
  IOCB_SYNC,
  O_APPEND,
  O_DIRECT,
  O_DSYNC,
  RWF_APPEND,
  RWF_DSYNC,
  RWF_HIPRI,
  RWF_NOWAIT,
  RWF_SUPPORTED,
  RWF_SYNC,
  __O_SYNC,
} from './flags';

/**
 * ki_complete: called by the filesystem when an async kiocb finishes, in
 * whatever context the completion runs (hardirq, softirq, kworker, task): a
 * plain call that must not sleep.
 */
export type KiCompleteFn = (iocb: Kiocb, res: number) => void;

/**
 * dio_complete: with IOCB_DIO_CALLER_COMP, the completion handed back to the
 * issuer. Runs in the issuer's task context; returns the I/O's result.
 */
export type DioCompleteFn = (priv: unknown) => KGen<number>;

/** struct kiocb. */
export class Kiocb {
  /** ki_pos: file offset of the I/O; iomap_dio_complete() advances it by the bytes done. */
  kiPos: number;
  /** ki_flags: IOCB_* bits. */
  kiFlags: number;
  /** ki_complete: null for a synchronous kiocb (is_sync_kiocb). */
  kiComplete: KiCompleteFn | null;
  /** iocb->private: the filesystem's per-I/O state while in flight. */
  private: unknown = null;
  /** dio_complete: set by the filesystem only when the issuer set IOCB_DIO_CALLER_COMP. */
  dioComplete: DioCompleteFn | null = null;
  /** ki_ioprio: I/O priority class and level (IOPRIO_PRIO_VALUE); 0 = none. */
  kiIoprio = 0;
  /** The issuer's own data for this I/O (e.g. the io_kiocb / aio_kiocb). */
  owner: unknown = null;
  /**
   * The task that will run a completion handed back with IOCB_DIO_CALLER_COMP
   * (io_uring: req->task). Null means the task that submitted the I/O.
   */
  kiTask: Task | null = null;

  /**
   * @param kiFilp ki_filp: the open file the I/O is on
   * @param pos initial ki_pos
   * @param kiComplete ki_complete, or null for a synchronous kiocb
   * @param flags ki_flags; defaults to iocb_flags(file)
   */
  constructor(
    /** ki_filp: the open file the I/O is on. */
    readonly kiFilp: File,
    pos: number,
    kiComplete: KiCompleteFn | null,
    flags?: number,
  ) {
    this.kiPos = pos;
    this.kiComplete = kiComplete;
    this.kiFlags = flags ?? iocbFlags(kiFilp);
  }
}

// include/linux/fs.h: iocb_flags()
/** The IOCB_* flags implied by the file's open flags. */
export function iocbFlags(file: File): number {
  let res = 0;
  if (file.fFlags & O_APPEND) res |= IOCB_APPEND;
  if (file.fFlags & O_DIRECT) res |= IOCB_DIRECT;
  if (file.fFlags & O_DSYNC || file.fInode.isSync) res |= IOCB_DSYNC;
  if (file.fFlags & __O_SYNC) res |= IOCB_SYNC;
  return res;
}

// include/linux/fs.h: init_sync_kiocb()
/** A synchronous kiocb for read/write/pread/pwrite. */
export function initSyncKiocb(file: File, pos: number): Kiocb {
  return new Kiocb(file, pos, null);
}

// include/linux/fs.h: is_sync_kiocb()
/** True when the kiocb has no ki_complete: the caller waits for the I/O. */
export function isSyncKiocb(iocb: Kiocb): boolean {
  return iocb.kiComplete === null;
}

// include/linux/fs.h: iocb_is_dsync()
/** Data must be durable before the write returns: IOCB_DSYNC or an S_SYNC inode. */
export function iocbIsDsync(iocb: Kiocb): boolean {
  return (iocb.kiFlags & IOCB_DSYNC) !== 0 || iocb.kiFilp.fInode.isSync;
}

// include/linux/fs.h: kiocb_set_rw_flags()
/**
 * Apply per-I/O RWF_* flags (preadv2/pwritev2, io_uring rw_flags). Returns 0
 * or a negative errno: -EOPNOTSUPP for unknown flags or RWF_NOWAIT on a file
 * without FMODE_NOWAIT.
 */
export function kiocbSetRwFlags(ki: Kiocb, flags: number): number {
  if (flags === 0) return 0;
  if (flags & ~RWF_SUPPORTED) return -EOPNOTSUPP;
  let kiFlags = 0;
  if (flags & RWF_NOWAIT) {
    if (!ki.kiFilp.supportsNowait) return -EOPNOTSUPP;
    kiFlags |= IOCB_NOIO;
  }
  if (flags & RWF_HIPRI) kiFlags |= IOCB_HIPRI;
  if (flags & RWF_DSYNC) kiFlags |= IOCB_DSYNC;
  if (flags & RWF_SYNC) kiFlags |= IOCB_DSYNC | IOCB_SYNC;
  if (flags & RWF_NOWAIT) kiFlags |= IOCB_NOWAIT;
  if (flags & RWF_APPEND) kiFlags |= IOCB_APPEND;
  ki.kiFlags |= kiFlags;
  return 0;
}

// fs/iomap/direct-io.c: iomap_dio_bio_iter() — `(pos | length) & (bdev_logical_block_size - 1)` and bdev_iter_is_aligned()
/** O_DIRECT alignment check: offset and buffer alignment (address | length) must be multiples of the block size. */
export function dioMisaligned(pos: number, alignment: number, blockSize: number): boolean {
  return ((pos | alignment) & (blockSize - 1)) !== 0;
}

