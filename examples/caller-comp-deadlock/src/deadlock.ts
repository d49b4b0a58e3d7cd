/**
 * The bug that made io_uring stop setting IOCB_DIO_CALLER_COMP before 6.6
 * final (838b35bb6a89, reported by Andres Freund from postgres): a
 * DEFER_TASKRUN issuer submits async O_DIRECT overwrites, then calls
 * fallocate() (or ftruncate()) on the same file before reaping. XFS takes
 * i_rwsem and waits in inode_dio_wait() — but with the completion handed
 * back to the issuer, inode_dio_end() sits in the issuer's own task_work,
 * which only runs in its next io_uring_enter(GETEVENTS). It waits on itself,
 * and the engine reports the wait-for chain as a DeadlockError.
 *
 * The stack is assembled by hand from each shipped kernel profile: its
 * completion policy (`policyFor`), whether io_uring sets the flag
 * (`ioUringCallerComp`), its costs, scheduler and device.
 */
import { NullBlk } from '@dio/blockdev';
import { type KernelProfile, LINUX_6_19, LINUX_6_6, LINUX_6_6_RC1, policyFor } from '@dio/fio';
import { DioFs, fallocate, ftruncate } from '@dio/fs';
import { iomapFileOperations } from '@dio/iomap';
import { cqeSeen, getSqe, IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_SINGLE_ISSUER, prepWrite, queueInitParams, sqeSetData64, submit, waitCqe } from '@dio/io-uring';
import { FdTable, O_DIRECT, O_RDWR } from '@dio/kiocb';
import { DeadlockError, type KGen, Simulator } from '@dio/sim';

/** How the workload ended under one kernel. */
export type Outcome =
  | { readonly kind: 'deadlock'; readonly chain: readonly string[]; readonly message: string }
  | {
      readonly kind: 'finished';
      readonly syscallRet: number;
      readonly cqes: readonly number[];
      readonly at: number;
      readonly iSize: number;
      /** Where each write's iomap_dio_complete (and so inode_dio_end) ran, and when: from its tracepoint. */
      readonly completions: readonly { readonly via: string; readonly kind: string; readonly ctx: string; readonly at: number }[];
      /** When the space op entered inode_dio_wait's caller (the syscall started), ns. */
      readonly opStart: number;
    };

/** The size-changing call made while the writes are in flight. */
export type SpaceOp = 'fallocate' | 'ftruncate';

/** The kernels compared: the issuer sets the flag only on 6.6-rc1. */
export const KERNELS: readonly { readonly label: string; readonly profile: KernelProfile }[] = [
  { label: 'linux-6.6-rc1 (io_uring sets IOCB_DIO_CALLER_COMP)', profile: LINUX_6_6_RC1 },
  { label: 'linux-6.6 (flag no longer set: workqueue completion)', profile: LINUX_6_6 },
  { label: 'linux-6.19 (completion in the interrupt)', profile: LINUX_6_19 },
];

const PATH = '/pgdata/base/16384/16385';
const BLOCK = 8192;
const BLOCKS = 64;

/** Run the postgres-shaped workload on one kernel: `writes` async 8 KiB overwrites, then `op` before reaping. */
export function runWorkload(profile: KernelProfile, op: SpaceOp = 'fallocate', writes = 4, seed = 1): Outcome {
  const sim = new Simulator({ seed, cpus: 2, costs: profile.costs, sched: profile.sched, trace: true });
  const fs = new DioFs(sim, new NullBlk(sim, { ...profile.device, gb: 1 }), { fops: iomapFileOperations(policyFor(profile)) });
  fs.create(PATH, BLOCKS * BLOCK, 'written');
  const file = fs.open(PATH, O_RDWR | O_DIRECT);
  if (typeof file === 'number') throw new Error(`open: ${file}`);
  const files = new FdTable();
  const fd = files.install(file);
  let syscallRet = Number.NaN;
  let opStart = Number.NaN;
  const cqes: number[] = [];
  const postgres = function* (): KGen<void> {
    const params = { flags: IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN };
    const ring = yield* queueInitParams(8, params, { files, kernel: { dioCallerComp: profile.ioUringCallerComp } });
    if (typeof ring === 'number') throw new Error(`io_uring_setup: ${ring}`);
    for (let i = 0; i < writes; i++) {
      const sqe = getSqe(ring);
      if (sqe === null) break;
      prepWrite(sqe, fd, new Uint8Array(BLOCK).fill(i + 1), BLOCK, i * BLOCK);
      sqeSetData64(sqe, i);
    }
    yield* submit(ring); // io_uring_enter(to_submit) without GETEVENTS: nothing reaped yet
    // extend the relation by 16 blocks (FileFallocate), or cut it back (ftruncate)
    opStart = sim.now;
    syscallRet = op === 'fallocate' ? yield* fallocate(file, 0, BLOCKS * BLOCK, 16 * BLOCK) : yield* ftruncate(fs, file, (BLOCKS - 16) * BLOCK);
    while (cqes.length < writes) {
      const c = yield* waitCqe(ring);
      if (typeof c === 'number') throw new Error(`io_uring_wait_cqe: ${c}`);
      cqes.push(c.res);
      cqeSeen(ring, c);
    }
  };
  sim.spawn('postgres', postgres(), { cpusAllowed: [0] });
  try {
    sim.run();
  } catch (e) {
    if (e instanceof DeadlockError) return { kind: 'deadlock', chain: e.chain, message: e.message };
    throw e;
  }
  const completions = sim.tracer.records
    .filter((r) => r.name === 'iomap_dio_complete')
    .map((r) => ({ via: String(r.args?.['via'] ?? '?'), kind: r.kind, ctx: r.ctx, at: r.ts }));
  return { kind: 'finished', syscallRet, cqes, at: sim.now, iSize: file.fInode.iSize, completions, opStart };
}
