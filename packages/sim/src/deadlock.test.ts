import { describe, expect, it } from 'vitest';
import { DeadlockError } from './errors';
import { Mutex, mutexLock, mutexUnlock } from './mutex';
import { currentTask, sleep } from './requests';
import { Simulator } from './simulator';
import { SpinLock, spinLock } from './spinlock';
import type { Task } from './context';
import { wait, WaitQueue } from './waitqueue';

function thrown(sim: Simulator): unknown {
  try {
    sim.run();
  } catch (e) {
    return e;
  }
  return null;
}

describe('deadlock detection', () => {
  it('a task waiting on a WaitQueue whose blockers() is itself is a DeadlockError', () => {
    const sim = new Simulator();
    sim.spawn('fio/0', function* () {
      const me = currentTask();
      yield wait(new WaitQueue('inode_dio_wait', () => [me]));
    });
    const e = thrown(sim) as DeadlockError;
    expect(e).toBeInstanceOf(DeadlockError);
    expect(e.chain).toEqual(['fio/0[1]', "waits on 'inode_dio_wait'", 'which only fio/0[1] can make true']);
  });

  it('a 2-task mutex ABBA cycle is a DeadlockError with the chain', () => {
    const sim = new Simulator({ cpus: 2 });
    const a = new Mutex('A');
    const b = new Mutex('B');
    sim.spawn('t1', function* () {
      yield mutexLock(a);
      yield sleep(100);
      yield mutexLock(b);
    });
    sim.spawn('t2', function* () {
      yield mutexLock(b);
      yield sleep(200);
      yield mutexLock(a);
    });
    const e = thrown(sim) as DeadlockError;
    expect(e).toBeInstanceOf(DeadlockError);
    // t1 blocks on B first (t2 is only sleeping: no deadlock yet); t2 closes the cycle
    expect(e.chain).toEqual(['t2[2]', "waits on 'A'", 'held by t1[1]', "which waits on 'B'", 'which only t2[2] can make true']);
  });

  it('a 3-task cycle through wait queues is found', () => {
    const sim = new Simulator({ cpus: 3 });
    const ts: Task[] = [];
    const wqs = [0, 1, 2].map((i) => new WaitQueue(`q${i}`, () => [ts[(i + 1) % 3]!]));
    for (let i = 0; i < 3; i++) {
      ts.push(
        sim.spawn(`w${i}`, function* () {
          yield sleep(100 * (i + 1));
          yield wait(wqs[i]!);
        }),
      );
    }
    const e = thrown(sim) as DeadlockError;
    expect(e).toBeInstanceOf(DeadlockError);
    expect(e.chain.join(' -> ')).toBe("w2[3] -> waits on 'q2' -> held by w0[1] -> which waits on 'q0' -> held by w1[2] -> which waits on 'q1' -> which only w2[3] can make true");
  });

  it('no false positives: a blocker that is runnable, in interruptible sleep, or an agent', () => {
    const sim = new Simulator({ cpus: 2 });
    const wq = new WaitQueue('rq_done', () => [{ agent: 'nvme0' }]);
    const other = new WaitQueue('other');
    const helper = sim.spawn('helper', function* () {
      yield wait(other, { state: 'S' });
    });
    const wq2 = new WaitQueue('needs helper', () => [helper]);
    sim.spawn('a', function* () {
      yield wait(wq, { timeout: 1_000 });
      yield wait(wq2, { timeout: 1_000 });
    });
    expect(sim.run().reason).toBe('idle');
  });

  it('recursive mutex_lock and a spinlock taken by an IRQ over its holder are DeadlockErrors', () => {
    const s1 = new Simulator();
    const m = new Mutex('m');
    s1.spawn('t', function* () {
      yield mutexLock(m);
      yield mutexLock(m);
    });
    expect(thrown(s1)).toBeInstanceOf(DeadlockError);

    const s2 = new Simulator({ costs: { contextSwitch: 0 } });
    const l = new SpinLock('q_lock');
    s2.spawn('t', function* () {
      yield spinLock(l);
      yield 10_000;
    });
    s2.at(1_000, () =>
      s2.raiseIrq(s2.cpus[0]!, 'nvme', function* () {
        yield spinLock(l);
      }),
    );
    const e = thrown(s2) as DeadlockError;
    expect(e).toBeInstanceOf(DeadlockError);
    expect(e.chain).toEqual(["task 't' on cpu0", "holds 'q_lock'", "interrupted by hardirq 'nvme' on cpu0", "spins on 'q_lock'"]);
  });
});

describe('hung tasks', () => {
  it("a task waiting on a WaitQueue nobody wakes: run() returns 'idle' with it in hung", () => {
    const sim = new Simulator();
    sim.spawn('stuck', function* () {
      yield 500;
      yield wait(new WaitQueue('lost wakeup'));
    });
    const r = sim.run();
    expect(r.reason).toBe('idle');
    expect(r.hung).toEqual([{ task: 'stuck', pid: 1, waitingOn: 'lost wakeup', since: sim.now }]);
  });

  it('mutex waiters behind a hung owner are hung too; interruptible sleepers are not', () => {
    const sim = new Simulator({ cpus: 2 });
    const m = new Mutex('i_mutex');
    sim.spawn('owner', function* () {
      yield mutexLock(m);
      yield wait(new WaitQueue('never'));
      mutexUnlock(m);
    });
    sim.spawn('waiter', function* () {
      yield sleep(10);
      yield mutexLock(m);
    });
    sim.spawn('idle-s', function* () {
      yield wait(new WaitQueue('poll'), { state: 'S' });
    });
    const r = sim.run();
    expect(r.hung.map((h) => `${h.task}:${h.waitingOn}`)).toEqual(['owner:never', 'waiter:i_mutex']);
    // ...they are listed apart, as still asleep with nothing left to wake them
    expect(r.asleep.map((h) => `${h.task}[${h.pid}]:${h.waitingOn}`)).toEqual(['idle-s[3]:poll']);
  });

  it("'until' and 'stopped' runs report no hung tasks", () => {
    const sim = new Simulator();
    sim.spawn('stuck', function* () {
      yield wait(new WaitQueue('q'));
    });
    sim.at(1_000_000, () => {});
    const r = sim.run({ until: 10 });
    expect(r.hung).toEqual([]);
    expect(r.asleep).toEqual([]);
  });
});
