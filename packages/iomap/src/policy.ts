/**
 * The completion policy: the decisions about *where* an async direct I/O
 * completes, taken at submit time (per extent) and at the last bio's end_io.
 * Three ship — `workqueue` (≤ 6.5 and released 6.6–6.18), `caller`
 * (IOCB_DIO_CALLER_COMP as merged for 6.6-rc1) and `inline` (6.19) — and a
 * user may pass any object implementing this interface.
 * @module
 */
import type { Iomap } from '@dio/fs';
import type { Kiocb } from '@dio/kiocb';
import type { IomapDio } from './dio';

/** What iomap_dio_bio_iter knows about one extent when it decides FUA and completion. */
export interface ExtentInfo {
  readonly iomap: Iomap;
  /** Start of this extent's part of the write, bytes. */
  readonly pos: number;
  readonly length: number;
  /** Zeroing needed (unwritten or new blocks). */
  readonly needZeroout: boolean;
  /** i_size now. */
  readonly iSize: number;
  /** bdev_fua() */
  readonly bdevFua: boolean;
  /** bdev_write_cache() */
  readonly bdevWriteCache: boolean;
}

/** Where the last bio's end_io sends the completion. */
export type CompletionRoute = 'inline' | 'caller' | 'workqueue';

/** A completion policy. Implementations mutate `dio.flags` the way their kernel version does. */
export interface CompletionPolicy {
  /** Short name: 'workqueue', 'caller', 'inline', or a user's own. */
  readonly name: string;
  /**
   * True when a read's completion may be sent to s_dio_done_wq (6.19: error
   * completions always run in user context), so __iomap_dio_rw allocates the
   * queue for every async dio, not only for writes. Default false.
   */
  readonly queuesReads?: boolean;
  /** __iomap_dio_rw before the iteration: initial flags (reads and writes). */
  start(dio: IomapDio, iocb: Kiocb, isWrite: boolean, pos: number, count: number): void;
  /** iomap_dio_bio_iter for a write extent: adjust flags; return whether to use REQ_FUA. */
  writeExtent(dio: IomapDio, ext: ExtentInfo): boolean;
  /** Whether the I/O may still be polled (IOCB_HIPRI kept) after this extent. */
  mayPoll(dio: IomapDio): boolean;
  /** __iomap_dio_rw after submission (after WRITE_THROUGH cleared NEED_SYNC). */
  submitted(dio: IomapDio): void;
  /** iomap_dio_bio_end_io / iomap_dio_done for the last reference of an async dio. */
  route(dio: IomapDio): CompletionRoute;
  /** Whether iomap_dio_complete should skip kiocb_invalidate_post_direct_write (6.19 NO_INVALIDATE). */
  skipInvalidate(dio: IomapDio): boolean;
}
