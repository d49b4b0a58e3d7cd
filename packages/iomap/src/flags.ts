/**
 * IOMAP_DIO_* flags (fs/iomap/direct-io.c private flags, as unsigned bits;
 * include/linux/iomap.h public dio_flags).
 * @module
 */

// ---- private dio->flags, 6.6 (v6 8/8 of the IOCB_DIO_CALLER_COMP series) ----
/** Completion may be handed back to the issuer (IOCB_DIO_CALLER_COMP accepted). 6.6-rc1 … 6.18. */
export const IOMAP_DIO_CALLER_COMP = 1 << 26;
/** Completion may run inline in bio end_io (reads, 6.6). */
export const IOMAP_DIO_INLINE_COMP = 1 << 27;
/** O_DSYNC write tried as FUA (renamed from WRITE_FUA in 6.6). */
export const IOMAP_DIO_WRITE_THROUGH = 1 << 28;
/** generic_write_sync() needed at completion. */
export const IOMAP_DIO_NEED_SYNC = 1 << 29;
export const IOMAP_DIO_WRITE = 1 << 30;
/** Pages were dirtied (user-backed read): bio_check_pages_dirty at release. */
export const IOMAP_DIO_DIRTY = (1 << 31) >>> 0;

// ---- private flags, 6.19 (Hellwig, Nov 2025): inverted polarity ----
/** 6.19: completion needs user context — queue to s_dio_done_wq (same bit as 6.6's INLINE_COMP). */
export const IOMAP_DIO_COMP_WORK = 1 << 27;
/** 6.19: skip post-write page invalidation (completing where it can't sleep). */
export const IOMAP_DIO_NO_INVALIDATE = 1 << 26;

// ---- public dio_flags (include/linux/iomap.h) ----
/** Wait for completion even for an async kiocb. */
export const IOMAP_DIO_FORCE_WAIT = 1 << 0;
/** Only overwrites allowed: -EAGAIN if allocation or unwritten conversion would be needed. */
export const IOMAP_DIO_OVERWRITE_ONLY = 1 << 1;
/** Allow partial completion on fault. */
export const IOMAP_DIO_PARTIAL = 1 << 2;

/** Names of the set private flags, for traces and test messages. */
export function dioFlagNames(flags: number, era: '6.6' | '6.19' = '6.6'): string[] {
  const names: [number, string][] =
    era === '6.6'
      ? [
          [IOMAP_DIO_CALLER_COMP, 'CALLER_COMP'],
          [IOMAP_DIO_INLINE_COMP, 'INLINE_COMP'],
        ]
      : [
          [IOMAP_DIO_NO_INVALIDATE, 'NO_INVALIDATE'],
          [IOMAP_DIO_COMP_WORK, 'COMP_WORK'],
        ];
  names.push([IOMAP_DIO_WRITE_THROUGH, 'WRITE_THROUGH'], [IOMAP_DIO_NEED_SYNC, 'NEED_SYNC'], [IOMAP_DIO_WRITE, 'WRITE'], [IOMAP_DIO_DIRTY, 'DIRTY']);
  return names.filter(([b]) => (flags & b) !== 0).map(([, n]) => n);
}
