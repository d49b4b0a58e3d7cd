import { DeadlockError, Simulator, currentTask } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import {
  AddressSpace,
  EAGAIN,
  EIO,
  EIOCBQUEUED,
  errnoName,
  FdTable,
  File,
  FMODE_WRITE,
  Inode,
  inodeDioBegin,
  inodeDioEnd,
  inodeDioWait,
  IOCB_AIO_RW,
  IOCB_ALLOC_CACHE,
  IOCB_APPEND,
  IOCB_DIO_CALLER_COMP,
  IOCB_DIRECT,
  IOCB_DSYNC,
  IOCB_EVENTFD,
  IOCB_HIPRI,
  IOCB_NOIO,
  IOCB_NOWAIT,
  IOCB_SYNC,
  IOCB_WAITQ,
  IOCB_WRITE,
  initSyncKiocb,
  kiocbSetRwFlags,
  O_APPEND,
  O_DIRECT,
  O_RDONLY,
  O_RDWR,
  PAGE_SIZE,
  RWF_APPEND,
  RWF_DSYNC,
  RWF_HIPRI,
  RWF_NOWAIT,
  RWF_SYNC,
  type DioRef,
} from './index';
import { noOps } from './test-helpers';


describe('include/linux/fs.h values (6.6)', () => {
  it('every IOCB_* bit has its kernel value', () => {
    expect([IOCB_HIPRI, IOCB_DSYNC, IOCB_SYNC, IOCB_NOWAIT, IOCB_APPEND]).toEqual([0x1, 0x2, 0x4, 0x8, 0x10]);
    expect([IOCB_EVENTFD, IOCB_DIRECT, IOCB_WRITE, IOCB_WAITQ, IOCB_NOIO, IOCB_ALLOC_CACHE, IOCB_DIO_CALLER_COMP, IOCB_AIO_RW]).toEqual([
      1 << 16,
      1 << 17,
      1 << 18,
      1 << 19,
      1 << 20,
      1 << 21,
      1 << 22,
      1 << 23,
    ]);
  });

  it('the public RWF_* bits equal the IOCB_* bits they become', () => {
    expect([RWF_HIPRI, RWF_DSYNC, RWF_SYNC, RWF_NOWAIT, RWF_APPEND]).toEqual([IOCB_HIPRI, IOCB_DSYNC, IOCB_SYNC, IOCB_NOWAIT, IOCB_APPEND]);
  });

  it('RWF_APPEND sets IOCB_APPEND; O_APPEND sets it at open (iocb_flags)', () => {
    const file = new File(new Inode(1), O_RDWR | O_DIRECT, FMODE_WRITE, noOps);
    const k = initSyncKiocb(file, 0);
    expect(k.kiFlags & IOCB_APPEND).toBe(0);
    expect(kiocbSetRwFlags(k, RWF_APPEND)).toBe(0);
    expect(k.kiFlags & IOCB_APPEND).toBe(IOCB_APPEND);
    expect(initSyncKiocb(new File(new Inode(2), O_RDWR | O_APPEND, FMODE_WRITE, noOps), 0).kiFlags & IOCB_APPEND).toBe(IOCB_APPEND);
  });

  it('errno values and names', () => {
    expect([EIO, EAGAIN, EIOCBQUEUED]).toEqual([5, 11, 529]);
    expect(errnoName(-EAGAIN)).toBe('EAGAIN');
    expect(errnoName(EIO)).toBe('EIO');
    expect(errnoName(-4242)).toBe('errno 4242');
  });
});

describe('struct file', () => {
  it('access mode from f_flags', () => {
    const ro = new File(new Inode(1), O_RDONLY, 0, noOps);
    const rw = new File(new Inode(1), O_RDWR, FMODE_WRITE, noOps);
    expect([ro.readable, ro.writable, rw.readable, rw.writable, rw.supportsNowait]).toEqual([true, false, true, true, false]);
    expect(rw.fMapping).toBe(rw.fInode.iMapping);
  });

  it('FdTable hands out the lowest free fd from 3 and reuses closed ones', () => {
    const t = new FdTable();
    const f = new File(new Inode(1), O_RDWR, FMODE_WRITE, noOps);
    expect([t.install(f), t.install(f)]).toEqual([3, 4]);
    expect(t.close(3)).toBe(true);
    expect(t.close(3)).toBe(false);
    expect(t.get(3)).toBeUndefined();
    expect(t.get(-1)).toBeUndefined();
    expect(t.install(f)).toBe(3);
    expect(t.get(4)).toBe(f);
  });
});

describe('struct address_space', () => {
  it('nrpages counts cached pages; invalidation drops only the overlapping ones', () => {
    const m = new AddressSpace();
    expect(m.nrpages).toBe(0);
    m.cacheRange(100, 2 * PAGE_SIZE); // bytes 100 .. 8291: pages 0, 1, 2
    expect(m.nrpages).toBe(3);
    expect(m.invalidateRange(PAGE_SIZE, 1)).toBe(1);
    expect([...m.pages].sort()).toEqual([0, 2]);
    expect(m.invalidateRange(3 * PAGE_SIZE, PAGE_SIZE)).toBe(0);
    expect(m.invalidateRange(0, 3 * PAGE_SIZE)).toBe(2);
    expect(m.nrpages).toBe(0);
  });
});

describe('inode_dio_end / inode_dio_wait', () => {
  it('the last inode_dio_end wakes every waiter, not before', () => {
    const sim = new Simulator({ seed: 4, cpus: 2, costs: { contextSwitch: 0, idleExit: 0 } });
    const ino = new Inode(3);
    const bio: DioRef = { owner: { agent: 'device' } };
    inodeDioBegin(ino, bio);
    inodeDioBegin(ino, bio);
    inodeDioBegin(ino, bio);
    const woke: Array<[string, number]> = [];
    for (const name of ['truncate', 'fallocate']) {
      sim.spawn(name, function* () {
        yield* inodeDioWait(ino);
        woke.push([name, sim.now]);
      });
    }
    sim.after(100, () => inodeDioEnd(ino, bio));
    sim.after(200, () => inodeDioEnd(ino, bio));
    sim.after(300, () => inodeDioEnd(ino, bio));
    expect(sim.run().hung).toEqual([]);
    expect(woke.map(([, t]) => t)).toEqual([300, 300]);
    expect(ino.dioRefs.size).toBe(0);
  });

  it('inode_dio_wait with no DIO in flight returns at once', () => {
    const sim = new Simulator({ seed: 1 });
    let waited = -1;
    sim.spawn('truncate', function* () {
      const t0 = sim.now;
      yield* inodeDioWait(new Inode(4));
      waited = sim.now - t0;
    });
    sim.run();
    expect(waited).toBe(0);
  });

  it('the DeadlockError names the task that waits on itself and the i_dio_count it waits on', () => {
    const sim = new Simulator({ seed: 1 });
    const ino = new Inode(5, 'wal');
    sim.spawn('postgres', function* () {
      inodeDioBegin(ino, { owner: currentTask() }); // completion parked in its own task_work
      yield* inodeDioWait(ino); // e.g. fallocate()
    });
    let err: unknown;
    try {
      sim.run();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DeadlockError);
    const chain = (err as DeadlockError).chain.join(' ');
    expect(chain).toContain('postgres');
    expect(chain).toContain('wal i_dio_count');
  });
});
