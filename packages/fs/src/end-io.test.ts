import { REQ_OP_FLUSH } from '@dio/blockdev';
import { Kiocb } from '@dio/kiocb';
import { InvalidContextError, type KGen } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { fsync, IOMAP_DIO_COW, IOMAP_DIO_UNWRITTEN, IOMAP_F_DIRTY, IOMAP_F_NEW, IOMAP_F_SHARED, IOMAP_MAPPED, IOMAP_WRITE, type Iomap } from './index';
import { BS, mkFs, openOrThrow } from './test-helpers';

describe('->iomap_begin flags', () => {
  it('a clean overwrite inside EOF is plain MAPPED; spanning EOF or a pinned inode sets IOMAP_F_DIRTY', () => {
    const { sim, fs } = mkFs();
    const ino = fs.create('/d', 4 * BS, 'written');
    fs.allocRange(ino, 4, 4, 'written'); // written blocks past EOF (e.g. speculative preallocation)
    const maps: Iomap[] = [];
    sim.spawn('t', function* () {
      for (const [pos, len] of [[0, BS], [3 * BS, 2 * BS]] as const) {
        const m = yield* fs.iomapBegin(ino, pos, len, IOMAP_WRITE);
        if (typeof m === 'number') throw new Error(`${m}`);
        maps.push(m);
      }
      yield* fs.transaction(ino, () => {}); // some metadata change: the inode is pinned
      const m = yield* fs.iomapBegin(ino, 0, BS, IOMAP_WRITE);
      if (typeof m !== 'number') maps.push(m);
    });
    sim.run();
    expect(maps.map((m) => [m.type, m.flags])).toEqual([
      [IOMAP_MAPPED, 0],
      [IOMAP_MAPPED, IOMAP_F_DIRTY],
      [IOMAP_MAPPED, IOMAP_F_DIRTY],
    ]);
  });

  it('a write to a shared extent gets fresh COW blocks (MAPPED | F_SHARED); a read still sees the shared blocks', () => {
    const { sim, fs } = mkFs();
    const ino = fs.create('/c', 4 * BS, 'written', { shared: true });
    const old = ino.extents.list()[0]?.diskBlock ?? -1;
    let w: Iomap | number = 0;
    let r: Iomap | number = 0;
    sim.spawn('t', function* () {
      w = yield* fs.iomapBegin(ino, BS, 2 * BS, IOMAP_WRITE);
      r = yield* fs.iomapBegin(ino, BS, 2 * BS, 0);
    });
    sim.run();
    expect(w).toMatchObject({ type: IOMAP_MAPPED, length: 2 * BS });
    const wm = w as unknown as Iomap;
    expect(wm.flags & IOMAP_F_SHARED).toBe(IOMAP_F_SHARED);
    expect(wm.flags & IOMAP_F_NEW).toBe(0);
    expect(wm.addr).not.toBe((old + 1) * BS);
    expect(r).toMatchObject({ type: IOMAP_MAPPED, addr: (old + 1) * BS, flags: 0 });
    expect(ino.cow?.size).toBe(2);
  });
});

describe('->end_io (xfs_dio_write_end_io)', () => {
  function endIo(layout: 'written' | 'unwritten', size: number, pos: number, len: number, flags: number, opts: { shared?: boolean; error?: number; prealloc?: number } = {}) {
    const { sim, fs } = mkFs();
    const ino = fs.create('/e', size, layout, opts);
    if (opts.prealloc) fs.allocRange(ino, ino.extents.endBlock, opts.prealloc, 'unwritten'); // fallocate KEEP_SIZE
    const f = openOrThrow(fs, '/e');
    let ret = NaN;
    sim.spawn('kworker/0:1', function* () {
      if (opts.shared) yield* fs.iomapBegin(ino, pos, len, IOMAP_WRITE);
      ret = yield* fs.writeEndIo(new Kiocb(f, pos, null), len, opts.error ?? 0, flags);
    });
    sim.run();
    return { fs, ino, ret };
  }

  it('UNWRITTEN converts exactly the written blocks and extends i_size within the transaction', () => {
    const { fs, ino, ret } = endIo('unwritten', 2 * BS, BS, 2 * BS, IOMAP_DIO_UNWRITTEN, { prealloc: 2 });
    expect(ret).toBe(0);
    expect(ino.extents.list().map((e) => [e.fileBlock, e.len, e.state])).toEqual([
      [0, 1, 'unwritten'],
      [1, 2, 'written'],
      [3, 1, 'unwritten'],
    ]);
    expect(ino.iSize).toBe(3 * BS);
    expect(ino.metaDirty).toBe(true);
    expect(fs.journal.dirty).toBe(true);
  });

  it('an overwrite inside EOF changes nothing and logs nothing; past EOF it updates i_size and logs (xfs_setfilesize)', () => {
    const a = endIo('written', 4 * BS, 0, BS, 0);
    expect([a.ret, a.ino.iSize, a.fs.journal.dirty, a.ino.metaDirty]).toEqual([0, 4 * BS, false, false]);
    const b = endIo('written', 4 * BS, 4 * BS, BS, 0);
    expect([b.ret, b.ino.iSize, b.fs.journal.dirty, b.ino.metaDirty]).toEqual([0, 5 * BS, true, true]);
  });

  it('COW remaps the new blocks into the data fork, unshared, and keeps the shared originals', () => {
    const { fs, ino, ret } = endIo('written', 4 * BS, BS, BS, IOMAP_DIO_COW, { shared: true });
    expect(ret).toBe(0);
    const l1 = ino.extents.lookup(1);
    const l0 = ino.extents.lookup(0);
    if (l1.kind !== 'extent' || l0.kind !== 'extent') throw new Error('hole');
    expect(l1.ext.shared).toBe(false);
    expect(l0.ext.shared).toBe(true);
    expect(l1.ext.diskBlock).not.toBe(l0.ext.diskBlock + 1);
    expect(ino.cow?.size).toBe(0);
    expect(fs.journal.dirty).toBe(true);
  });

  it('errors are returned untouched and nothing is converted', () => {
    const { fs, ino, ret } = endIo('unwritten', 2 * BS, 2 * BS, BS, IOMAP_DIO_UNWRITTEN, { error: -5 });
    expect(ret).toBe(-5);
    expect(ino.extents.list().map((e) => e.state)).toEqual(['unwritten']);
    expect([ino.iSize, fs.journal.dirty]).toEqual([2 * BS, false]);
  });

  it('needs task context: run from a hardirq, unwritten conversion takes the ILOCK and raises InvalidContextError', () => {
    const { sim, fs } = mkFs();
    const ino = fs.create('/h', 2 * BS, 'unwritten');
    const f = openOrThrow(fs, '/h');
    const cpu = sim.cpus[0];
    if (cpu === undefined) throw new Error('no cpu');
    sim.at(0, () =>
      sim.raiseIrq(cpu, 'nvme0q1', function* (): KGen<void> {
        yield* fs.writeEndIo(new Kiocb(f, 0, null), BS, 0, IOMAP_DIO_UNWRITTEN);
      }),
    );
    expect(() => sim.run()).toThrow(InvalidContextError);
    expect(ino.extents.list()[0]?.state).toBe('unwritten');
  });
});

describe('fsync', () => {
  function fsyncAfter(dev: { write_cache?: boolean }, dirty: boolean) {
    const { sim, fs, seen } = mkFs(dev);
    const ino = fs.create('/s', 4 * BS, 'written');
    const other = fs.create('/o', 4 * BS, 'written');
    const f = openOrThrow(fs, '/s');
    let ret = NaN;
    sim.spawn('t', function* () {
      yield* fs.transaction(other, () => {}); // another inode's metadata is in the log
      if (dirty) yield* fs.transaction(ino, () => {});
      ret = yield* fsync(f);
    });
    sim.run();
    return { ret, seen, fs, ino, other };
  }

  it('a pinned inode forces the log: one PREFLUSH|FUA log write, and every inode in it is unpinned', () => {
    const { ret, seen, fs, ino, other } = fsyncAfter({ write_cache: true }, true);
    expect(ret).toBe(0);
    expect(seen.map((b) => [b.preflush, b.fua])).toEqual([[true, true]]);
    expect([fs.journal.forces, fs.journal.flushes, ino.metaDirty, other.metaDirty, fs.journal.dirty]).toEqual([1, 0, false, false, false]);
  });

  it('a clean inode (pure overwrites) only flushes the cache, even if another inode is pinned', () => {
    const { ret, seen, fs, other } = fsyncAfter({ write_cache: true }, false);
    expect(ret).toBe(0);
    expect(seen.map((b) => b.op)).toEqual([REQ_OP_FLUSH]);
    expect([fs.journal.forces, fs.journal.flushes, other.metaDirty]).toEqual([0, 1, true]);
  });

  it('a second fsync that only waits for a log write already in flight also flushes the cache (xfs_file_fsync: !log_flushed)', () => {
    const { sim, fs, seen } = mkFs({ write_cache: true, flush_latency: { kind: 'fixed', value: 50_000 } });
    const ino = fs.create('/p', 4 * BS, 'written');
    const f = openOrThrow(fs, '/p');
    const done: [string, number, number][] = [];
    sim.spawn('a', function* () {
      yield* fs.transaction(ino, () => {});
      done.push(['a', yield* fsync(f), sim.now]);
    });
    sim.spawn('b', function* () {
      yield 10_000; // a's log write (PREFLUSH) is in flight; b's data may have landed after that flush started
      done.push(['b', yield* fsync(f), sim.now]);
    });
    sim.run();
    // a forced the log; b waited for that log write, then flushed the cache itself
    expect(seen.map((b) => [b.op === REQ_OP_FLUSH ? 'flush' : 'log', b.preflush])).toEqual([['log', true], ['flush', true]]);
    expect([fs.journal.forces, fs.journal.flushes]).toEqual([1, 1]);
    const [a, b] = [done.find((d) => d[0] === 'a'), done.find((d) => d[0] === 'b')];
    expect(a?.[1]).toBe(0);
    expect(b?.[1]).toBe(0);
    expect(b?.[2] ?? 0).toBeGreaterThan(a?.[2] ?? Infinity); // b returned only after a's log write and its own flush
  });

  it('a clean inode on a device without a volatile cache issues nothing', () => {
    const { ret, seen } = fsyncAfter({ write_cache: false }, false);
    expect(ret).toBe(0);
    expect(seen).toEqual([]);
  });
});
