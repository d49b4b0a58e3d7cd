/**
 * The cost model: one typed table of named CPU and device costs, in ns.
 *
 * Every layer reads its costs from the simulator's table (`sim.costs`), so a
 * profile sets all of them in one place and `dio calibrate` fits one table
 * for every queue depth and every completion policy. Each default below says
 * where its number comes from; a profile may override any subset.
 * @module
 */

/** Named costs in nanoseconds of CPU time (or of latency, where noted). */
export interface CostModel {
  /** Syscall entry + exit (entry_SYSCALL_64 … syscall_exit_to_user_mode) without the call's own work. */
  readonly syscall: number;
  /** A context switch (__schedule → context_switch), charged to the incoming task. */
  readonly contextSwitch: number;
  /** Exit latency of the CPU's idle state, paid when an idle CPU starts work (cpuidle). */
  readonly idleExit: number;
  /** Hardirq entry/exit and the driver's interrupt handler, per interrupt (not per request). */
  readonly hardirq: number;
  /** Softirq entry/exit (__do_softirq), per softirq run. */
  readonly softirq: number;
  /** Block layer per-request submit: bio → request → ->queue_rq (blk_mq_submit_bio). */
  readonly blkSubmit: number;
  /** Block layer per-request completion: blk_mq_end_request → bio_endio. */
  readonly blkComplete: number;
  /** iomap_dio_rw per-call setup and the iomap_iter / ->iomap_begin walk, per call. */
  readonly iomapDioRw: number;
  /** iomap_dio_bio_iter per bio built. */
  readonly iomapBio: number;
  /** iomap_dio_complete (end_io of a pure overwrite, inode_dio_end, ki_pos), per dio. */
  readonly iomapDioComplete: number;
  /** queue_work_on / __queue_work, charged to the queuer. */
  readonly queueWork: number;
  /** process_one_work bookkeeping per work item (excluding the item's own function). */
  readonly workItem: number;
  /** Creating a kworker (create_worker → kthread_create_on_node), charged to the managing worker. */
  readonly kworkerCreate: number;
  /** task_work_add / io_uring's __io_req_task_work_add, charged to the adder. */
  readonly taskWorkAdd: number;
  /** Running one task_work callback (tctx_task_work / io_run_local_work per item overhead). */
  readonly taskWorkRun: number;
  /** io_uring: io_submit_sqe + io_prep_rw + io_write up to ->write_iter, per SQE. */
  readonly ioUringIssue: number;
  /** io_uring: posting one CQE (io_req_complete_post / batched flush), per CQE. */
  readonly ioUringCqe: number;
  /** libaio: io_submit per iocb (aio_prep_rw + aio_write up to ->write_iter). */
  readonly aioSubmit: number;
  /** libaio: aio_complete_rw + posting the event, per event. */
  readonly aioComplete: number;
  /** io_getevents per call excluding events copied. */
  readonly aioGetevents: number;
  /** Filesystem metadata update done in end_io (unwritten conversion, i_size, COW remap), CPU part. */
  readonly fsMetadataUpdate: number;
  /** User-space work per I/O in the benchmark tool (fio's prep, stats, RNG), charged in user mode. */
  readonly userPerIo: number;
  /** User-space work per reap loop iteration in the benchmark tool. */
  readonly userPerReap: number;
}

/**
 * Defaults: order-of-magnitude figures for a modern x86 server core. These are
 * *not* calibrated; profiles (and `dio calibrate`) replace them. Sources:
 * - contextSwitch: lmbench/pipe ping-pong figures of 1–3.5 µs per switch
 *   (kernel-path.md §7) include two syscalls and cache effects; the bare switch
 *   is taken as ~1 µs.
 * - idleExit: C1/C1E exit latencies from intel_idle tables (1–10 µs); 2 µs.
 * - the rest: UNCONFIRMED starting points of a few hundred ns each, the scale
 *   at which Jens's QD16 CPU-bound figures (1.18–1.63 µs per I/O in total,
 *   kernel-path.md §7) leave room for them.
 */
export const defaultCosts: CostModel = {
  syscall: 100,
  contextSwitch: 1_000,
  idleExit: 2_000,
  hardirq: 300,
  softirq: 100,
  blkSubmit: 250,
  blkComplete: 150,
  iomapDioRw: 250,
  iomapBio: 100,
  iomapDioComplete: 200,
  queueWork: 100,
  workItem: 100,
  kworkerCreate: 20_000,
  taskWorkAdd: 50,
  taskWorkRun: 50,
  ioUringIssue: 150,
  ioUringCqe: 50,
  aioSubmit: 200,
  aioComplete: 100,
  aioGetevents: 150,
  fsMetadataUpdate: 2_000,
  userPerIo: 300,
  userPerReap: 50,
};

/** A cost table with some entries overridden. */
export function withCosts(base: CostModel, overrides: Partial<CostModel>): CostModel {
  return { ...base, ...overrides };
}
