/**
 * struct io_ring_ctx: one io_uring instance and io_uring_setup().
 * @module
 */
import { EINVAL, type FdTable, type File, type Issuer } from '@dio/kiocb';
import { clearArray, type Simulator, type Task, type TwaMode, WaitQueue } from '@dio/sim';
import type { IoWq } from './iowq';
import type { IoKiocb } from './req';
import { CqRing, roundupPow2, SqRing } from './rings';
import {
  type Cqe,
  type Iovec,
  IORING_FEAT_CUR_PERSONALITY,
  IORING_FEAT_FAST_POLL,
  IORING_FEAT_NODROP,
  IORING_FEAT_RW_CUR_POS,
  IORING_FEAT_SINGLE_MMAP,
  IORING_FEAT_SUBMIT_STABLE,
  IORING_MAX_CQ_ENTRIES,
  IORING_MAX_ENTRIES,
  IORING_SETUP_CLAMP,
  IORING_SETUP_COOP_TASKRUN,
  IORING_SETUP_CQSIZE,
  IORING_SETUP_DEFER_TASKRUN,
  IORING_SETUP_IOPOLL,
  IORING_SETUP_SINGLE_ISSUER,
  IORING_SETUP_SQ_AFF,
  IORING_SETUP_SQPOLL,
  IORING_SETUP_SUPPORTED,
  IORING_SETUP_TASKRUN_FLAG,
  type IoUringParams,
} from './uapi';

/** What the kernel version does in io_uring that matters to DIO completion. */
export interface IoUringKernel {
  /**
   * 6.6-rc1 only: io_write() sets IOCB_DIO_CALLER_COMP on non-polled writes
   * (099ada2c8726; removed again by 838b35bb6a89 before 6.6 final).
   */
  readonly dioCallerComp: boolean;
}

/**
 * A waiter in io_cqring_wait (struct io_wait_queue): woken when the CQ tail
 * reaches `cqTail` or work arrives. The kernel keeps it on the waiting task's
 * stack; here each task has one per ring, reused by its every wait.
 */
export interface CqWaiter {
  readonly task: Task;
  cqTail: number;
  readonly wq: WaitQueue;
}

/** Counters for tests and reports. */
export interface RingStats {
  sqesSubmitted: number;
  cqesPosted: number;
  cqesOverflowed: number;
  iowqPunts: number;
  taskWorkItems: number;
  inlineCompletions: number;
}

/**
 * A task_work list (ctx->work_llist, tctx->task_list): queued requests,
 * oldest first. Taking a batch swaps in a spare array instead of copying the
 * list (`splice(0)`), and a finished batch becomes the spare, so running
 * task_work allocates nothing.
 */
export class TwList {
  /** Queued requests, oldest first. */
  items: IoKiocb[] = [];
  /** An empty array for the next take(); null while every array is in use. */
  private spare: IoKiocb[] | null = [];

  // include/linux/llist.h: llist_del_all()
  /** Take every queued request as a batch, leaving the list empty. Hand the batch back with done() once it has run. */
  take(): IoKiocb[] {
    const batch = this.items;
    this.items = this.spare ?? [];
    this.spare = null;
    return batch;
  }

  /** A batch from take() has run: keep its array, emptied, for the next take(). */
  done(batch: IoKiocb[]): void {
    clearArray(batch);
    this.spare = batch;
  }
}

/** struct io_ring_ctx. */
export class IoRingCtx {
  readonly sq: SqRing;
  readonly cq: CqRing;
  /** The task that set the ring up; with SINGLE_ISSUER/DEFER_TASKRUN the only one allowed to submit. */
  submitterTask: Task;
  fixedFiles: (File | null)[] | null = null;
  fixedBufs: Iovec[] | null = null;
  /** cq_wait: tasks sleeping in io_cqring_wait. */
  readonly cqWaiters: CqWaiter[] = [];
  /** Each task's io_wait_queue (io_cqring_wait()'s stack frame), made at its first wait. */
  private readonly waitQueues = new Map<Task, CqWaiter>();
  /** DEFER_TASKRUN: ctx->work_llist. */
  readonly localWork = new TwList();
  /** cq_wait_nr. */
  cqWaitNr = 0;
  /** Normal task_work: tctx->task_list per task. */
  readonly taskLists = new Map<Task, TwList>();
  /** CQEs waiting for room in the CQ ring (ctx->cq_overflow_list). */
  readonly overflowList: Cqe[] = [];
  /** IOPOLL: issued requests to poll, in issue order. */
  readonly iopollList: IoKiocb[] = [];
  /** Completions batched during submission / task_work, posted by flush (submit_state.compl_reqs). */
  readonly complReqs: IoKiocb[] = [];
  readonly notifyMethod: TwaMode;
  /** This ring as a kiocb issuer: whether its writes carry IOCB_DIO_CALLER_COMP. */
  readonly issuer: Issuer;
  iowq: IoWq | null = null;
  sqThread: Task | null = null;
  readonly sqWakeup = new WaitQueue('io_uring sqd wait');
  dead = false;
  readonly stats: RingStats = { sqesSubmitted: 0, cqesPosted: 0, cqesOverflowed: 0, iowqPunts: 0, taskWorkItems: 0, inlineCompletions: 0 };

  /** DEFER_TASKRUN: ctx->work_llist, oldest first. */
  get workList(): IoKiocb[] {
    return this.localWork.items;
  }

  /** `task`'s io_wait_queue on this ring, its `cq_tail` set to `cqTail`. */
  cqWaiter(task: Task, cqTail: number): CqWaiter {
    let w = this.waitQueues.get(task);
    if (w === undefined) {
      w = { task, cqTail, wq: new WaitQueue('io_uring cq_wait') };
      this.waitQueues.set(task, w);
    } else w.cqTail = cqTail;
    return w;
  }

  constructor(
    readonly sim: Simulator,
    readonly flags: number,
    sqEntries: number,
    cqEntries: number,
    /** The process's fd table. */
    readonly files: FdTable,
    readonly kernel: IoUringKernel,
    owner: Task,
    /** SQ_AFF: the CPU the SQPOLL thread is pinned to; null = any CPU. */
    readonly sqThreadCpu: number | null,
    readonly sqThreadIdleNs: number,
  ) {
    this.sq = new SqRing(sqEntries);
    this.cq = new CqRing(cqEntries);
    this.submitterTask = owner;
    // io_uring_create(): COOP_TASKRUN (or SQPOLL) avoids the IPI
    this.notifyMethod = flags & (IORING_SETUP_SQPOLL | IORING_SETUP_COOP_TASKRUN) ? 'TWA_SIGNAL_NO_IPI' : 'TWA_SIGNAL';
    // Polled (IOPOLL) writes carry IOCB_HIPRI, and io_write() sets the flag only on non-polled ones.
    this.issuer = { name: 'io_uring', setsCallerComp: kernel.dioCallerComp && !(flags & IORING_SETUP_IOPOLL) };
  }

  get deferTaskrun(): boolean {
    return (this.flags & IORING_SETUP_DEFER_TASKRUN) !== 0;
  }
  get iopoll(): boolean {
    return (this.flags & IORING_SETUP_IOPOLL) !== 0;
  }
  get sqpoll(): boolean {
    return (this.flags & IORING_SETUP_SQPOLL) !== 0;
  }
  get taskrunFlag(): boolean {
    return (this.flags & IORING_SETUP_TASKRUN_FLAG) !== 0;
  }
}

/** Sizes and flags io_uring_setup() settles on, or a negative errno. */
export function ioUringSetupParams(entries: number, p: IoUringParams): { sq: number; cq: number; flags: number } | number {
  const flags = p.flags ?? 0;
  if (flags & ~IORING_SETUP_SUPPORTED) return -EINVAL;
  if (!Number.isInteger(entries) || entries <= 0) return -EINVAL;
  if (entries > IORING_MAX_ENTRIES) {
    if (!(flags & IORING_SETUP_CLAMP)) return -EINVAL;
    entries = IORING_MAX_ENTRIES;
  }
  // io_uring_create(): with SQPOLL the IPI-related flags make no sense (COOP_TASKRUN, TASKRUN_FLAG,
  // DEFER_TASKRUN); without it TASKRUN_FLAG needs COOP_TASKRUN or DEFER_TASKRUN; DEFER_TASKRUN needs SINGLE_ISSUER
  if (flags & IORING_SETUP_SQPOLL) {
    if (flags & (IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_DEFER_TASKRUN)) return -EINVAL;
  } else {
    if (flags & IORING_SETUP_TASKRUN_FLAG && !(flags & (IORING_SETUP_COOP_TASKRUN | IORING_SETUP_DEFER_TASKRUN))) return -EINVAL;
    // io_sq_offload_create(): can't have SQ_AFF without SQPOLL
    if (flags & IORING_SETUP_SQ_AFF) return -EINVAL;
  }
  if (flags & IORING_SETUP_DEFER_TASKRUN && !(flags & IORING_SETUP_SINGLE_ISSUER)) return -EINVAL;
  const sq = roundupPow2(entries);
  let cq = 2 * sq;
  if (flags & IORING_SETUP_CQSIZE) {
    const want = p.cqEntries ?? 0;
    if (!Number.isInteger(want) || want <= 0) return -EINVAL;
    let c = want;
    if (c > IORING_MAX_CQ_ENTRIES) {
      if (!(flags & IORING_SETUP_CLAMP)) return -EINVAL;
      c = IORING_MAX_CQ_ENTRIES;
    }
    cq = roundupPow2(c);
    if (cq < sq) return -EINVAL;
  }
  return { sq, cq, flags };
}

/** Features every emulated ring reports. */
export const FEATURES =
  IORING_FEAT_SINGLE_MMAP | IORING_FEAT_NODROP | IORING_FEAT_SUBMIT_STABLE | IORING_FEAT_RW_CUR_POS | IORING_FEAT_CUR_PERSONALITY | IORING_FEAT_FAST_POLL;
