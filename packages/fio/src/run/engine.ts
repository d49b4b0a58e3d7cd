/**
 * The ioengine interface of fio's backend (ioengines.h: ->init, ->queue,
 * ->commit, ->getevents, ->cleanup) as generators a simulated fio task runs.
 * @module
 */
import type { KGen } from '@dio/sim';
import type { IoU } from './io-u';

/** What `queue` did: FIO_Q_QUEUED, FIO_Q_COMPLETED (sync engines) or FIO_Q_BUSY (no room). */
export type QueueResult = 'queued' | 'completed' | 'busy';

/** An emulated fio ioengine. */
export interface Engine {
  readonly name: string;
  /** FIO_SYNCIO: every I/O completes inside `queue`. */
  readonly syncIo: boolean;
  /** Open files, set up rings / contexts. Returns 0 or a negative errno. */
  init(): KGen<number>;
  /** Prepare `io` (sync engines also perform it). */
  queue(io: IoU): KGen<QueueResult>;
  /** Submit everything queued; sets issueTime on each. Returns them (the array is valid until the next commit). */
  commit(): KGen<IoU[]>;
  /** Reap at least `min` (and at most `max`) completions (the array is valid until the next getevents). */
  getevents(min: number, max: number): KGen<IoU[]>;
  cleanup(): KGen<void>;
}

/** Options every engine gets. */
export interface EngineEnv {
  /** The job's first file. */
  readonly fd: number;
  /** Every file of the job (nrfiles), in order; registerfiles registers them all. */
  readonly fds?: readonly number[];
  readonly depth: number;
  readonly hipri: boolean;
  readonly fixedbufs: boolean;
  readonly registerfiles: boolean;
  readonly sqthreadPoll: boolean;
  /** `sqthread_poll_cpu`, if set: the CPU the SQPOLL thread is pinned to. */
  readonly sqthreadPollCpu?: number;
  /** io_uring: READV/WRITEV instead of READ/WRITE (fio's nonvectored=0). */
  readonly vectored?: boolean;
  /** io_uring `force_async`: IOSQE_ASYNC on every Nth SQE. */
  readonly forceAsync?: number;
  /** pvsync2 `hipri_percentage`. */
  readonly hipriPercentage?: number;
  /** iodepth_batch_complete_min=0: getevents polls (min_nr 0) until it has what the backend asked for, never sleeping. */
  readonly pollComplete?: boolean;
  /** libaio userspace_reap: that polling reads the AIO ring in user space. */
  readonly userspaceReap?: boolean;
  /** The io_us by index (user_data / aio_data point here). */
  readonly ious: readonly IoU[];
}
