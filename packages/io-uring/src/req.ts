/**
 * struct io_kiocb: one request from SQE to CQE.
 * @module
 */
import type { File, IovIter, Kiocb } from '@dio/kiocb';
import type { KGen, Task } from '@dio/sim';
import type { IoRingCtx } from './ctx';
import type { Sqe } from './uapi';

// req->flags (io_uring_types.h REQ_F_*)
export const REQ_F_FIXED_FILE = 1 << 0;
export const REQ_F_FAIL = 1 << 8;
export const REQ_F_FORCE_ASYNC = 1 << 4;
export const REQ_F_NOWAIT = 1 << 14;
export const REQ_F_ISREG = 1 << 17;
export const REQ_F_CUR_POS = 1 << 21;
export const REQ_F_REISSUE = 1 << 20;

/** A request. */
export class IoKiocb {
  readonly id: number;
  flags = 0;
  file: File | null = null;
  /** The CQE being built. */
  readonly cqe = { res: 0, flags: 0 };
  /** For READ/WRITE: the kiocb handed to the file. */
  kiocb: Kiocb | null = null;
  iter: IovIter | null = null;
  /** Bytes done by earlier partial attempts (io_async_rw->bytes_done). */
  bytesDone = 0;
  /** IOPOLL: set by io_complete_rw_iopoll. */
  iopollCompleted = false;
  /**
   * task_work callback (req->io_task_work.func). It runs synchronously and
   * returns null, or returns the generator to run when it needs to yield
   * (a callback that rarely sleeps thus costs no generator in the common case).
   */
  twFunc: ((req: IoKiocb) => KGen<void>) | null = null;
  /** DEFER_TASKRUN: local work items queued including this one (req->nr_tw). */
  nrTw = 0;
  /** Issued to io-wq at least once. */
  punted = false;
  /** READV: copy the bytes read from the single bounce buffer into the user's iovecs (run before the CQE is posted). */
  copyOut: (() => void) | null = null;
  /** Submission time, for tracing. */
  submittedAt = 0;

  constructor(
    readonly ctx: IoRingCtx,
    /** A copy of the SQE (the ring slot may be reused once consumed). */
    readonly sqe: Readonly<Sqe>,
    /** req->task: the submitting task, which runs its task_work. */
    readonly task: Task,
  ) {
    this.id = ctx.sim.nextId('io_uring req');
  }

  get opcode(): number {
    return this.sqe.opcode;
  }
  get userData(): bigint {
    return this.sqe.userData;
  }

  // io_uring/io_uring.h: req_set_fail() + io_req_set_res(); for rw requests io_rw_fail() /
  // io_fixup_rw_res(): after a partial transfer the CQE reports the bytes done, not the error
  fail(res: number): void {
    this.flags |= REQ_F_FAIL;
    this.cqe.res = res < 0 && this.bytesDone > 0 ? this.bytesDone : res;
  }
}
