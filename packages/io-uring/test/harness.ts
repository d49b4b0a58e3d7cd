/** A stack for io_uring tests: NullBlk → DioFs (iomap, a policy) → a process fd table. */
import { NullBlk, type NullBlkOptions } from '@dio/blockdev';
import { DioFs, type DioWqFactory, type Layout } from '@dio/fs';
import { FdTable, File, type FileOperations, type Kiocb, O_DIRECT, O_RDWR } from '@dio/kiocb';
import { type CompletionPolicy, iomapFileOperations, WorkqueuePolicy } from '@dio/iomap';
import { type KGen, type SimOptions, Simulator } from '@dio/sim';
import { type Cqe, cqeSeen, type IoUring, type IoUringEnv, waitCqe } from '../src/index';

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

/** Install a copy of `fd`'s file whose ->write_iter / ->read_iter first record the kiocb (and its flags then). */
export function spyFd(st: Stack, fd: number, seen: { kiocb: Kiocb; flags: number }[]): number {
  const f = st.env.files.get(fd);
  if (f === undefined) throw new Error('no file');
  const op = f.fOp;
  const spied: FileOperations = {
    writeIter: (k, it) => (seen.push({ kiocb: k, flags: k.kiFlags }), op.writeIter(k, it)),
    readIter: (k, it) => (seen.push({ kiocb: k, flags: k.kiFlags }), op.readIter(k, it)),
    fsync: (file, s, e, d) => op.fsync(file, s, e, d),
    ...(op.iopoll ? { iopoll: (k: Kiocb) => (op.iopoll as NonNullable<FileOperations['iopoll']>).call(op, k) } : {}),
  };
  return st.env.files.install(new File(f.fInode, f.fFlags, f.fMode, spied, f.path));
}

/** Reap `n` CQEs (io_uring_wait_cqe + io_uring_cqe_seen). */
export function* reapN(r: IoUring, n: number): KGen<Cqe[]> {
  const out: Cqe[] = [];
  while (out.length < n) {
    const c = yield* waitCqe(r);
    if (typeof c === 'number') throw new Error(`wait: ${c}`);
    out.push(c);
    cqeSeen(r, c);
  }
  return out;
}
