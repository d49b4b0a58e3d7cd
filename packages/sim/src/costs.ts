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
  /** I/O scheduler insert per request (mq-deadline's dd_insert_request under dd->lock); only with a scheduler. */
  readonly elvInsert: number;
  /** I/O scheduler dispatch per request (dd_dispatch_request and the driver-tag get); only with a scheduler. */
  readonly elvDispatch: number;
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
  /** fio's random fill of a write buffer (__fill_random_buf()), user ns per 4 KiB. */
  readonly fillPer4k: number;
  /** fio's verify=meta header (verify_header), user ns per 4 KiB, on top of the fill. */
  readonly verifyMetaPer4k: number;
  /** fio's verify=crc32c checksum (and header), user ns per 4 KiB, to compute (write) or check (read). */
  readonly verifyCrc32cPer4k: number;
  /** verify=md5, user ns per 4 KiB. */
  readonly verifyMd5Per4k: number;
  /** verify=sha1, user ns per 4 KiB. */
  readonly verifySha1Per4k: number;
  /** verify=sha256, user ns per 4 KiB. */
  readonly verifySha256Per4k: number;
}

/**
 * Defaults: order-of-magnitude figures for a modern x86 server core, used by
 * a bare `new Simulator()`. They are *not* calibrated. The calibrated table,
 * fitted once for every queue depth and policy to Jens Axboe's published
 * QD1/QD16 points, is `CALIBRATED_COSTS` in @dio/fio (packages/fio/src/run/profiles.ts,
 * derivations in docs/calibration.md); `dio calibrate` fits one to real fio JSON.
 * "Budget" below means: kernel-path.md §7 derives 1.18–1.63 µs of CPU per I/O
 * at QD16 for the whole path, so each per-I/O stage gets a few hundred ns at most.
 */
export const defaultCosts: CostModel = {
  /** Budget; bare syscall round trips measure ~50–100 ns on 2023 x86 with mitigations. */
  syscall: 100,
  /** kernel-path.md §7: ~3.5 µs per pipe ping-pong switch includes two syscalls and cache effects; the bare switch ~1 µs. */
  contextSwitch: 1_000,
  /** intel_idle C1/C1E exit latencies are 1–10 µs; the shallow end. */
  idleExit: 2_000,
  /** Budget: irq entry/exit plus an NVMe-style handler, per interrupt. */
  hardirq: 300,
  /** Budget: __do_softirq entry/exit, per run; smaller than a hardirq (no vector entry). */
  softirq: 100,
  /** Budget: blk_mq_submit_bio → ->queue_rq → doorbell, the largest per-request block stage. */
  blkSubmit: 250,
  /** Budget: blk_mq_end_request → bio_endio, lighter than submit. */
  blkComplete: 150,
  /** UNCONFIRMED: a spinlock, an rb-tree insert and a list add. */
  elvInsert: 150,
  /** UNCONFIRMED: a spinlock, an rb-tree erase and a list move, plus the driver tag. */
  elvDispatch: 150,
  /** Budget: iomap_dio_rw setup + one iomap_iter / ->iomap_begin walk. */
  iomapDioRw: 250,
  /** Budget: one bio_alloc + page pinning per bio. */
  iomapBio: 100,
  /** Budget: end_io of a pure overwrite + inode_dio_end + ki_pos. */
  iomapDioComplete: 200,
  /** Budget: __queue_work (pool lock, list add, maybe a wake-up); kernel-path.md §7 puts the whole hop at ~0.44 µs. */
  queueWork: 100,
  /** Budget: process_one_work bookkeeping, the other part of the ~0.44 µs hop. */
  workItem: 100,
  /** UNCONFIRMED: kthread creation is tens of µs (fork + wake-up); rare, so only its order matters. */
  kworkerCreate: 20_000,
  /** UNCONFIRMED (kernel-path.md §7: task_work cost unknown): an llist add, tens of ns. */
  taskWorkAdd: 50,
  /** UNCONFIRMED (kernel-path.md §7): one indirect call per item, tens of ns. */
  taskWorkRun: 50,
  /** Budget: io_submit_sqe + io_prep_rw + io_write up to ->write_iter. */
  ioUringIssue: 150,
  /** Budget: one CQE write in a batched flush. */
  ioUringCqe: 50,
  /** Budget: libaio's io_submit per iocb does more than io_uring's issue (copy_from_user of the iocb, kiocb set-up). */
  aioSubmit: 200,
  /** Budget: aio_complete_rw + ring event write. */
  aioComplete: 100,
  /** Budget: io_getevents per call (syscall work beyond entry/exit, ring reads). */
  aioGetevents: 150,
  /** UNCONFIRMED: an XFS transaction for unwritten conversion / i_size is µs-scale (log reservation, inode lock). */
  fsMetadataUpdate: 2_000,
  /** Budget: fio's get_io_u, offset generation and stats per I/O. */
  userPerIo: 300,
  /** Budget: one iteration of fio's reap loop. */
  userPerReap: 50,
  // fio's data costs, measured with fio 3.33 on the development VM (ioengine=null,
  // 2 GiB of 4 KiB writes, usr time per I/O): plain 99 ns, refill_buffers 751,
  // verify=meta 834, crc32c 1,326, md5 6,435, sha1 5,630, sha256 14,040; each
  // cost is the difference it makes (the checksums' over verify=meta's header)
  /** Measured: refill_buffers 751 − plain 99. */
  fillPer4k: 751 - 99,
  /** Measured: verify=meta 834 − refill_buffers 751. */
  verifyMetaPer4k: 834 - 751,
  /** Measured: crc32c 1,326 − meta 834. */
  verifyCrc32cPer4k: 1326 - 834,
  /** Measured: md5 6,435 − meta 834. */
  verifyMd5Per4k: 6435 - 834,
  /** Measured: sha1 5,630 − meta 834. */
  verifySha1Per4k: 5630 - 834,
  /** Measured: sha256 14,040 − meta 834. */
  verifySha256Per4k: 14040 - 834,
};

/** A cost table with some entries overridden. */
export function withCosts(base: CostModel, overrides: Partial<CostModel>): CostModel {
  return { ...base, ...overrides };
}
