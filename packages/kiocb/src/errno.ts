/**
 * errno values (include/uapi/asm-generic/errno-base.h, errno.h and the
 * kernel-internal ones from include/linux/errno.h). Kernel functions return
 * them negated, as the kernel does: `-EINVAL`.
 * @module
 */
export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const EIO = 5;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EFAULT = 14;
export const ENOTBLK = 15;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;
export const EFBIG = 27;
export const ENOSPC = 28;
export const ESPIPE = 29;
export const ETIME = 62;
export const EROFS = 30;
export const EOVERFLOW = 75;
export const EOPNOTSUPP = 95;
export const ECANCELED = 125;
/** Kernel-internal: restart the syscall (include/linux/errno.h). */
export const ERESTARTSYS = 512;
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
