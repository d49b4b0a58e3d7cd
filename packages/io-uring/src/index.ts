/**
 * @dio/io-uring — io_uring/: rings, SQE/CQE, `io_uring_enter`, normal and
 * DEFER_TASKRUN task_work, COOP_TASKRUN, IOPOLL, SQPOLL, io-wq punts on
 * -EAGAIN, CQ overflow, and a liburing-shaped user API. Sets
 * IOCB_DIO_CALLER_COMP on non-polled writes only when the kernel profile
 * says so (6.6-rc1).
 * @module
 */
export * from './uapi';
export { SqRing, CqRing, roundupPow2 } from './rings';
export { IoRingCtx, TwList, ioUringSetupParams, FEATURES, type IoUringKernel, type RingStats, type CqWaiter } from './ctx';
export { IoKiocb } from './req';
export { ioUringSetup, ioUringEnter, registerFiles, registerBuffers, ioUringRelease, type IoUringEnv } from './enter';
export { ioCompleteRw, ioCompleteRwIopoll, ioReqRwComplete, IOU_OK, IOU_ISSUE_SKIP_COMPLETE } from './rw';
export { submitSqes, issueSqe } from './submit';
export { cqringWait, iopollCheck } from './wait';
export { postCqe, overflowFlush, flushCompletions } from './cqe';
export { reqTaskWorkAdd, runLocalWork, tctxTaskWork } from './tw';
export { IoWq, type BlockingIssue } from './iowq';
export * from './liburing';
