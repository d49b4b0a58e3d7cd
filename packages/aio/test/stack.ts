/** A stack for aio tests: NullBlk → DioFs (iomap, a policy) → a process fd table with one O_DIRECT file. */
import { NullBlk } from '@dio/blockdev';
import { DioFs } from '@dio/fs';
import { type CompletionPolicy, iomapFileOperations } from '@dio/iomap';
import { FdTable, File, type FileOperations, type Kiocb, O_DIRECT, O_RDWR } from '@dio/kiocb';
import { Simulator } from '@dio/sim';

export const BS = 4096;

export interface AioStack {
  readonly sim: Simulator;
  readonly fs: DioFs;
  readonly files: FdTable;
  /** fd of `/f` (64 blocks, written). */
  readonly fd: number;
}

export function stack(policy: CompletionPolicy, cpus = 2): AioStack {
  const sim = new Simulator({ seed: 3, cpus, trace: true });
  const dev = new NullBlk(sim, { gb: 1, irqmode: 'hardirq', completion_nsec: 10_000 });
  const fs = new DioFs(sim, dev, { fops: iomapFileOperations(policy) });
  const files = new FdTable();
  fs.create('/f', 64 * BS, 'written');
  const f = fs.open('/f', O_RDWR | O_DIRECT);
  if (typeof f === 'number') throw new Error('open');
  return { sim, fs, files, fd: files.install(f) };
}

/** Install a copy of `fd`'s file whose ->write_iter / ->read_iter first record the kiocb and its flags at that moment. */
export function spyFd(st: AioStack, fd: number, seen: { kiocb: Kiocb; flags: number }[]): number {
  const f = st.files.get(fd);
  if (f === undefined) throw new Error('no file');
  const op = f.fOp;
  const spied: FileOperations = {
    writeIter: (k, it) => (seen.push({ kiocb: k, flags: k.kiFlags }), op.writeIter(k, it)),
    readIter: (k, it) => (seen.push({ kiocb: k, flags: k.kiFlags }), op.readIter(k, it)),
    fsync: (file, s, e, d) => op.fsync(file, s, e, d),
  };
  return st.files.install(new File(f.fInode, f.fFlags, f.fMode, spied, f.path));
}
