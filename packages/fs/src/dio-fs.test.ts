import { NullBlk } from '@dio/blockdev';
import { EINVAL, EOPNOTSUPP, type FileOperations, O_DIRECT, O_RDWR } from '@dio/kiocb';
import { type KGen, Simulator } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { DioFs, FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE, fsFallocate, IOMAP_F_NEW, IOMAP_HOLE, IOMAP_MAPPED, IOMAP_NOWAIT, IOMAP_UNWRITTEN, IOMAP_WRITE, setattrSize } from './index';

const BS = 4096;
function* nothing(): KGen<number> {
  return 0;
}
const fops: FileOperations = { writeIter: nothing, readIter: nothing, fsync: nothing };

function mk() {
  const sim = new Simulator({ seed: 1 });
  const fs = new DioFs(sim, new NullBlk(sim, { gb: 1 }), { fops: () => fops });
  return { sim, fs };
}

describe('DioFs', () => {
  it('iomap_begin maps written, unwritten and hole ranges; writes into holes allocate unwritten + NEW', () => {
    const { sim, fs } = mk();
    const ino = fs.create('/a', 8 * BS, 'hole');
    fs.allocRange(ino, 0, 2, 'written');
    fs.allocRange(ino, 2, 2, 'unwritten');
    const got: unknown[] = [];
    sim.spawn('t', function* () {
      got.push(yield* fs.iomapBegin(ino, 0, 8 * BS, 0));
      got.push(yield* fs.iomapBegin(ino, 2 * BS, 8 * BS, 0));
      got.push(yield* fs.iomapBegin(ino, 4 * BS, BS, 0));
      got.push(yield* fs.iomapBegin(ino, 4 * BS, BS, IOMAP_WRITE | IOMAP_NOWAIT));
      got.push(yield* fs.iomapBegin(ino, 4 * BS, BS, IOMAP_WRITE));
    });
    sim.run();
    expect(got[0]).toMatchObject({ type: IOMAP_MAPPED, offset: 0, length: 2 * BS });
    expect(got[1]).toMatchObject({ type: IOMAP_UNWRITTEN, length: 2 * BS });
    expect(got[2]).toMatchObject({ type: IOMAP_HOLE, length: BS });
    expect(got[3]).toBe(-11); // -EAGAIN: allocation would block
    expect(got[4]).toMatchObject({ type: IOMAP_UNWRITTEN, flags: expect.any(Number) });
    expect(((got[4] as { flags: number }).flags & IOMAP_F_NEW) !== 0).toBe(true);
    expect(ino.metaDirty).toBe(true);
  });

  it('truncate frees blocks past EOF; fallocate allocates, keeps size, punches holes and rejects bad modes', () => {
    const { sim, fs } = mk();
    const ino = fs.create('/b', 8 * BS, 'written');
    const f = fs.open('/b', O_RDWR | O_DIRECT);
    if (typeof f === 'number') throw new Error('open');
    const free0 = fs.freeBlocks;
    const rets: number[] = [];
    sim.spawn('t', function* () {
      rets.push(yield* setattrSize(fs, ino, 2 * BS));
      rets.push(yield* fsFallocate(fs, f, 0, 0, 6 * BS));
      rets.push(yield* fsFallocate(fs, f, FALLOC_FL_KEEP_SIZE, 0, 10 * BS));
      rets.push(yield* fsFallocate(fs, f, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, BS, 2 * BS));
      rets.push(yield* fsFallocate(fs, f, FALLOC_FL_PUNCH_HOLE, 0, BS));
      rets.push(yield* fsFallocate(fs, f, 0, -1, BS));
    });
    sim.run();
    expect(rets).toEqual([0, 0, 0, 0, -EOPNOTSUPP, -EINVAL]);
    expect(ino.iSize).toBe(6 * BS);
    expect(ino.extents.lookup(1).kind).toBe('hole');
    expect(ino.extents.lookup(9).kind).toBe('extent');
    expect(fs.freeBlocks).toBe(free0 + 8 - 10 + 2);
  });
});
