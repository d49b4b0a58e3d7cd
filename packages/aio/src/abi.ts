/**
 * include/uapi/linux/aio_abi.h: struct iocb, struct io_event and the
 * IOCB_CMD_* opcodes, as TypeScript objects.
 * @module
 */
export const IOCB_CMD_PREAD = 0;
export const IOCB_CMD_PWRITE = 1;
export const IOCB_CMD_FSYNC = 2;
export const IOCB_CMD_FDSYNC = 3;
export const IOCB_CMD_POLL = 5;
export const IOCB_CMD_NOOP = 6;
export const IOCB_CMD_PREADV = 7;
export const IOCB_CMD_PWRITEV = 8;

/** iocb->aio_flags: IOCB_FLAG_RESFD (eventfd; not emulated, ignored) and IOCB_FLAG_IOPRIO (aio_reqprio is the I/O priority). */
export const IOCB_FLAG_RESFD = 1 << 0;
export const IOCB_FLAG_IOPRIO = 1 << 1;

/** struct iocb (user ABI). */
export interface AioIocb {
  /** aio_data: returned in io_event.data. */
  data: bigint;
  /** aio_key: written by the kernel (KIOCB_KEY, 0) at submission; its value is not checked. */
  key: number;
  /** aio_rw_flags: RWF_*. */
  rwFlags: number;
  lioOpcode: number;
  reqprio: number;
  fildes: number;
  /** The buffer (null = timing only) and its simulated user address. */
  buf: Uint8Array | null;
  addr: number;
  nbytes: number;
  offset: number;
  flags: number;
  /** aio_reserved2: must be 0 (-EINVAL otherwise). */
  reserved2?: number;
}

/** struct io_event. */
export interface IoEvent {
  /** The iocb's aio_data. */
  readonly data: bigint;
  /** Which iocb (its index in this model's submission order). */
  readonly obj: number;
  readonly res: number;
  readonly res2: number;
}

/** io_prep_pwrite() from libaio. */
export function ioPrepPwrite(fd: number, buf: Uint8Array | null, count: number, offset: number, addr = 0): AioIocb {
  return { data: 0n, key: 0, rwFlags: 0, lioOpcode: IOCB_CMD_PWRITE, reqprio: 0, fildes: fd, buf, addr, nbytes: count, offset, flags: 0 };
}

/** io_prep_pread() from libaio. */
export function ioPrepPread(fd: number, buf: Uint8Array | null, count: number, offset: number, addr = 0): AioIocb {
  return { ...ioPrepPwrite(fd, buf, count, offset, addr), lioOpcode: IOCB_CMD_PREAD };
}

/** io_prep_fsync() / io_prep_fdsync() from libaio. */
export function ioPrepFsync(fd: number, datasync = false): AioIocb {
  return { ...ioPrepPwrite(fd, null, 0, 0), lioOpcode: datasync ? IOCB_CMD_FDSYNC : IOCB_CMD_FSYNC };
}
