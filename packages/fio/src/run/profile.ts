/**
 * Kernel profiles: a named bundle of completion policy, io_uring behaviour,
 * scheduler, cost table and device model — one machine, one kernel. Every
 * shipped profile shares one cost table (calibrated once, see
 * docs/calibration.md); they differ only in what the kernel version does.
 * @module
 */
import type { DeviceOptions } from '@dio/blockdev';
import type { CostModel, SchedParams } from '@dio/sim';

/** A completion policy by name. */
export type PolicyName = 'workqueue' | 'caller' | 'inline';

/** A kernel profile. */
export interface KernelProfile {
  /** e.g. `linux-6.5`. */
  readonly name: string;
  readonly description: string;
  /** Kernel version the behaviour follows. */
  readonly version: string;
  /** iomap's completion policy. */
  readonly policy: PolicyName;
  /** 6.6+: a device without a volatile cache counts as FUA for O_DSYNC (false on 6.5). */
  readonly writeThroughCache: boolean;
  /** io_uring sets IOCB_DIO_CALLER_COMP on non-polled writes (6.6-rc1 only). */
  readonly ioUringCallerComp: boolean;
  /** CPUs in the simulated machine. */
  readonly cpus: number;
  /** The simulated machine's memory in MiB, fio's `$mb_memory` (default {@link DEFAULT_MEMORY_MB}; nothing else reads it: O_DIRECT I/O has no page cache). */
  readonly memoryMb?: number;
  readonly sched: Partial<SchedParams>;
  /** The cost table (ns). */
  readonly costs: Partial<CostModel>;
  /** The block device: `kind` (null_blk, nvme, virtio-blk) and its options. */
  readonly device: DeviceOptions;
}

/** `memoryMb` of a profile that does not set it: a 16 GiB machine. */
export const DEFAULT_MEMORY_MB = 16_384;

/** The simulated machine's memory in MiB (fio's `$mb_memory`). */
export function memoryMbOf(profile: KernelProfile): number {
  return profile.memoryMb ?? DEFAULT_MEMORY_MB;
}
