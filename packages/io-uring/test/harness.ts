/** A stack for io_uring tests: NullBlk → DioFs (iomap, a policy) → a process fd table. */
import { NullBlk, type NullBlkOptions } from '@dio/blockdev';
import { DioFs, type DioWqFactory, type Layout } from '@dio/fs';
import { FdTable, O_DIRECT, O_RDWR } from '@dio/kiocb';
import { type CompletionPolicy, iomapFileOperations, WorkqueuePolicy } from '@dio/iomap';
import { type SimOptions, Simulator } from '@dio/sim';
import type { IoUringEnv } from '../src/index';

export interface Stack {
  readonly sim: Simulator;
  readonly dev: NullBlk;
  readonly fs: DioFs;
  readonly env: IoUringEnv;
  /** Create and open a file; returns its fd. */
  file(path: string, size: number, layout?: Layout, flags?: number): number;
}

export function makeStack(
  opts: { policy?: CompletionPolicy; dev?: NullBlkOptions; sim?: SimOptions; callerComp?: boolean; dioWq?: DioWqFactory } = {},
): Stack {
  const sim = new Simulator({ seed: 11, cpus: 2, ...opts.sim });
  const dev = new NullBlk(sim, { gb: 1, irqmode: 'hardirq', completion_nsec: 10_000, ...opts.dev });
  const fs = new DioFs(sim, dev, { fops: iomapFileOperations(opts.policy ?? new WorkqueuePolicy()), ...(opts.dioWq ? { dioWq: opts.dioWq } : {}) });
  const files = new FdTable();
  return {
    sim,
    dev,
    fs,
    env: { files, kernel: { dioCallerComp: opts.callerComp ?? false } },
    file(path, size, layout = 'written', flags = O_RDWR | O_DIRECT) {
      fs.create(path, size, layout);
      const f = fs.open(path, flags);
      if (typeof f === 'number') throw new Error(`open ${path}: ${f}`);
      return files.install(f);
    },
  };
}

export function pattern(len: number, seed: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (i * 13 + seed * 7) & 0xff;
  return b;
}
