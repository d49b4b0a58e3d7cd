/**
 * struct inode and struct address_space, reduced to what direct I/O needs:
 * i_size, i_rwsem, i_dio_count with inode_dio_begin/end/wait, and the page
 * cache's page count.
 * @module
 */
import { type Blocker, type KGen, RwSem, WaitQueue, waitEvent } from '@dio/sim';
import { type DioRef, DioRefList } from './dio-refs';
import { S_SYNC } from './flags';

/** Page size used for the page cache (PAGE_SIZE). */
export const PAGE_SIZE = 4096;

/**
 * struct address_space: which pages of the file are in the page cache.
 * Direct I/O cares only whether there are any (nrpages) and invalidates the
 * ones its range covers.
 */
export class AddressSpace {
  /** Indices of cached pages (buffered I/O or mmap put them there). */
  readonly pages = new Set<number>();

  /** mapping->nrpages. */
  get nrpages(): number {
    return this.pages.size;
  }

  /** Cache the pages covering `[pos, pos+len)` (what a buffered read would do). */
  cacheRange(pos: number, len: number): void {
    for (let i = Math.floor(pos / PAGE_SIZE); i * PAGE_SIZE < pos + len; i++) this.pages.add(i);
  }

  // mm/truncate.c: invalidate_inode_pages2_range()
  /** invalidate_inode_pages2_range() by byte range: drop cached pages overlapping it; returns how many. */
  invalidateRange(pos: number, len: number): number {
    let n = 0;
    for (let i = Math.floor(pos / PAGE_SIZE); i * PAGE_SIZE < pos + len; i++) if (this.pages.delete(i)) n++;
    return n;
  }
}

/** struct inode. */
export class Inode {
  /** i_size in bytes. */
  iSize = 0;
  /** i_flags (S_SYNC, …). */
  iFlags = 0;
  /** i_rwsem, taken shared by DIO writers that don't extend, exclusive by truncate and fallocate. */
  readonly iRwsem: RwSem;
  /** i_dio_count: direct I/Os in flight. */
  iDioCount = 0;
  /** i_mapping: the inode's page cache. */
  readonly iMapping = new AddressSpace();
  /** The DIOs holding i_dio_count references, for the wait-for graph. */
  readonly dioRefs = new DioRefList();
  /** Waiters in inode_dio_wait(). Its blockers are whoever holds the references. */
  readonly dioWait: WaitQueue;

  constructor(
    /** i_ino */
    readonly iIno: number,
    /** Name for traces and error chains. */
    readonly name = `inode ${iIno}`,
  ) {
    this.iRwsem = new RwSem(`${name} i_rwsem`);
    this.dioWait = new WaitQueue(`${name} i_dio_count`, () => this.dioOwners());
  }

  private *dioOwners(): Iterable<Blocker> {
    for (const r of this.dioRefs) yield r.owner;
  }

  /** IS_SYNC(inode). */
  get isSync(): boolean {
    return (this.iFlags & S_SYNC) !== 0;
  }
}

// include/linux/fs.h: inode_dio_begin()
/** Take an i_dio_count reference for a DIO about to be issued. `ref` tells the deadlock detector who holds it. */
export function inodeDioBegin(inode: Inode, ref?: DioRef): void {
  inode.iDioCount++;
  if (ref) inode.dioRefs.add(ref);
}

// include/linux/fs.h: inode_dio_end()
/** Drop an i_dio_count reference; the last one wakes inode_dio_wait() sleepers. */
export function inodeDioEnd(inode: Inode, ref?: DioRef): void {
  if (inode.iDioCount <= 0) throw new Error(`inode_dio_end: i_dio_count underflow on ${inode.name}`);
  if (ref) inode.dioRefs.delete(ref);
  if (--inode.iDioCount === 0) inode.dioWait.wakeUpAll();
}

// fs/inode.c: inode_dio_wait()
/**
 * Sleep (TASK_UNINTERRUPTIBLE) until i_dio_count is 0. The caller must hold
 * i_rwsem to stop new DIO. A task whose own pending task_work holds a
 * reference never gets there: the engine raises DeadlockError.
 */
export function* inodeDioWait(inode: Inode): KGen<void> {
  yield* waitEvent(inode.dioWait, () => inode.iDioCount === 0, { state: 'D' });
}
