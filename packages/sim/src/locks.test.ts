import { describe, expect, it } from 'vitest';
import { Mutex, mutexLock, mutexTrylock, mutexUnlock } from './mutex';
import { sleep } from './requests';
import { downRead, downWrite, RwSem, upRead, upWrite } from './rwsem';
import { Simulator } from './simulator';
import { SpinLock, spinLock, spinUnlock } from './spinlock';
import { Completion, waitEvent, WaitQueue } from './waitqueue';

const ZERO = { contextSwitch: 0, idleExit: 0, syscall: 0, hardirq: 0, softirq: 0 };

describe('sleeping locks', () => {
  it('mutex hand-off is FIFO; trylock fails while held', () => {
    const sim = new Simulator({ costs: ZERO });
    const m = new Mutex('m');
    const order: string[] = [];
    for (const n of ['a', 'b', 'c']) {
      sim.spawn(n, function* () {
        yield mutexLock(m);
        order.push(`${n}@${sim.now}`);
        if (n === 'a') expect(mutexTrylock(m)).toBe(false);
        yield 100;
        mutexUnlock(m);
      });
    }
    sim.run();
    expect(order).toEqual(['a@0', 'b@100', 'c@200']);
    expect(m.locked).toBe(false);
  });

  it('rwsem: readers share; a queued writer blocks later readers (FIFO-fair)', () => {
    const sim = new Simulator({ cpus: 4, costs: ZERO });
    const s = new RwSem('i_rwsem');
    const log: string[] = [];
    const reader = (n: string, start: number) =>
      sim.spawn(n, function* () {
        yield sleep(start);
        yield downRead(s);
        log.push(`${n} in ${sim.now}`);
        yield 1_000;
        upRead(s);
      });
    reader('r1', 1);
    reader('r2', 2);
    sim.spawn('w', function* () {
      yield sleep(3);
      yield downWrite(s);
      log.push(`w in ${sim.now}`);
      yield 1_000;
      upWrite(s);
    });
    reader('r3', 4);
    sim.run();
    expect(log).toEqual(['r1 in 1', 'r2 in 2', 'w in 1002', 'r3 in 2002']);
  });

  it('completion: wait_for_completion sleeps until complete()', () => {
    const sim = new Simulator({ costs: ZERO });
    const c = new Completion('done');
    let at = -1;
    sim.spawn('waiter', function* () {
      yield* c.wait();
      at = sim.now;
    });
    sim.at(5_000, () => c.complete());
    sim.run();
    expect(at).toBe(5_000);
    expect(c.isDone).toBe(false); // consumed
  });

  it('waitEvent times out with "timeout" when the condition never holds', () => {
    const sim = new Simulator({ costs: ZERO });
    let why = '';
    sim.spawn('w', function* () {
      why = yield* waitEvent(new WaitQueue('q'), () => false, { timeout: 7_000 });
    });
    sim.run();
    expect(why).toBe('timeout');
    expect(sim.now).toBe(7_000);
  });
});

describe('spinlocks', () => {
  it('a contended spinlock busy-waits on the other CPU and is handed over at unlock', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    const l = new SpinLock('l');
    let got = -1;
    sim.spawn('holder', function* () {
      yield spinLock(l);
      yield 5_000;
      spinUnlock(l);
    }, { cpusAllowed: [0], kind: 'kthread' });
    sim.spawn('spinner', function* () {
      yield 1_000;
      yield spinLock(l);
      got = sim.now;
      yield 100;
      spinUnlock(l);
    }, { cpusAllowed: [1], kind: 'kthread' });
    sim.run();
    expect(got).toBe(5_000);
  });
});
