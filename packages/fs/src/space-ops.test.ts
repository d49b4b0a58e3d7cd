import { EBADF, EINVAL, O_DIRECT, O_RDONLY } from '@dio/kiocb';
import { describe, expect, it } from 'vitest';
import { FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE, FALLOC_FL_ZERO_RANGE, fallocate, ftruncate } from './index';
import { BS, devRead, devWrite, mkFs, openOrThrow, sectorOf } from './test-helpers';

const fill = (n: number, v: number) => new Uint8Array(n).fill(v);

describe('ftruncate', () => {
  it('shrinks: frees the blocks past the new EOF and zeroes the tail of the EOF block', () => {
    const { sim, fs } = mkFs();
    const ino = fs.create('/t', 4 * BS, 'written');
    const f = openOrThrow(fs, '/t');
    const free0 = fs.freeBlocks;
    const s1 = sectorOf(ino, 1);
    let tail: Uint8Array = new Uint8Array(0);
    let ret = NaN;
    sim.spawn('t', function* () {
      yield* devWrite(fs.bdev, s1, fill(BS, 0xaa));
      ret = yield* ftruncate(fs, f, BS + 100);
      tail = yield* devRead(fs.bdev, s1, BS);
    });
    sim.run();
    expect(ret).toBe(0);
    expect(ino.iSize).toBe(BS + 100);
    expect(ino.extents.endBlock).toBe(2);
    expect(fs.freeBlocks).toBe(free0 + 2);
    expect(tail.subarray(0, 100)).toEqual(fill(100, 0xaa));
    expect(tail.subarray(100)).toEqual(fill(BS - 100, 0));
  });

  it('grows: only the size changes (a hole), and the old EOF block is zeroed past old EOF', () => {
    const { sim, fs } = mkFs();
    const ino = fs.create('/g', 100, 'written');
    const f = openOrThrow(fs, '/g');
    const s0 = sectorOf(ino, 0);
    let blk: Uint8Array = new Uint8Array(0);
    sim.spawn('t', function* () {
      yield* devWrite(fs.bdev, s0, fill(BS, 0x55)); // stale bytes beyond EOF in the EOF block
      expect(yield* ftruncate(fs, f, 8 * BS)).toBe(0);
      blk = yield* devRead(fs.bdev, s0, BS);
    });
    sim.run();
    expect(ino.iSize).toBe(8 * BS);
    expect(ino.extents.lookup(1).kind).toBe('hole');
    expect(blk.subarray(0, 100)).toEqual(fill(100, 0x55));
    expect(blk.subarray(100)).toEqual(fill(BS - 100, 0));
  });

  it('rejects a read-only file and a negative length', () => {
    const { sim, fs } = mkFs();
    fs.create('/r', BS);
    const ro = openOrThrow(fs, '/r', O_RDONLY | O_DIRECT);
    const rw = openOrThrow(fs, '/r');
    const rets: number[] = [];
    sim.spawn('t', function* () {
      rets.push(yield* ftruncate(fs, ro, 0), yield* ftruncate(fs, rw, -1));
    });
    sim.run();
    expect(rets).toEqual([-EBADF, -EINVAL]);
  });
});

describe('fallocate', () => {
  it('mode 0 allocates unwritten extents over holes and extends i_size; KEEP_SIZE allocates past EOF without it', () => {
    const { sim, fs } = mkFs();
    const ino = fs.create('/a', 2 * BS, 'written');
    const f = openOrThrow(fs, '/a');
    const free0 = fs.freeBlocks;
    sim.spawn('t', function* () {
      expect(yield* fallocate(f, 0, BS, 3 * BS)).toBe(0);
      expect(ino.iSize).toBe(4 * BS);
      expect(yield* fallocate(f, FALLOC_FL_KEEP_SIZE, 4 * BS, 4 * BS)).toBe(0);
    });
    sim.run();
    expect(ino.iSize).toBe(4 * BS);
    expect(ino.extents.list().map((e) => [e.fileBlock, e.len, e.state])).toEqual([
      [0, 2, 'written'],
      [2, 6, 'unwritten'],
    ]);
    expect(fs.freeBlocks).toBe(free0 - 6);
  });

  it('PUNCH_HOLE frees the whole blocks, zeroes partial edges, keeps i_size', () => {
    const { sim, fs } = mkFs();
    const ino = fs.create('/p', 4 * BS, 'written');
    const f = openOrThrow(fs, '/p');
    const s0 = sectorOf(ino, 0);
    const s2 = sectorOf(ino, 2);
    const free0 = fs.freeBlocks;
    let b0: Uint8Array = new Uint8Array(0);
    let b2: Uint8Array = new Uint8Array(0);
    sim.spawn('t', function* () {
      yield* devWrite(fs.bdev, s0, fill(4 * BS, 0x77));
      // punch [3000, 2*BS+1000): block 1 whole, blocks 0 and 2 in part
      expect(yield* fallocate(f, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 3000, 2 * BS + 1000 - 3000)).toBe(0);
      b0 = yield* devRead(fs.bdev, s0, BS);
      b2 = yield* devRead(fs.bdev, s2, BS);
    });
    sim.run();
    expect(ino.iSize).toBe(4 * BS);
    expect(ino.extents.lookup(1).kind).toBe('hole');
    expect(ino.extents.lookup(0).kind).toBe('extent');
    expect(ino.extents.lookup(2).kind).toBe('extent');
    expect(fs.freeBlocks).toBe(free0 + 1);
    expect(b0.subarray(0, 3000)).toEqual(fill(3000, 0x77));
    expect(b0.subarray(3000)).toEqual(fill(BS - 3000, 0));
    expect(b2.subarray(0, 1000)).toEqual(fill(1000, 0));
    expect(b2.subarray(1000)).toEqual(fill(BS - 1000, 0x77));
  });

  it('PUNCH_HOLE inside one block only zeroes', () => {
    const { sim, fs } = mkFs();
    const ino = fs.create('/q', BS, 'written');
    const f = openOrThrow(fs, '/q');
    const s0 = sectorOf(ino, 0);
    let b: Uint8Array = new Uint8Array(0);
    sim.spawn('t', function* () {
      yield* devWrite(fs.bdev, s0, fill(BS, 0x11));
      expect(yield* fallocate(f, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 512, 1024)).toBe(0);
      b = yield* devRead(fs.bdev, s0, BS);
    });
    sim.run();
    expect(ino.extents.lookup(0).kind).toBe('extent');
    expect([b[511], b[512], b[1535], b[1536]]).toEqual([0x11, 0, 0, 0x11]);
  });

  it('ZERO_RANGE turns whole blocks unwritten, zeroes partial edges, and keeps data outside the range', () => {
    const { sim, fs } = mkFs();
    const ino = fs.create('/z', 3 * BS, 'written');
    const f = openOrThrow(fs, '/z');
    const s0 = sectorOf(ino, 0);
    let all: Uint8Array = new Uint8Array(0);
    sim.spawn('t', function* () {
      yield* devWrite(fs.bdev, s0, fill(3 * BS, 0x33));
      expect(yield* fallocate(f, FALLOC_FL_ZERO_RANGE, BS - 8, BS + 16)).toBe(0);
      all = yield* devRead(fs.bdev, s0, 3 * BS);
    });
    sim.run();
    expect(ino.extents.list().map((e) => e.state)).toEqual(['written', 'unwritten', 'written']);
    expect([all[BS - 9], all[BS - 8], all[2 * BS + 7], all[2 * BS + 8]]).toEqual([0x33, 0, 0, 0x33]);
    expect(ino.iSize).toBe(3 * BS);
  });

  it('drains in-flight DIO first: waits in inode_dio_wait until i_dio_count drops', () => {
    const { sim, fs } = mkFs();
    const ino = fs.create('/w', 4 * BS, 'written');
    const f = openOrThrow(fs, '/w');
    const ref = { owner: { agent: 'device' } };
    ino.iDioCount = 1;
    ino.dioRefs.add(ref);
    let doneAt = -1;
    sim.spawn('punch', function* () {
      expect(yield* fallocate(f, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, BS)).toBe(0);
      doneAt = sim.now;
    });
    sim.at(30_000, () => {
      expect(ino.extents.lookup(0).kind).toBe('extent'); // not punched yet
      ino.dioRefs.delete(ref);
      ino.iDioCount = 0;
      ino.dioWait.wakeUpAll();
    });
    sim.run();
    expect(doneAt).toBeGreaterThanOrEqual(30_000);
    expect(ino.extents.lookup(0).kind).toBe('hole');
  });
});
