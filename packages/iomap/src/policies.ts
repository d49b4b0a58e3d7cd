/**
 * The three shipped completion policies, each mirroring its kernel's
 * fs/iomap/direct-io.c.
 * @module
 */
import { IOMAP_F_DIRTY, IOMAP_F_NEW, IOMAP_F_SHARED, IOMAP_MAPPED } from '@dio/fs';
import { IOCB_DIO_CALLER_COMP, IOCB_SYNC, iocbIsDsync, type Kiocb } from '@dio/kiocb';
import type { IomapDio } from './dio';
import {
  IOMAP_DIO_CALLER_COMP,
  IOMAP_DIO_COMP_WORK,
  IOMAP_DIO_INLINE_COMP,
  IOMAP_DIO_NEED_SYNC,
  IOMAP_DIO_NO_INVALIDATE,
  IOMAP_DIO_WRITE,
  IOMAP_DIO_WRITE_THROUGH,
} from './flags';
import type { CompletionPolicy, CompletionRoute, ExtentInfo } from './policy';

/** Shared by ≤6.18: O_DSYNC writes try write-through (FUA); reads complete inline. */
function startDsync(dio: IomapDio, iocb: Kiocb, isWrite: boolean): void {
  if (!isWrite) {
    dio.flags |= IOMAP_DIO_INLINE_COMP; // reads can always complete inline
    return;
  }
  if (iocbIsDsync(iocb)) {
    dio.flags |= IOMAP_DIO_NEED_SYNC;
    if (!(iocb.kiFlags & IOCB_SYNC)) dio.flags |= IOMAP_DIO_WRITE_THROUGH;
  }
}

/** 6.6 FUA rule (v6 3/8 "treat a write through cache the same as FUA"); 6.5 without the no-cache case. */
function fua66(dio: IomapDio, e: ExtentInfo, writeThroughCache: boolean): boolean {
  if (e.iomap.flags & IOMAP_F_NEW || e.iomap.type !== IOMAP_MAPPED) return false;
  return (
    !(e.iomap.flags & (IOMAP_F_SHARED | IOMAP_F_DIRTY)) &&
    (dio.flags & IOMAP_DIO_WRITE_THROUGH) !== 0 &&
    (e.bdevFua || (writeThroughCache && !e.bdevWriteCache))
  );
}

/**
 * `workqueue`: every async write completion is queued to s_dio_done_wq;
 * reads complete inline. Linux ≤ 6.5, and every released kernel 6.6–6.18
 * (where the CALLER_COMP code exists but io_uring no longer sets the flag).
 */
export class WorkqueuePolicy implements CompletionPolicy {
  readonly name: string = 'workqueue';
  /**
   * @param writeThroughCache true for the 6.6–6.18 code (no volatile cache
   * counts as FUA — v6 3/8 — and HIPRI needs INLINE_COMP or CALLER_COMP);
   * false for 6.5 (FUA only with bdev_fua, polled writes allowed).
   */
  constructor(readonly writeThroughCache = true) {}
  start(dio: IomapDio, iocb: Kiocb, isWrite: boolean): void {
    startDsync(dio, iocb, isWrite);
  }
  writeExtent(dio: IomapDio, e: ExtentInfo): boolean {
    return fua66(dio, e, this.writeThroughCache);
  }
  // 6.6 (v6 of the series): "if (!(dio->flags & (IOMAP_DIO_INLINE_COMP|IOMAP_DIO_CALLER_COMP))) clear IOCB_HIPRI";
  // with no issuer setting CALLER_COMP, async writes are never polled from 6.6 on. 6.5 had no such rule.
  mayPoll(dio: IomapDio): boolean {
    return !this.writeThroughCache || (dio.flags & (IOMAP_DIO_INLINE_COMP | IOMAP_DIO_CALLER_COMP)) !== 0;
  }
  submitted(): void {}
  route(dio: IomapDio): CompletionRoute {
    return dio.flags & IOMAP_DIO_INLINE_COMP ? 'inline' : 'workqueue';
  }
  skipInvalidate(): boolean {
    return false;
  }
}

/**
 * `caller`: IOCB_DIO_CALLER_COMP as merged for 6.6-rc1 (8c052fb3002e). A write
 * whose issuer set the flag completes in the issuer's task context, unless
 * Dave Chinner's rule forbids it: zeroing (unwritten or new blocks), O_DSYNC
 * without FUA, or a write starting at or past EOF. HIPRI is dropped when
 * neither inline nor caller completion is possible.
 */
export class CallerPolicy implements CompletionPolicy {
  readonly name: string = 'caller';
  start(dio: IomapDio, iocb: Kiocb, isWrite: boolean): void {
    if (isWrite && iocb.kiFlags & IOCB_DIO_CALLER_COMP) dio.flags |= IOMAP_DIO_CALLER_COMP;
    startDsync(dio, iocb, isWrite);
  }
  writeExtent(dio: IomapDio, e: ExtentInfo): boolean {
    const useFua = fua66(dio, e, true);
    if (!useFua && e.iomap.type === IOMAP_MAPPED && !(e.iomap.flags & IOMAP_F_NEW) && dio.flags & IOMAP_DIO_NEED_SYNC) {
      dio.flags &= ~IOMAP_DIO_CALLER_COMP;
    }
    // "We can only do deferred completion for pure overwrites that don't require additional IO at completion."
    if (e.needZeroout || (dio.flags & IOMAP_DIO_NEED_SYNC && !useFua) || (dio.flags & IOMAP_DIO_WRITE && e.pos >= e.iSize)) {
      dio.flags &= ~IOMAP_DIO_CALLER_COMP;
    }
    return useFua;
  }
  mayPoll(dio: IomapDio): boolean {
    return (dio.flags & (IOMAP_DIO_INLINE_COMP | IOMAP_DIO_CALLER_COMP)) !== 0;
  }
  submitted(): void {}
  route(dio: IomapDio): CompletionRoute {
    if (dio.flags & IOMAP_DIO_INLINE_COMP) return 'inline';
    if (dio.flags & IOMAP_DIO_CALLER_COMP) return 'caller';
    return 'workqueue';
  }
  skipInvalidate(): boolean {
    return false;
  }
}

/**
 * `inline`: Linux 6.19 (Hellwig, "enable iomap dio write completions from
 * interrupt context"). Completion runs in bio end_io by default for reads and
 * writes; IOMAP_DIO_COMP_WORK sends it to the workqueue for: an error; an
 * extent that is not MAPPED, or is F_SHARED or F_NEW; `pos+len > i_size` at
 * submit; NEED_SYNC left after submission; or page-cache pages at completion.
 */
export class InlinePolicy implements CompletionPolicy {
  readonly name: string = 'inline';
  readonly queuesReads = true;
  start(dio: IomapDio, iocb: Kiocb, isWrite: boolean, pos: number, count: number): void {
    if (!isWrite) return;
    if (iocbIsDsync(iocb)) {
      dio.flags |= IOMAP_DIO_NEED_SYNC;
      if (!(iocb.kiFlags & IOCB_SYNC)) dio.flags |= IOMAP_DIO_WRITE_THROUGH;
    }
    if (pos + count > dio.iSize) dio.flags |= IOMAP_DIO_COMP_WORK; // size update needs user context
  }
  // 6.19 iomap_dio_bio_iter(): need_completion_work is per extent (845c50436431, a4ae47e5d2bc)
  writeExtent(dio: IomapDio, e: ExtentInfo): boolean {
    // Directly mapped I/O needs no completion work; unwritten conversion, COW remap and new blocks do.
    const needCompletionWork = e.iomap.type !== IOMAP_MAPPED || (e.iomap.flags & (IOMAP_F_SHARED | IOMAP_F_NEW)) !== 0;
    // REQ_FUA for O_DSYNC pure overwrites with no metadata to log; otherwise a flush is needed at completion.
    let useFua = false;
    if (dio.flags & IOMAP_DIO_WRITE_THROUGH) {
      if (!needCompletionWork && !(e.iomap.flags & IOMAP_F_DIRTY) && (!e.bdevWriteCache || e.bdevFua)) useFua = true;
      else dio.flags &= ~IOMAP_DIO_WRITE_THROUGH;
    }
    if (needCompletionWork) dio.flags |= IOMAP_DIO_COMP_WORK;
    return useFua;
  }
  mayPoll(dio: IomapDio): boolean {
    return !(dio.flags & IOMAP_DIO_COMP_WORK);
  }
  submitted(dio: IomapDio): void {
    if (dio.flags & IOMAP_DIO_NEED_SYNC) dio.flags |= IOMAP_DIO_COMP_WORK;
  }
  route(dio: IomapDio): CompletionRoute {
    // iomap_dio_done(): errors always in user context
    if (dio.error) dio.flags |= IOMAP_DIO_COMP_WORK;
    if (dio.flags & IOMAP_DIO_WRITE && !(dio.flags & IOMAP_DIO_COMP_WORK)) {
      if (dio.iocb.kiFilp.fMapping.nrpages) dio.flags |= IOMAP_DIO_COMP_WORK;
      else dio.flags |= IOMAP_DIO_NO_INVALIDATE;
    }
    return dio.flags & IOMAP_DIO_COMP_WORK ? 'workqueue' : 'inline';
  }
  skipInvalidate(dio: IomapDio): boolean {
    return (dio.flags & IOMAP_DIO_NO_INVALIDATE) !== 0;
  }
}

/** The policies by name. */
export const POLICIES = {
  workqueue: (): CompletionPolicy => new WorkqueuePolicy(true),
  caller: (): CompletionPolicy => new CallerPolicy(),
  inline: (): CompletionPolicy => new InlinePolicy(),
} as const;

/** A shipped policy's name. */
export type PolicyName = keyof typeof POLICIES;
