import { DeadlockError, Simulator, currentTask, sleep } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { Inode, inodeDioBegin, inodeDioEnd, inodeDioWait, IovIter, userBackedIter, type DioRef } from './index';

describe('i_dio_count', () => {
  it('inode_dio_wait sleeps until the last inode_dio_end', () => {
    const sim = new Simulator({ seed: 1, costs: { contextSwitch: 0, idleExit: 0 } });
    const ino = new Inode(7);
    const device: DioRef = { owner: { agent: 'device' } };
    inodeDioBegin(ino, device);
    inodeDioBegin(ino, device);
    let woke = -1;
    sim.spawn('truncate', function* () {
      yield* inodeDioWait(ino);
      woke = sim.now;
    });
    sim.after(1000, () => inodeDioEnd(ino, device));
    sim.after(5000, () => inodeDioEnd(ino, device));
    const r = sim.run();
    expect(r.hung).toEqual([]);
    expect(woke).toBe(5000);
    expect(ino.iDioCount).toBe(0);
  });

  it('a task waiting on a DIO whose completion it holds itself is a DeadlockError', () => {
    const sim = new Simulator({ seed: 1 });
    const ino = new Inode(8, 'file');
    sim.spawn('issuer', function* () {
      // the completion sits in this task's own task_work: it owns the reference
      inodeDioBegin(ino, { owner: currentTask() });
      yield 500;
      yield* inodeDioWait(ino);
    });
    expect(() => sim.run()).toThrow(DeadlockError);
  });

  it('an unwoken waiter is reported as a hung task', () => {
    const sim = new Simulator({ seed: 1 });
    const ino = new Inode(9, 'stuck');
    inodeDioBegin(ino, { owner: { agent: 'lost bio' } });
    sim.spawn('fallocate', function* () {
      yield sleep(10);
      yield* inodeDioWait(ino);
    });
    const r = sim.run();
    expect(r.hung.map((h) => [h.task, h.waitingOn])).toEqual([['fallocate', 'stuck i_dio_count']]);
  });

  it('underflow is a bug', () => {
    expect(() => inodeDioEnd(new Inode(1))).toThrow(/underflow/);
  });
});

describe('iov_iter', () => {
  it('tracks count, advance and alignment', () => {
    const it = IovIter.ubuf(new Uint8Array(8192), 8192, 4096);
    expect(userBackedIter(it)).toBe(true);
    expect(it.alignment() & 511).toBe(0);
    it.advance(100);
    expect(it.remaining).toBe(8092);
    expect(it.alignment() & 511).not.toBe(0);
    expect(userBackedIter(IovIter.kvec(null, 10))).toBe(false);
    expect(() => IovIter.ubuf(new Uint8Array(1), 2)).toThrow(RangeError);
  });
});
