/**
 * The bug that made io_uring stop setting IOCB_DIO_CALLER_COMP before 6.6
 * final (838b35bb6a89): a DEFER_TASKRUN issuer submits async O_DIRECT
 * overwrites, then calls fallocate() on the same file before reaping. XFS's
 * fallocate takes i_rwsem and waits in inode_dio_wait() — but with the
 * completion handed back to the issuer, inode_dio_end() sits in the issuer's
 * own task_work, which only runs in its next io_uring_enter. It waits on
 * itself. The engine reports the wait-for chain as a DeadlockError.
 */
import { NullBlk } from '@dio/blockdev';
import { DioFs, FALLOC_FL_KEEP_SIZE, fallocate } from '@dio/fs';
import { CallerPolicy, type CompletionPolicy, InlinePolicy, iomapFileOperations } from '@dio/iomap';
import {
  cqeSeen,
  getSqe,
  IORING_SETUP_DEFER_TASKRUN,
  IORING_SETUP_SINGLE_ISSUER,
  prepWrite,
  queueInitParams,
  sqeSetData64,
  submit,
  waitCqe,
} from '@dio/io-uring';
import { FdTable, O_DIRECT, O_RDWR } from '@dio/kiocb';
import { DeadlockError, Simulator } from '@dio/sim';

/** How the workload ended under one kernel. */
export type Outcome = { kind: 'deadlock'; chain: readonly string[] } | { kind: 'finished'; fallocateRet: number; cqes: number; at: number };

/** The kernels compared: the issuer sets the flag only on 6.6-rc1. */
export const KERNELS: readonly { name: string; policy: () => CompletionPolicy; callerComp: boolean }[] = [
  { name: 'linux-6.6-rc1 (IOCB_DIO_CALLER_COMP)', policy: () => new CallerPolicy(), callerComp: true },
  { name: 'linux-6.6 (flag no longer set)', policy: () => new CallerPolicy(), callerComp: false },
  { name: 'linux-6.19 (completion in the interrupt)', policy: () => new InlinePolicy(), callerComp: false },
];

/** Run the postgres-shaped workload on one kernel. */
export function runWorkload(k: (typeof KERNELS)[number], writes = 4): Outcome {
  const sim = new Simulator({ seed: 1, cpus: 2 });
  const fs = new DioFs(sim, new NullBlk(sim, { gb: 1, completion_nsec: 20_000 }), { fops: iomapFileOperations(k.policy()) });
  fs.create('/pgdata/base/16384/16385', 64 * 4096, 'written');
  const file = fs.open('/pgdata/base/16384/16385', O_RDWR | O_DIRECT);
  if (typeof file === 'number') throw new Error('open');
  const files = new FdTable();
  const fd = files.install(file);
  let fallocateRet = Number.NaN;
  let cqes = 0;
  sim.spawn('postgres', function* () {
    const ring = yield* queueInitParams(8, { flags: IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN }, { files, kernel: { dioCallerComp: k.callerComp } });
    if (typeof ring === 'number') throw new Error(`io_uring_setup: ${ring}`);
    for (let i = 0; i < writes; i++) {
      const sqe = getSqe(ring);
      if (sqe === null) break;
      prepWrite(sqe, fd, new Uint8Array(4096).fill(i), 4096, i * 4096);
      sqeSetData64(sqe, i);
    }
    yield* submit(ring); // writes in flight; their completions are not reaped yet
    fallocateRet = yield* fallocate(file, FALLOC_FL_KEEP_SIZE, 0, 64 * 4096); // extend the relation
    while (cqes < writes) {
      const c = yield* waitCqe(ring);
      if (typeof c === 'number') throw new Error(`wait: ${c}`);
      cqeSeen(ring, c);
      cqes++;
    }
  });
  try {
    sim.run();
  } catch (e) {
    if (e instanceof DeadlockError) return { kind: 'deadlock', chain: e.chain };
    throw e;
  }
  return { kind: 'finished', fallocateRet, cqes, at: sim.now };
}
