/**
 * include/uapi/linux/io_uring.h: setup and enter flags, opcodes, SQE and CQE
 * layouts (as TypeScript objects) with kernel values.
 * @module
 */

// ---- io_uring_setup() flags ----
export const IORING_SETUP_IOPOLL = 1 << 0;
export const IORING_SETUP_SQPOLL = 1 << 1;
export const IORING_SETUP_SQ_AFF = 1 << 2;
export const IORING_SETUP_CQSIZE = 1 << 3;
export const IORING_SETUP_CLAMP = 1 << 4;
export const IORING_SETUP_ATTACH_WQ = 1 << 5;
export const IORING_SETUP_R_DISABLED = 1 << 6;
export const IORING_SETUP_SUBMIT_ALL = 1 << 7;
export const IORING_SETUP_COOP_TASKRUN = 1 << 8;
export const IORING_SETUP_TASKRUN_FLAG = 1 << 9;
export const IORING_SETUP_SQE128 = 1 << 10;
export const IORING_SETUP_CQE32 = 1 << 11;
export const IORING_SETUP_SINGLE_ISSUER = 1 << 12;
export const IORING_SETUP_DEFER_TASKRUN = 1 << 13;
/** Setup flags this emulation implements. */
export const IORING_SETUP_SUPPORTED =
  IORING_SETUP_IOPOLL |
  IORING_SETUP_SQPOLL |
  IORING_SETUP_SQ_AFF |
  IORING_SETUP_CQSIZE |
  IORING_SETUP_CLAMP |
  IORING_SETUP_SUBMIT_ALL |
  IORING_SETUP_COOP_TASKRUN |
  IORING_SETUP_TASKRUN_FLAG |
  IORING_SETUP_SINGLE_ISSUER |
  IORING_SETUP_DEFER_TASKRUN;

// ---- io_uring_enter() flags ----
export const IORING_ENTER_GETEVENTS = 1 << 0;
export const IORING_ENTER_SQ_WAKEUP = 1 << 1;
export const IORING_ENTER_SQ_WAIT = 1 << 2;
export const IORING_ENTER_EXT_ARG = 1 << 3;
export const IORING_ENTER_REGISTERED_RING = 1 << 4;

// ---- sq_ring->flags ----
export const IORING_SQ_NEED_WAKEUP = 1 << 0;
export const IORING_SQ_CQ_OVERFLOW = 1 << 1;
export const IORING_SQ_TASKRUN = 1 << 2;

// ---- sqe->flags ----
export const IOSQE_FIXED_FILE = 1 << 0;
export const IOSQE_IO_DRAIN = 1 << 1;
export const IOSQE_IO_LINK = 1 << 2;
export const IOSQE_IO_HARDLINK = 1 << 3;
export const IOSQE_ASYNC = 1 << 4;
export const IOSQE_BUFFER_SELECT = 1 << 5;
export const IOSQE_CQE_SKIP_SUCCESS = 1 << 6;
/** sqe->flags this emulation implements. */
export const IOSQE_SUPPORTED = IOSQE_FIXED_FILE | IOSQE_ASYNC;

// ---- opcodes (enum io_uring_op, 6.6) ----
export const IORING_OP_NOP = 0;
export const IORING_OP_READV = 1;
export const IORING_OP_WRITEV = 2;
export const IORING_OP_FSYNC = 3;
export const IORING_OP_READ_FIXED = 4;
export const IORING_OP_WRITE_FIXED = 5;
export const IORING_OP_FALLOCATE = 17;
export const IORING_OP_READ = 22;
export const IORING_OP_WRITE = 23;
/** IORING_OP_LAST in 6.6: opcodes at or above it are invalid. */
export const IORING_OP_LAST = 53;

// ---- fsync flags ----
export const IORING_FSYNC_DATASYNC = 1 << 0;

// ---- features ----
export const IORING_FEAT_SINGLE_MMAP = 1 << 0;
export const IORING_FEAT_NODROP = 1 << 1;
export const IORING_FEAT_SUBMIT_STABLE = 1 << 2;
export const IORING_FEAT_RW_CUR_POS = 1 << 3;
export const IORING_FEAT_CUR_PERSONALITY = 1 << 4;
export const IORING_FEAT_FAST_POLL = 1 << 5;

// ---- limits ----
export const IORING_MAX_ENTRIES = 32768;
export const IORING_MAX_CQ_ENTRIES = 2 * IORING_MAX_ENTRIES;

/** One iovec: a user buffer. `addr` is its simulated user address (for alignment checks). */
export interface Iovec {
  readonly addr: number;
  readonly buf: Uint8Array | null;
  readonly len: number;
}

/** struct io_uring_sqe (the fields the emulated opcodes use). */
export interface Sqe {
  opcode: number;
  flags: number;
  ioprio: number;
  fd: number;
  /** File offset (-1 = current position). */
  off: number;
  /** Buffer address (READ/WRITE/…_FIXED) — simulated user address. */
  addr: number;
  /** The bytes at `addr` (null for timing-only I/O). For READV/WRITEV: unused, see `iovecs`. */
  buf: Uint8Array | null;
  /** Bytes (READ/WRITE), iovec count (READV/WRITEV), or length (FALLOCATE). */
  len: number;
  /** READV/WRITEV vectors. */
  iovecs: readonly Iovec[] | null;
  /** rw_flags (RWF_*), fsync_flags, or fallocate mode, by opcode. */
  opFlags: number;
  userData: bigint;
  bufIndex: number;
}

/** struct io_uring_cqe. */
export interface Cqe {
  readonly userData: bigint;
  readonly res: number;
  readonly flags: number;
}

/** struct io_uring_params (in and out). */
export interface IoUringParams {
  flags?: number;
  sqThreadCpu?: number;
  /** ms of idle before the SQPOLL thread sleeps (default 1000). */
  sqThreadIdle?: number;
  cqEntries?: number;
  /** Out: sizes the kernel chose. */
  sqEntries?: number;
  features?: number;
}

/** io_uring_get_sqe()'s memset of a reused slot: every field back to emptySqe()'s value, in place. */
export function resetSqe(sqe: Sqe): void {
  sqe.opcode = IORING_OP_NOP;
  sqe.flags = 0;
  sqe.ioprio = 0;
  sqe.fd = -1;
  sqe.off = 0;
  sqe.addr = 0;
  sqe.buf = null;
  sqe.len = 0;
  sqe.iovecs = null;
  sqe.opFlags = 0;
  sqe.userData = 0n;
  sqe.bufIndex = 0;
}

/** The kernel's copy of an SQE it is about to issue (io_init_req's READ_ONCEs): every field, in emptySqe()'s order, so every copy has one shape. */
export function copySqe(s: Readonly<Sqe>): Sqe {
  return { opcode: s.opcode, flags: s.flags, ioprio: s.ioprio, fd: s.fd, off: s.off, addr: s.addr, buf: s.buf, len: s.len, iovecs: s.iovecs, opFlags: s.opFlags, userData: s.userData, bufIndex: s.bufIndex };
}

/** A blank SQE. */
export function emptySqe(): Sqe {
  return { opcode: IORING_OP_NOP, flags: 0, ioprio: 0, fd: -1, off: 0, addr: 0, buf: null, len: 0, iovecs: null, opFlags: 0, userData: 0n, bufIndex: 0 };
}
