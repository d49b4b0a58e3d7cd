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

/** The calibrated cost table (ns), shared by every shipped profile. */
export const CALIBRATED_COSTS: Partial<CostModel> = {
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

/** The scheduler of the series' era (CFS, voluntary preemption). */
export const SCHED_6_5: Partial<SchedParams> = { preempt: 'voluntary' };

/** The device: an Optane-class NVMe drive, write latency lognormal. */
export const DEVICE: NullBlkOptions = {
  gb: 16,
  bs: 512,
  irqmode: 'hardirq',
  submit_queues: 8,
  hw_queue_depth: 1023,
  write_latency: { kind: 'lognormal', mean: 4_000, stddev: 800 },
  read_latency: { kind: 'lognormal', mean: 4_000, stddev: 800 },
  write_cache: false,
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
  name: 'linux-6.19',
  description: 'Linux 6.19: write completions from interrupt context unless they need user context',
  version: '6.19',
  policy: 'inline',
  writeThroughCache: true,
  ioUringCallerComp: false,
};

/** Shipped profiles by name. */
export const PROFILES: Readonly<Record<string, KernelProfile>> = {
  'linux-6.5': LINUX_6_5,
  'linux-6.6-rc1': LINUX_6_6_RC1,
  'linux-6.6': LINUX_6_6,
  'linux-6.19': LINUX_6_19,
};

/** The default profile for each policy name. */
export const PROFILE_FOR_POLICY = { workqueue: 'linux-6.5', caller: 'linux-6.6-rc1', inline: 'linux-6.19' } as const;
