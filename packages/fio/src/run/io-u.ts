/**
 * fio's io_u: one I/O unit of a job's queue (what to do, and its times).
 * @module
 */

/** One I/O unit. Times are virtual ns. */
export interface IoU {
  ddir: 'read' | 'write' | 'sync';
  offset: number;
  len: number;
  /** io_u->start_time: prepared. */
  startTime: number;
  /** io_u->issue_time: handed to the kernel. */
  issueTime: number;
  /** Result (bytes or negative errno). */
  res: number;
  /** Index in the I/O buffer pool (for fixedbufs / user_data). */
  readonly index: number;
  /** The data buffer; null for a timing-only job (no verify, no buffer option). */
  readonly buf: Uint8Array | null;
  /** io_u->rand_seed (verify). */
  seed: bigint;
  /** io_u->numberio: the write's number (verify). */
  numberio: number;
  /** IO_U_F_VER_LIST: a read of written blocks, to verify. */
  verifyRead: boolean;
  /** The fd of the I/O's file (io_u->file). */
  fd: number;
  /** Which of the job's files (nrfiles) it is. */
  fileIndex: number;
}
