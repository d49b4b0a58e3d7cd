/**
 * Assemble the simulated machine a profile describes: CPUs and scheduler,
 * the device its `device.kind` names, a DioFs with the profile's completion policy, and a
 * process fd table.
 * @module
 */
import { type BlkMqDevice, createBlockDevice } from '@dio/blockdev';
import { DioFs } from '@dio/fs';
import { CallerPolicy, type CompletionPolicy, InlinePolicy, iomapFileOperations, WorkqueuePolicy } from '@dio/iomap';
import type { IoUringEnv } from '@dio/io-uring';
import { FdTable } from '@dio/kiocb';
import { Simulator } from '@dio/sim';
import type { KernelProfile } from './profile';

/** The pieces a job runs on. */
export interface Stack {
  readonly sim: Simulator;
  readonly dev: BlkMqDevice;
  readonly fs: DioFs;
  readonly files: FdTable;
  readonly uringEnv: IoUringEnv;
  readonly profile: KernelProfile;
}

/** The profile's completion policy object. */
export function policyFor(p: KernelProfile): CompletionPolicy {
  switch (p.policy) {
    case 'workqueue':
      return new WorkqueuePolicy(p.writeThroughCache);
    case 'caller':
      return new CallerPolicy();
    case 'inline':
      return new InlinePolicy();
  }
}

/** Build the machine. `minCpus` grows it to fit a job's cpus_allowed. */
export function buildStack(profile: KernelProfile, opts: { seed: number; trace?: boolean; minCpus?: number; stages?: boolean; cpuWindowNs?: number }): Stack {
  const cpus = Math.max(profile.cpus, opts.minCpus ?? 1);
  const { stages, cpuWindowNs } = opts;
  const sim = new Simulator({ seed: opts.seed, cpus, sched: profile.sched, costs: profile.costs, trace: opts.trace ?? false, ...(stages !== undefined && { stages }), ...(cpuWindowNs !== undefined && { cpuWindowNs }) });
  const dev = createBlockDevice(sim, profile.device);
  const fs = new DioFs(sim, dev, { fops: iomapFileOperations(policyFor(profile)) });
  const files = new FdTable();
  return { sim, dev, fs, files, uringEnv: { files, kernel: { dioCallerComp: profile.ioUringCallerComp } }, profile };
}
