/**
 * Bio operations and flags (include/linux/blk_types.h, Linux 6.6), with the
 * kernel's numeric values: the low 8 bits of `biOpf` hold the `REQ_OP_*`
 * operation, the bits above it the `REQ_*` flags.
 * @module
 */

/** Bits of `biOpf` used by the operation (`REQ_OP_BITS`). */
export const REQ_OP_BITS = 8;
/** Mask of the operation in `biOpf` (`REQ_OP_MASK`). */
export const REQ_OP_MASK = (1 << REQ_OP_BITS) - 1;

/** Read sectors from the device. */
export const REQ_OP_READ = 0;
/** Write sectors to the device. */
export const REQ_OP_WRITE = 1;
/** Flush the volatile write cache (request-level; bios usually send REQ_OP_WRITE | REQ_PREFLUSH). */
export const REQ_OP_FLUSH = 2;
/** Discard sectors. */
export const REQ_OP_DISCARD = 3;
/** Securely erase sectors. */
export const REQ_OP_SECURE_ERASE = 5;
/** Write zeroes to sectors. */
export const REQ_OP_WRITE_ZEROES = 9;

/** No driver retries of device errors. */
export const REQ_FAILFAST_DEV = 1 << 8;
/** No driver retries of transport errors. */
export const REQ_FAILFAST_TRANSPORT = 1 << 9;
/** No driver retries of driver errors. */
export const REQ_FAILFAST_DRIVER = 1 << 10;
/** Synchronous I/O (a waiter is waiting for it). */
export const REQ_SYNC = 1 << 11;
/** Filesystem metadata I/O. */
export const REQ_META = 1 << 12;
/** Boost priority. */
export const REQ_PRIO = 1 << 13;
/** Do not merge with other requests. */
export const REQ_NOMERGE = 1 << 14;
/** More I/O is expected right after this one. */
export const REQ_IDLE = 1 << 15;
/** The I/O carries an integrity payload. */
export const REQ_INTEGRITY = 1 << 16;
/** Forced unit access: durable when it completes. */
export const REQ_FUA = 1 << 17;
/** Flush the write cache before this request. */
export const REQ_PREFLUSH = 1 << 18;
/** Read ahead; may fail at any time. */
export const REQ_RAHEAD = 1 << 19;
/** Background I/O. */
export const REQ_BACKGROUND = 1 << 20;
/** Do not wait if the request would block (no tag: complete with BLK_STS_AGAIN). */
export const REQ_NOWAIT = 1 << 21;
/** The caller polls for completion with `bioPoll` (was REQ_HIPRI before 5.16). */
export const REQ_POLLED = 1 << 22;
/** Allocate the bio from the per-cpu cache. */
export const REQ_ALLOC_CACHE = 1 << 23;
/** Swap I/O. */
export const REQ_SWAP = 1 << 24;
/** For driver use. */
export const REQ_DRV = 1 << 25;
/** For filesystem (submitter) use. */
export const REQ_FS_PRIVATE = 1 << 26;
/** REQ_OP_WRITE_ZEROES: do not unmap the blocks. */
export const REQ_NOUNMAP = 1 << 27;

/** include/linux/blk_types.h: bio_op() — the REQ_OP_* part of `opf`. */
export function bioOp(opf: number): number {
  return opf & REQ_OP_MASK;
}

/** include/linux/blk_types.h: op_is_write() — odd operations move data to the device. */
export function opIsWrite(opf: number): boolean {
  return (opf & 1) === 1;
}

/** include/linux/blk_types.h: op_is_flush() — carries FUA or PREFLUSH. */
export function opIsFlush(opf: number): boolean {
  return (opf & (REQ_FUA | REQ_PREFLUSH)) !== 0;
}

/** include/linux/blk_types.h: op_is_sync() — reads, and writes marked SYNC/FUA/PREFLUSH. */
export function opIsSync(opf: number): boolean {
  return bioOp(opf) === REQ_OP_READ || (opf & (REQ_SYNC | REQ_FUA | REQ_PREFLUSH)) !== 0;
}

// kernel/trace/blktrace.c: blk_fill_rwbs()
/** The `rwbs` string blktrace and the block tracepoints print ("W", "WS", "FWFS", "R"…). */
export function blkFillRwbs(opf: number): string {
  let s = '';
  if ((opf & REQ_PREFLUSH) !== 0) s += 'F';
  switch (bioOp(opf)) {
    case REQ_OP_WRITE:
    case REQ_OP_WRITE_ZEROES:
      s += 'W';
      break;
    case REQ_OP_DISCARD:
      s += 'D';
      break;
    case REQ_OP_SECURE_ERASE:
      s += 'DE';
      break;
    case REQ_OP_FLUSH:
      s += 'F';
      break;
    case REQ_OP_READ:
      s += 'R';
      break;
    default:
      s += 'N';
  }
  if ((opf & REQ_FUA) !== 0) s += 'F';
  if ((opf & REQ_RAHEAD) !== 0) s += 'A';
  if ((opf & REQ_SYNC) !== 0) s += 'S';
  if ((opf & REQ_META) !== 0) s += 'M';
  return s;
}
