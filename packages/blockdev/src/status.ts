/**
 * Block layer status codes (`blk_status_t`, include/linux/blk_types.h, 6.6)
 * and their errno mapping (block/blk-core.c `blk_errors[]`).
 * @module
 */

/** Success. */
export const BLK_STS_OK = 0;
/** Operation not supported (-EOPNOTSUPP). */
export const BLK_STS_NOTSUPP = 1;
/** Timed out (-ETIMEDOUT). */
export const BLK_STS_TIMEOUT = 2;
/** No space (-ENOSPC). */
export const BLK_STS_NOSPC = 3;
/** Transport error (-ENOLINK). */
export const BLK_STS_TRANSPORT = 4;
/** Target error (-EREMOTEIO). */
export const BLK_STS_TARGET = 5;
/** Reservation conflict (-EBADE). */
export const BLK_STS_RESV_CONFLICT = 6;
/** Medium error (-ENODATA). */
export const BLK_STS_MEDIUM = 7;
/** Protection information error (-EILSEQ). */
export const BLK_STS_PROTECTION = 8;
/** Out of resources (-ENOMEM). */
export const BLK_STS_RESOURCE = 9;
/** Generic I/O error (-EIO). */
export const BLK_STS_IOERR = 10;
/** Device-mapper requeue (-EREMCHG). */
export const BLK_STS_DM_REQUEUE = 11;
/** Would block: REQ_NOWAIT and no resources (-EAGAIN). */
export const BLK_STS_AGAIN = 12;
/** Device resource busy (-EBUSY). */
export const BLK_STS_DEV_RESOURCE = 13;
/** Zoned: too many open zones (-ETOOMANYREFS). */
export const BLK_STS_ZONE_OPEN_RESOURCE = 14;
/** Zoned: too many active zones (-EOVERFLOW). */
export const BLK_STS_ZONE_ACTIVE_RESOURCE = 15;
/** Device offline (-ENODEV). */
export const BLK_STS_OFFLINE = 16;
/** Command duration limit exceeded (-ETIME). */
export const BLK_STS_DURATION_LIMIT = 17;

/** A `blk_status_t` value. */
export type BlkStatus =
  | typeof BLK_STS_OK
  | typeof BLK_STS_NOTSUPP
  | typeof BLK_STS_TIMEOUT
  | typeof BLK_STS_NOSPC
  | typeof BLK_STS_TRANSPORT
  | typeof BLK_STS_TARGET
  | typeof BLK_STS_RESV_CONFLICT
  | typeof BLK_STS_MEDIUM
  | typeof BLK_STS_PROTECTION
  | typeof BLK_STS_RESOURCE
  | typeof BLK_STS_IOERR
  | typeof BLK_STS_DM_REQUEUE
  | typeof BLK_STS_AGAIN
  | typeof BLK_STS_DEV_RESOURCE
  | typeof BLK_STS_ZONE_OPEN_RESOURCE
  | typeof BLK_STS_ZONE_ACTIVE_RESOURCE
  | typeof BLK_STS_OFFLINE
  | typeof BLK_STS_DURATION_LIMIT;

/** Linux x86-64 errno numbers the block layer returns (positive; results carry them negated). */
export const ERRNO = {
  EIO: 5,
  EAGAIN: 11,
  ENOMEM: 12,
  EBUSY: 16,
  ENODEV: 19,
  ENOSPC: 28,
  EBADE: 52,
  ENODATA: 61,
  ETIME: 62,
  ENOLINK: 67,
  EOVERFLOW: 75,
  EREMCHG: 78,
  EILSEQ: 84,
  EOPNOTSUPP: 95,
  ETOOMANYREFS: 109,
  ETIMEDOUT: 110,
  EREMOTEIO: 121,
} as const;

const TO_ERRNO: readonly number[] = [
  0,
  -ERRNO.EOPNOTSUPP,
  -ERRNO.ETIMEDOUT,
  -ERRNO.ENOSPC,
  -ERRNO.ENOLINK,
  -ERRNO.EREMOTEIO,
  -ERRNO.EBADE,
  -ERRNO.ENODATA,
  -ERRNO.EILSEQ,
  -ERRNO.ENOMEM,
  -ERRNO.EIO,
  -ERRNO.EREMCHG,
  -ERRNO.EAGAIN,
  -ERRNO.EBUSY,
  -ERRNO.ETOOMANYREFS,
  -ERRNO.EOVERFLOW,
  -ERRNO.ENODEV,
  -ERRNO.ETIME,
];

const NAMES: readonly string[] = [
  'BLK_STS_OK',
  'BLK_STS_NOTSUPP',
  'BLK_STS_TIMEOUT',
  'BLK_STS_NOSPC',
  'BLK_STS_TRANSPORT',
  'BLK_STS_TARGET',
  'BLK_STS_RESV_CONFLICT',
  'BLK_STS_MEDIUM',
  'BLK_STS_PROTECTION',
  'BLK_STS_RESOURCE',
  'BLK_STS_IOERR',
  'BLK_STS_DM_REQUEUE',
  'BLK_STS_AGAIN',
  'BLK_STS_DEV_RESOURCE',
  'BLK_STS_ZONE_OPEN_RESOURCE',
  'BLK_STS_ZONE_ACTIVE_RESOURCE',
  'BLK_STS_OFFLINE',
  'BLK_STS_DURATION_LIMIT',
];

// block/blk-core.c: blk_status_to_errno()
/** The negative errno a status becomes (`BLK_STS_IOERR` → -EIO); unknown values give -EIO. */
export function blkStatusToErrno(s: BlkStatus): number {
  return TO_ERRNO[s] ?? -ERRNO.EIO;
}

// block/blk-core.c: errno_to_blk_status()
/** The status for a (negative or positive) errno; unknown ones give BLK_STS_IOERR. */
export function errnoToBlkStatus(errno: number): BlkStatus {
  const e = -Math.abs(errno);
  const i = TO_ERRNO.indexOf(e);
  return (i >= 0 ? i : BLK_STS_IOERR) as BlkStatus;
}

/** The constant's name, for messages and traces (`'BLK_STS_IOERR'`). */
export function blkStatusName(s: BlkStatus): string {
  return NAMES[s] ?? `BLK_STS_${s as number}`;
}
