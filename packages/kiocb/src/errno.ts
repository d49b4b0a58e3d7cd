/**
 * errno values (include/uapi/asm-generic/errno-base.h, errno.h and the
 * kernel-internal ones from include/linux/errno.h). Kernel functions return
 * them negated, as the kernel does: `-EINVAL`.
 * @module
 */
/** Operation not permitted. */
export const EPERM = 1;
/** No such file or directory. */
export const ENOENT = 2;
/** No such process. */
export const ESRCH = 3;
/** Interrupted system call. */
export const EINTR = 4;
/** I/O error (a bio ended with BLK_STS_IOERR). */
export const EIO = 5;
/** Bad file descriptor. */
export const EBADF = 9;
/** Try again: the I/O would block (IOCB_NOWAIT, BLK_STS_AGAIN). */
export const EAGAIN = 11;
/** Out of memory. */
export const ENOMEM = 12;
/** Bad address. */
export const EFAULT = 14;
/** Block device required; iomap returns it to fall back to buffered I/O. */
export const ENOTBLK = 15;
/** Device or resource busy. */
export const EBUSY = 16;
/** File exists. */
export const EEXIST = 17;
/** Invalid argument. */
export const EINVAL = 22;
/** File too large. */
export const EFBIG = 27;
/** No space left on device. */
export const ENOSPC = 28;
/** Illegal seek. */
export const ESPIPE = 29;
/** Timer expired. */
export const ETIME = 62;
/** Read-only file system. */
export const EROFS = 30;
/** Value too large for defined data type. */
export const EOVERFLOW = 75;
/** Operation not supported (e.g. RWF_NOWAIT on a file without FMODE_NOWAIT). */
export const EOPNOTSUPP = 95;
/** Operation canceled. */
export const ECANCELED = 125;
/** Kernel-internal: restart the syscall (include/linux/errno.h). */
export const ERESTARTSYS = 512;
/** Kernel-internal: operation not supported (include/linux/errno.h). */
export const ENOTSUPP = 524;
/** Kernel-internal: the async I/O was queued and will complete later (include/linux/errno.h). */
export const EIOCBQUEUED = 529;

const NAMES: Readonly<Record<number, string>> = {
  [EPERM]: 'EPERM',
  [ENOENT]: 'ENOENT',
  [ESRCH]: 'ESRCH',
  [EINTR]: 'EINTR',
  [EIO]: 'EIO',
  [EBADF]: 'EBADF',
  [EAGAIN]: 'EAGAIN',
  [ENOMEM]: 'ENOMEM',
  [EFAULT]: 'EFAULT',
  [ENOTBLK]: 'ENOTBLK',
  [EBUSY]: 'EBUSY',
  [EEXIST]: 'EEXIST',
  [EINVAL]: 'EINVAL',
  [EFBIG]: 'EFBIG',
  [ENOSPC]: 'ENOSPC',
  [ESPIPE]: 'ESPIPE',
  [ETIME]: 'ETIME',
  [EROFS]: 'EROFS',
  [EOVERFLOW]: 'EOVERFLOW',
  [EOPNOTSUPP]: 'EOPNOTSUPP',
  [ECANCELED]: 'ECANCELED',
  [ERESTARTSYS]: 'ERESTARTSYS',
  [ENOTSUPP]: 'ENOTSUPP',
  [EIOCBQUEUED]: 'EIOCBQUEUED',
};

/** The symbolic name of an errno (positive or negative): `errnoName(-22)` → "EINVAL". */
export function errnoName(e: number): string {
  return NAMES[Math.abs(e)] ?? `errno ${Math.abs(e)}`;
}
