/**
 * struct iov_iter (include/linux/uio.h): the data side of a read or write.
 * dio keeps it to what iomap and the issuers look at: where the bytes are, how
 * many are left, whether they are user memory, and their alignment.
 * @module
 */

/** ITER_UBUF / ITER_IOVEC are user-backed; ITER_KVEC / ITER_BVEC are kernel memory. */
export type IterType = 'ITER_UBUF' | 'ITER_IOVEC' | 'ITER_KVEC' | 'ITER_BVEC';

/** An iterator over a byte buffer. */
export class IovIter {
  /** Bytes already consumed. */
  offset = 0;

  /**
   * @param type iterator type
   * @param buf the bytes (writes) or destination (reads); `null` for a data-less
   *   benchmark that only needs the length
   * @param count bytes to transfer
   * @param addr the buffer's simulated user address (for O_DIRECT alignment checks)
   */
  constructor(
    readonly type: IterType,
    readonly buf: Uint8Array | null,
    public count: number,
    readonly addr = 0,
  ) {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`iov_iter count must be a non-negative integer, got ${count}`);
    if (buf !== null && buf.length < count) throw new RangeError(`iov_iter buffer (${buf.length}) shorter than count (${count})`);
  }

  /** A user buffer (ITER_UBUF), what pwrite/io_uring WRITE pass. */
  static ubuf(buf: Uint8Array | null, count: number, addr = 0): IovIter {
    return new IovIter('ITER_UBUF', buf, count, addr);
  }

  /** A kernel buffer (ITER_KVEC). */
  static kvec(buf: Uint8Array | null, count: number): IovIter {
    return new IovIter('ITER_KVEC', buf, count, 0);
  }

  // include/linux/uio.h: iov_iter_count()
  /** iov_iter_count(): bytes left. */
  get remaining(): number {
    return this.count - this.offset;
  }

  // lib/iov_iter.c: iov_iter_advance()
  /** iov_iter_advance(): consume `n` bytes (clamped to what is left). */
  advance(n: number): void {
    this.offset = Math.min(this.count, this.offset + n);
  }

  // lib/iov_iter.c: iov_iter_revert()
  /** iov_iter_revert(): give back `n` consumed bytes (after a short or failed I/O). */
  revert(n: number): void {
    this.offset = Math.max(0, this.offset - n);
  }

  /** The next `n` bytes as a view (or null for data-less iterators). */
  slice(n: number): Uint8Array | null {
    if (this.buf === null) return null;
    return this.buf.subarray(this.offset, this.offset + n);
  }

  // lib/iov_iter.c: iov_iter_alignment()
  /** iov_iter_alignment(): OR of address and length, to test against a block-size mask. */
  alignment(): number {
    return (this.addr + this.offset) | this.remaining;
  }
}

// include/linux/uio.h: user_backed_iter()
/** user_backed_iter(): true for ITER_UBUF and ITER_IOVEC. */
export function userBackedIter(i: IovIter): boolean {
  return i.type === 'ITER_UBUF' || i.type === 'ITER_IOVEC';
}

/** iov_iter_rw() equivalent is carried by the kiocb (IOCB_WRITE); this is the data direction helper. */
export type Direction = 'READ' | 'WRITE';
