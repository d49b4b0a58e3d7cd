import { describe, expect, it } from 'vitest';
import { DeadlockError } from './errors';
import { Mutex, mutexLock } from './mutex';
import { sleep } from './requests';
import { downRead, downReadTrylock, downWrite, downWriteTrylock, RwSem, upRead, upWrite } from './rwsem';
import { Simulator } from './simulator';
import { wait, WaitQueue } from './waitqueue';

const ZERO = { contextSwitch: 0, idleExit: 0, syscall: 0, hardirq: 0, softirq: 0 };

describe('rwsem (i_rwsem)', () => {
  it('down_read takes a free rwsem without sleeping, sleeps while a writer holds it, and checks for self-deadlock', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    const s = new RwSem('i_rwsem');
    const got: (boolean | number)[] = [];
    let selfErr: unknown = null;
    sim.spawn('w', function* () {
      yield downWrite(s);
      yield 1_000;
      upWrite(s);
    }, { cpusAllowed: [0] });
    sim.spawn('r', function* () {
      yield 100;
      yield downRead(s); // writer holds it: sleeps until up_write at 1000
      got.push(sim.now, s.readers.size === 1);
      upRead(s);
      yield sleep(2_000);
      const t = sim.now;
      yield downRead(s); // free now: no sleep, no time passes
      got.push(sim.now === t, s.readers.size === 1);
      upRead(s);
      yield downWrite(s);
      try {
        downRead(s);
      } catch (e) {
        selfErr = e;
      }
      upWrite(s);
    }, { cpusAllowed: [1] });
    sim.run();
    expect(got).toEqual([1_000, true, true, true]);
    expect(selfErr).toBeInstanceOf(DeadlockError);
  });

  it('a writer waits for every reader to leave; readers queued behind it enter together when it leaves', () => {
    const sim = new Simulator({ cpus: 4, costs: ZERO });
    const s = new RwSem('i_rwsem');
    const log: string[] = [];
    const user = (n: string, start: number, write: boolean, hold: number): void => {
      sim.spawn(n, function* () {
        yield sleep(start);
        yield write ? downWrite(s) : downRead(s);
        log.push(`${n} in ${sim.now}`);
        yield hold;
        if (write) upWrite(s);
        else upRead(s);
      });
    };
    user('r1', 1, false, 3_000);
    user('r2', 2, false, 1_000);
    user('w', 10, true, 500);
    user('r3', 20, false, 100);
    user('r4', 30, false, 100);
    sim.run();
    // w waits for r1 (the last reader, out at 3001); r3 and r4 share the lock after w
    expect(log).toEqual(['r1 in 1', 'r2 in 2', 'w in 3001', 'r3 in 3501', 'r4 in 3501']);
    expect(s.writer).toBeNull();
    expect(s.readers.size).toBe(0);
  });

  it('writers are exclusive and FIFO', () => {
    const sim = new Simulator({ cpus: 3, costs: ZERO });
    const s = new RwSem('i_rwsem');
    const log: string[] = [];
    for (const [i, n] of ['w1', 'w2', 'w3'].entries()) {
      sim.spawn(n, function* () {
        yield sleep(i + 1);
        yield downWrite(s);
        log.push(`${n} ${sim.now}`);
        yield 1_000;
        upWrite(s);
      });
    }
    sim.run();
    expect(log).toEqual(['w1 1', 'w2 1001', 'w3 2001']);
  });

  it('trylock: shared succeeds beside readers, fails beside a writer or a queued writer', () => {
    const sim = new Simulator({ cpus: 3, costs: ZERO });
    const s = new RwSem('i_rwsem');
    const got: Record<string, boolean> = {};
    sim.spawn('r', function* () {
      yield downRead(s);
      yield 10_000;
      upRead(s);
    });
    sim.spawn('w', function* () {
      yield sleep(1_000);
      got['w_try_beside_reader'] = downWriteTrylock(s);
      yield downWrite(s); // queues behind the reader
      yield 1_000;
      upWrite(s);
    });
    sim.spawn('t', function* () {
      yield sleep(500);
      got['r_try_beside_reader'] = downReadTrylock(s);
      if (got['r_try_beside_reader']) upRead(s);
      yield sleep(1_000);
      got['r_try_with_writer_queued'] = downReadTrylock(s);
      yield sleep(10_000);
      got['w_try_when_free'] = downWriteTrylock(s);
      if (got['w_try_when_free']) upWrite(s);
    });
    sim.run();
    expect(got).toEqual({ r_try_beside_reader: true, w_try_beside_reader: false, r_try_with_writer_queued: false, w_try_when_free: true });
  });

  it('down_write while holding it, or while holding it shared, is a DeadlockError', () => {
    for (const first of [downRead, downWrite]) {
      const sim = new Simulator();
      const s = new RwSem('i_rwsem');
      sim.spawn('t', function* () {
        yield first(s);
        yield downWrite(s);
      });
      expect(() => sim.run()).toThrow(DeadlockError);
    }
  });

  it('a cycle through an rwsem and a mutex is found, and names both', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    const s = new RwSem('i_rwsem');
    const m = new Mutex('ilock');
    sim.spawn('truncate', function* () {
      yield downWrite(s);
      yield sleep(100);
      yield mutexLock(m);
    });
    sim.spawn('reader', function* () {
      yield mutexLock(m);
      yield sleep(200);
      yield downRead(s);
    });
    expect(() => sim.run()).toThrow(
      "chain: reader[2] -> waits on 'i_rwsem' -> held by truncate[1] -> which waits on 'ilock' -> which only reader[2] can make true",
    );
  });

  it('rwsem waiters behind a hung holder show up in the hung-task report', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    const s = new RwSem('i_rwsem');
    sim.spawn('holder', function* () {
      yield downRead(s);
      yield wait(new WaitQueue('lost wakeup'));
      upRead(s);
    });
    sim.spawn('writer', function* () {
      yield sleep(10);
      yield downWrite(s);
    });
    const r = sim.run();
    expect(r.reason).toBe('idle');
    expect(r.hung.map((h) => `${h.task}:${h.waitingOn}`)).toEqual(['holder:lost wakeup', 'writer:i_rwsem']);
  });
});
