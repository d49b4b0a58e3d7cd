/**
 * struct iomap_dio: one direct I/O in flight.
 * @module
 */
import type { Bio } from '@dio/blockdev';
import type { DioFs, FsInode } from '@dio/fs';
import { type DioRef, type IovIter, type Kiocb } from '@dio/kiocb';
import { type Blocker, detectDeadlock, type KGen, type Task, WaitQueue } from '@dio/sim';
import type { WorkStruct } from '@dio/workqueue';
import type { CompletionPolicy } from './policy';

/** ->end_io of the filesystem (struct iomap_dio_ops). */
export type DioEndIo = (iocb: Kiocb, size: number, error: number, flags: number) => KGen<number>;

/** struct iomap_dio. Also the i_dio_count reference it holds (DioRef). */
export class IomapDio implements DioRef {
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
  waitForCompletion = false;
  /** dio->submit */
  readonly submit: { iter: IovIter; waiter: Task | null; pollBio: Bio | null };
  /** Sleeping place of a synchronous submitter. */
  syncWq: WaitQueue | null = null;
  /** The work item, once queued. */
  work: WorkStruct | null = null;
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
