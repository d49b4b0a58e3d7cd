/**
 * struct iomap_dio: one direct I/O in flight.
 * @module
 */
import type { Bio } from '@dio/blockdev';
import type { DioFs, FsInode } from '@dio/fs';
import { type DioRef, type DioRefList, type IovIter, type Kiocb } from '@dio/kiocb';
import { type Blocker, detectDeadlock, type KGen, type Task, WaitQueue } from '@dio/sim';
import type { Workqueue, WorkStruct } from '@dio/workqueue';
import { iomapDioCompleteWork } from './complete';
import type { CompletionPolicy } from './policy';

/** ->end_io of the filesystem (struct iomap_dio_ops). */
export type DioEndIo = (iocb: Kiocb, size: number, error: number, flags: number) => KGen<number>;

/**
 * struct iomap_dio. Also the i_dio_count reference it holds (DioRef), and
 * the work item its completion is queued as (dio->aio.work, embedded as in
 * the kernel: the work function finds the dio in its work_struct).
 */
export class IomapDio implements DioRef, WorkStruct {
  readonly id: number;
  /** IOMAP_DIO_* private flags. */
  flags = 0;
  /** Submission reference plus one per bio in flight. */
  ref = 1;
  /** Bytes submitted. */
  size = 0;
  /** First error (negative errno), or 0. */
  error = 0;
  /** i_size when the I/O started (short-read clamp). */
  readonly iSize: number;
  /** Where the completion will run from; the deadlock detector reads it. */
  owner: Blocker;
  // its place on the inode's list of i_dio_count holders (DioRefList)
  dioList: DioRefList | null = null;
  dioPrev: DioRef | null = null;
  dioNext: DioRef | null = null;
  waitForCompletion = false;
  /** dio->submit */
  readonly submit: { iter: IovIter; waiter: Task | null; pollBio: Bio | null };
  /** Sleeping place of a synchronous submitter. */
  syncWq: WaitQueue | null = null;
  // dio->aio.work (struct work_struct), INIT_WORK(&dio->aio.work, iomap_dio_complete_work)
  /** WORK_STRUCT_PENDING. */
  pending = false;
  /** Executions of the work item in progress. */
  running = 0;
  /** Executions of the work item finished. */
  done = 0;
  /** Queued instances cancelled before they ran. */
  cancelled = 0;
  /** WORK_OFFQ_CANCELING. */
  canceling = false;
  /** The queue the work item was last queued on. */
  queuedOn: Workqueue | null = null;
  /** flush_work() waiters, made by the first flusher. */
  flushWq: WaitQueue | null = null;
  /**
   * How the completion was reached, for traces and checkers: 'submit' (the
   * submitter dropped the last reference), 'sync' (a synchronous waiter),
   * 'end_io' (inline in bio completion), 'workqueue', or 'caller' (handed back).
   */
  via: 'submit' | 'sync' | 'end_io' | 'workqueue' | 'caller' = 'submit';

  constructor(
    readonly iocb: Kiocb,
    readonly inode: FsInode,
    readonly fs: DioFs,
    readonly policy: CompletionPolicy,
    readonly endIo: DioEndIo | null,
    readonly doneBefore: number,
    iter: IovIter,
    /** The task that called iomap_dio_rw (dio->submit.waiter at submit). */
    readonly submitter: Task,
  ) {
    this.id = fs.sim.nextId('dio');
    this.iSize = inode.iSize;
    this.owner = fs.bdevAgent;
    this.submit = { iter, waiter: submitter, pollBio: null };
  }

  /** The work item's name. */
  get name(): string {
    return 'iomap_dio_complete_work';
  }

  /** The work function. */
  get func(): (work: WorkStruct) => KGen<void> {
    return iomapDioCompleteWork;
  }

  /**
   * The synchronous submitter's sleeping place, made when it first waits
   * (a method, so that __iomap_dio_rw's frame keeps no closure over the dio:
   * its blocker is whoever owns the dio then).
   */
  syncWaitQueue(): WaitQueue {
    return (this.syncWq ??= new WaitQueue(`dio ${this.id} completion`, () => [this.owner]));
  }

  /** Move the i_dio_count reference to a new owner; if that owner is a task asleep in D state, re-check for deadlock. */
  handTo(owner: Blocker): void {
    this.owner = owner;
    if (typeof owner === 'object' && 'pid' in owner) {
      const t = owner as Task;
      if (t.state === 'D' && t.waitingOn !== null) detectDeadlock(t, t.waitingOn);
    }
  }

  // fs/iomap/direct-io.c: iomap_dio_set_error()
  setError(ret: number): void {
    if (this.error === 0) this.error = ret;
  }
}
