/**
 * struct inode and struct address_space, reduced to what direct I/O needs:
 * i_size, i_rwsem, i_dio_count with inode_dio_begin/end/wait, and the page
 * cache's page count.
 * @module
 */
import { type Blocker, type KGen, RwSem, WaitQueue, waitEvent } from '@dio/sim';
import { S_SYNC } from './flags';

/** struct address_space: only the page cache size matters to direct I/O. */
export class AddressSpace {
  /** Pages in the page cache (buffered readers/writers or mmap put them there). */
  nrpages = 0;
}

/**
 * One holder of an i_dio_count reference: the direct I/O in flight. `owner`
 * says who will drop it — the device while the bio is in flight, a kworker
 * while the completion is queued, the issuing task while the completion sits
 * in its task_work. The deadlock detector reads it.
 */
export interface DioRef {
  readonly owner: Blocker;
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
  readonly iMapping = new AddressSpace();
  /** The DIOs holding i_dio_count references, for the wait-for graph. */
  readonly dioRefs = new Set<DioRef>();
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
