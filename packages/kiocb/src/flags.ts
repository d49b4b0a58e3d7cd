/**
 * Flag values with kernel spelling and kernel values (include/linux/fs.h and
 * include/uapi/linux/fs.h, fcntl.h, as of 6.6).
 * @module
 */

// ---- IOCB_* (include/linux/fs.h, 6.6) ----
/** Polled I/O (= RWF_HIPRI). */
export const IOCB_HIPRI = 1 << 0;
/** Data sync on completion (= RWF_DSYNC). */
export const IOCB_DSYNC = 1 << 1;
/** Full sync on completion (= RWF_SYNC). */
export const IOCB_SYNC = 1 << 2;
/** Don't block (= RWF_NOWAIT). */
export const IOCB_NOWAIT = 1 << 3;
/** Append (= RWF_APPEND). */
export const IOCB_APPEND = 1 << 4;
/** Signal an eventfd on completion (aio IOCB_FLAG_RESFD). */
export const IOCB_EVENTFD = 1 << 16;
/** O_DIRECT I/O: bypass the page cache. */
export const IOCB_DIRECT = 1 << 17;
/** The kiocb is a write (set by the issuer before ->write_iter). */
export const IOCB_WRITE = 1 << 18;
/** iocb->ki_waitq is valid. */
export const IOCB_WAITQ = 1 << 19;
/** Do not start new I/O to satisfy the request (RWF_NOWAIT sets it with IOCB_NOWAIT). */
export const IOCB_NOIO = 1 << 20;
/** Can use bio alloc cache. */
export const IOCB_ALLOC_CACHE = 1 << 21;
/**
 * IOCB_DIO_CALLER_COMP (6.6-rc1 … 6.18; removed for 6.19).
 *
 * The contract, in our words: the owner of the kiocb sets this flag to say "if
 * your completion needs process context, you may hand it back to me instead of
 * punting it to a workqueue". When the filesystem accepts, the bio completion
 * stores a callback in `dioComplete` and its argument in `private`, then calls
 * `kiComplete(iocb, 0)` — the 0 means nothing; the real result is whatever
 * `dioComplete(private)` returns. The owner must call `dioComplete(private)`
 * soon, from task context. That callback may sleep (take locks, update
 * metadata) but must not wait for other, unrelated I/O such as a cache flush or
 * a fresh write. `dioComplete` means something only when the owner set this
 * flag. The catch that got the flag disabled (838b35bb6a89): the completion
 * still holds `i_dio_count`, so an owner that blocks in `inode_dio_wait()`
 * before running it waits on itself.
 */
export const IOCB_DIO_CALLER_COMP = 1 << 22;
/** kiocb is a read or write from aio (added in 2024, backported to 6.6.y). */
export const IOCB_AIO_RW = 1 << 23;

// ---- RWF_* (include/uapi/linux/fs.h) ----
/** RWF_HIPRI: polled I/O (becomes IOCB_HIPRI). */
export const RWF_HIPRI = 0x00000001;
/** RWF_DSYNC: per-I/O O_DSYNC (becomes IOCB_DSYNC). */
export const RWF_DSYNC = 0x00000002;
/** RWF_SYNC: per-I/O O_SYNC (becomes IOCB_SYNC | IOCB_DSYNC). */
export const RWF_SYNC = 0x00000004;
/** RWF_NOWAIT: fail with -EAGAIN instead of blocking (needs FMODE_NOWAIT; becomes IOCB_NOWAIT | IOCB_NOIO). */
export const RWF_NOWAIT = 0x00000008;
/** RWF_APPEND: per-I/O O_APPEND (becomes IOCB_APPEND). */
export const RWF_APPEND = 0x00000010;
/** Every RWF_* bit kiocb_set_rw_flags() accepts; others give -EOPNOTSUPP. */
export const RWF_SUPPORTED = RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND;

// ---- open flags (include/uapi/asm-generic/fcntl.h, octal) ----
/** Open for reading only. */
export const O_RDONLY = 0o0;
/** Open for writing only. */
export const O_WRONLY = 0o1;
/** Open for reading and writing. */
export const O_RDWR = 0o2;
/** Mask of the access mode bits. */
export const O_ACCMODE = 0o3;
/** Create the file if it does not exist. */
export const O_CREAT = 0o100;
/** Truncate the file to 0 on open. */
export const O_TRUNC = 0o1000;
/** Every write appends (IOCB_APPEND). */
export const O_APPEND = 0o2000;
/** Non-blocking open. */
export const O_NONBLOCK = 0o4000;
/** Writes are data-synchronous (IOCB_DSYNC). */
export const O_DSYNC = 0o10000;
/** Direct I/O: bypass the page cache (IOCB_DIRECT). */
export const O_DIRECT = 0o40000;
/** The bit O_SYNC adds to O_DSYNC (IOCB_SYNC). */
export const __O_SYNC = 0o4000000;
/** Writes are fully synchronous, data and metadata (IOCB_DSYNC | IOCB_SYNC). */
export const O_SYNC = __O_SYNC | O_DSYNC;

// ---- fmode_t (include/linux/fs.h) ----
/** File is open for reading. */
export const FMODE_READ = 1 << 0;
/** File is open for writing. */
export const FMODE_WRITE = 1 << 1;
/** File supports non-blocking (RWF_NOWAIT / IOCB_NOWAIT) I/O. */
export const FMODE_NOWAIT = 1 << 27;
/** File supports async buffered writes. */
export const FMODE_BUF_WASYNC = 1 << 30;

// ---- inode i_flags ----
/** Writes are synced at once (IS_SYNC). */
export const S_SYNC = 1 << 0;
