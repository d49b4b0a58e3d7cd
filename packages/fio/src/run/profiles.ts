/**
 * The shipped kernel profiles. They share one machine — one cost table, one
 * scheduler, one device — and differ only in what the kernel version does
 * with an async DIO write completion. See docs/calibration.md for where each
 * number comes from.
 * @module
 */
import type { CostModel, SchedParams } from '@dio/sim';
import type { NullBlkOptions } from '@dio/blockdev';
import type { KernelProfile } from './profile';

/**
 * The calibrated cost table (ns), shared by every shipped profile and every
 * queue depth. Each figure is a per-operation CPU cost chosen from the
 * mechanism (what the kernel path does), then checked against the series'
 * four published points (QD1 and QD16, stock and patched); QD 2, 4 and 8 are
 * not used and come out of the model. Derivations are in docs/calibration.md.
 */
export const CALIBRATED_COSTS: Partial<CostModel> = {
  /** entry_SYSCALL_64 + syscall_exit_to_user_mode with mitigations (~50–100 ns on a 2023 x86 core). */
  syscall: 70,
  /** __schedule + switch_to between a kthread and a task of the same mm: no CR3 reload (lazy TLB). */
  contextSwitch: 150,
  /** C1/C1E exit on a tuned server. QD1 only: confounded with the device latency, fitted with it. */
  idleExit: 600,
  /** nvme_irq: irq entry/exit + CQ doorbell + per-interrupt bookkeeping. */
  hardirq: 200,
  softirq: 100,
  /** blk_mq_submit_bio → nvme_queue_rq → SQ doorbell, per request. */
  blkSubmit: 150,
  /** nvme_complete_rq → blk_mq_end_request → bio_endio, per request. */
  blkComplete: 100,
  /** xfs_file_write_iter: iolock, iomap_iter with xfs_direct_write_iomap_begin, dio allocation. */
  iomapDioRw: 200,
  /** bio_alloc + bio_iov_iter_get_pages (page pinning) per bio. */
  iomapBio: 80,
  /** iomap_dio_complete of a pure overwrite: trivial end_io, inode_dio_end, ki_pos. */
  iomapDioComplete: 120,
  /** queue_work_on incl. the kworker wakeup (try_to_wake_up) when it is idle: the stock-only cost at submit side of the hop. */
  queueWork: 120,
  /** process_one_work bookkeeping per item: the other stock-only cost. */
  workItem: 100,
  kworkerCreate: 20_000,
  /** __io_req_task_work_add (llist add, maybe wake). */
  taskWorkAdd: 30,
  /** per item of io_run_local_work / tctx_task_work. */
  taskWorkRun: 30,
  /** io_submit_sqe + io_write prep up to ->write_iter. */
  ioUringIssue: 120,
  /** posting one CQE (batched flush). */
  ioUringCqe: 30,
  /**
   * io_submit_one: aio_get_req, the iocb copied in, aio_prep_rw, fget — the
   * work io_uring's issue does (`ioUringIssue`). The three aio costs were
   * guesses (200/100/150) until two real VMs (docs/calibration.md) showed
   * libaio costing what io_uring does at every depth, one more system call
   * (io_getevents per reap) aside; with the guesses a calibrated VM's libaio
   * came out 26% slow at QD8.
   */
  aioSubmit: 120,
  /** aio_complete: one event into the ring and a wake-up (io_uring's task_work add + CQE post). */
  aioComplete: 60,
  /** io_getevents's aio_read_events_ring per call: the events copied out. */
  aioGetevents: 50,
  fsMetadataUpdate: 2_000,
  /** fio's per-I/O user work: get_io_u, offset, stats. */
  userPerIo: 90,
  /** fio's reap loop per iteration. */
  userPerReap: 30,
};

/** The scheduler of the series' era (CFS, voluntary preemption). */
export const SCHED_6_5: Partial<SchedParams> = { preempt: 'voluntary' };

/**
 * The scheduler of the releases from 6.6 on: EEVDF (merged in 6.6-rc1, but
 * the series measured on a tree without it, so linux-6.6-rc1 keeps CFS).
 */
export const SCHED_6_6: Partial<SchedParams> = { preempt: 'voluntary', fair: 'eevdf' };

/** The device: an Optane-class NVMe drive, write latency lognormal. */
export const DEVICE: NullBlkOptions = {
  /** A 1.6 TB P5800X: the store is sparse (only written sectors take memory), so `size=100g` jobs cost nothing extra. */
  gb: 1600,
  bs: 512,
  irqmode: 'hardirq',
  submit_queues: 8,
  hw_queue_depth: 1023,
  write_latency: { kind: 'lognormal', mean: 4_000, stddev: 800 },
  read_latency: { kind: 'lognormal', mean: 4_000, stddev: 800 },
  write_cache: false,
  /** One PCIe 4.0 x4 link, ~6.2 GB/s of writes (Optane P5800X class): 4 KiB I/Os never reach it, 64 KiB ones do. */
  mbps: 5_900,
};

const base = { cpus: 8, sched: SCHED_6_5, costs: CALIBRATED_COSTS, device: DEVICE } as const;

/** linux-6.5: every async write completion goes to the dio workqueue ("stock" in the series). */
export const LINUX_6_5: KernelProfile = {
  ...base,
  name: 'linux-6.5',
  description: 'Linux 6.5: async DIO write completions punted to s_dio_done_wq',
  version: '6.5',
  policy: 'workqueue',
  writeThroughCache: false,
  ioUringCallerComp: false,
};

/** linux-6.6-rc1: IOCB_DIO_CALLER_COMP, io_uring completes pure overwrites in task_work ("patched"). */
export const LINUX_6_6_RC1: KernelProfile = {
  ...base,
  name: 'linux-6.6-rc1',
  description: 'Linux 6.6-rc1: IOCB_DIO_CALLER_COMP set by io_uring; completions handed back to the issuer',
  version: '6.6-rc1',
  policy: 'caller',
  writeThroughCache: true,
  ioUringCallerComp: true,
};

/** linux-6.6 (and every release to 6.18): the code is there but io_uring no longer sets the flag. */
export const LINUX_6_6: KernelProfile = {
  ...base,
  sched: SCHED_6_6,
  name: 'linux-6.6',
  description: 'Linux 6.6–6.18: CALLER_COMP disabled in io_uring (838b35bb6a89); workqueue completions',
  version: '6.6',
  policy: 'caller',
  writeThroughCache: true,
  ioUringCallerComp: false,
};

/** linux-6.19: pure overwrites complete in the interrupt, for every issuer. */
export const LINUX_6_19: KernelProfile = {
  ...base,
  sched: SCHED_6_6,
  name: 'linux-6.19',
  description: 'Linux 6.19: write completions from interrupt context unless they need user context',
  version: '6.19',
  policy: 'inline',
  writeThroughCache: true,
  ioUringCallerComp: false,
};

/**
 * Shipped profiles by name: a null-prototype object, so a name such as
 * `toString` or `__proto__` finds nothing. Look names up with
 * {@link shippedProfile}.
 */
export const PROFILES: Readonly<Record<string, KernelProfile>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, KernelProfile>, {
    'linux-6.5': LINUX_6_5,
    'linux-6.6-rc1': LINUX_6_6_RC1,
    'linux-6.6': LINUX_6_6,
    'linux-6.19': LINUX_6_19,
  }),
);

/** The shipped profile called `name`, or undefined (own names only: `constructor` is not one). */
export function shippedProfile(name: string): KernelProfile | undefined {
  return Object.hasOwn(PROFILES, name) ? PROFILES[name] : undefined;
}

/** The default profile for each policy name. */
export const PROFILE_FOR_POLICY = { workqueue: 'linux-6.5', caller: 'linux-6.6-rc1', inline: 'linux-6.19' } as const;

/** The default profile name of a policy name, or undefined (own names only). */
export function profileForPolicy(policy: string): string | undefined {
  return Object.hasOwn(PROFILE_FOR_POLICY, policy) ? PROFILE_FOR_POLICY[policy as keyof typeof PROFILE_FOR_POLICY] : undefined;
}
