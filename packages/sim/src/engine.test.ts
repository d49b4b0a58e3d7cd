import { describe, expect, it } from 'vitest';
import {
  DeadlockError,
  EventQueue,
  InvalidContextError,
  Mutex,
  mutexLock,
  mutexUnlock,
  Simulator,
  sleep,
  SpinLock,
  spinLock,
  syscall,
  taskWorkRun,
  toChromeTrace,
  toFtraceText,
  wait,
  WaitQueue,
  currentTask,
} from './index';

const ZERO = { contextSwitch: 0, idleExit: 0, syscall: 0, hardirq: 0, softirq: 0 };

describe('event queue', () => {
  it('orders by time, then by scheduling order (same-time FIFO)', () => {
    const q = new EventQueue();
    const out: string[] = [];
    q.push(5, () => out.push('b'));
    q.push(3, () => out.push('a'));
    q.push(5, () => out.push('c'));
    const x = q.push(5, () => out.push('x'));
    q.push(5, () => out.push('d'));
    expect(q.cancel(x)).toBe(true);
    expect(q.cancel(x)).toBe(false);
    for (let e = q.pop(); e !== undefined; e = q.pop()) e.fn(e.arg);
    expect(out).toEqual(['a', 'b', 'c', 'd']);
  });

  it('same-time events scheduled from callbacks run after the ones already queued', () => {
    const sim = new Simulator();
    const out: number[] = [];
    sim.at(10, () => {
      out.push(1);
      sim.at(10, () => out.push(3));
    });
    sim.at(10, () => out.push(2));
    sim.run();
    expect(out).toEqual([1, 2, 3]);
  });

  it('run({until}) stops at the limit; step and peek', () => {
    const sim = new Simulator();
    sim.at(100, () => {});
    sim.at(200, () => {});
    expect(sim.peek()).toBe(100);
    expect(sim.run({ until: 150 }).reason).toBe('until');
    expect(sim.now).toBe(150);
    expect(sim.step()).toBe(true);
    expect(sim.now).toBe(200);
    expect(sim.step()).toBe(false);
  });
});

describe('CPU contexts', () => {
  it('a hardirq delays a task\'s spend by exactly the handler\'s cost', () => {
    const sim = new Simulator({ costs: ZERO });
    let done = -1;
    sim.spawn('t', function* () {
      yield 10_000;
      done = sim.now;
    });
    sim.at(3_000, () =>
      sim.raiseIrq(sim.cpus[0]!, 'nvme', function* () {
        yield 700;
      }),
    );
    sim.run();
    expect(done).toBe(10_700);
    expect(sim.cpus[0]!.times.hardirq).toBe(700);
    expect(sim.cpus[0]!.times.user).toBe(10_000);
  });

  it('softirqs raised in a hardirq run at irq exit, before the task resumes', () => {
    const sim = new Simulator({ costs: ZERO });
    const log: string[] = [];
    sim.spawn('t', function* () {
      yield 5_000;
      log.push(`task ${sim.now}`);
    });
    sim.at(1_000, () =>
      sim.raiseIrq(sim.cpus[0]!, 'irq', function* () {
        yield 100;
        sim.raiseSoftirq(sim.cpus[0]!, 'BLOCK', function* () {
          yield 200;
          log.push(`softirq ${sim.now}`);
        });
      }),
    );
    sim.run();
    expect(log).toEqual(['softirq 1300', 'task 5300']);
  });
});

describe('context rules', () => {
  const inIrq = (body: () => void) => {
    const sim = new Simulator();
    sim.at(0, () =>
      sim.raiseIrq(sim.cpus[0]!, 'nvme_irq', function* () {
        body();
      }),
    );
    return () => sim.run();
  };

  it('sleeping in hardirq is an InvalidContextError naming the context', () => {
    expect(inIrq(() => void sleep(10))).toThrow(InvalidContextError);
    expect(inIrq(() => void sleep(10))).toThrow(/hardirq 'nvme_irq' on cpu0/);
  });

  it('a mutex in softirq, and a wait under a spinlock, are InvalidContextErrors', () => {
    const sim = new Simulator();
    const m = new Mutex('i_rwsem');
    sim.at(0, () =>
      sim.raiseSoftirq(sim.cpus[0]!, 'BLOCK', function* () {
        yield mutexLock(m);
      }),
    );
    expect(() => sim.run()).toThrow(/softirq 'BLOCK'.*mutex_lock\('i_rwsem'\)/s);
    const s2 = new Simulator();
    const l = new SpinLock('i_flags_lock');
    s2.spawn('t', function* () {
      yield spinLock(l);
      yield wait(new WaitQueue('q'));
    });
    expect(() => s2.run()).toThrow(/holding spinlock 'i_flags_lock'/);
  });
});

describe('deadlocks and hung tasks', () => {
  it('a task waiting on something only it can make true is a DeadlockError', () => {
    const sim = new Simulator();
    sim.spawn('self', function* () {
      const me = currentTask();
      yield wait(new WaitQueue('own completion', () => [me]));
    });
    expect(() => sim.run()).toThrow(DeadlockError);
  });

  it('an ABBA mutex cycle is a DeadlockError with the chain', () => {
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
      yield sleep(100);
      yield mutexLock(a);
    });
    let err: DeadlockError | null = null;
    try {
      sim.run();
    } catch (e) {
      err = e as DeadlockError;
    }
    expect(err).toBeInstanceOf(DeadlockError);
    expect(err?.chain.join(' ')).toMatch(/waits on 'A'.*held by t1.*waits on 'B'|waits on 'B'.*held by t2.*waits on 'A'/);
  });

  it('a sleeper nobody wakes is reported as hung when events run out', () => {
    const sim = new Simulator();
    sim.spawn('stuck', function* () {
      yield wait(new WaitQueue('lost wakeup'));
    });
    const r = sim.run();
    expect(r.reason).toBe('idle');
    expect(r.hung).toMatchObject([{ task: 'stuck', pid: 1, waitingOn: 'lost wakeup' }]);
  });

  it('mutex hand-off is FIFO', () => {
    const sim = new Simulator({ costs: ZERO });
    const m = new Mutex('m');
    const order: string[] = [];
    for (const n of ['a', 'b', 'c']) {
      sim.spawn(n, function* () {
        yield mutexLock(m);
        order.push(n);
        yield 100;
        mutexUnlock(m);
      });
    }
    sim.run();
    expect(order).toEqual(['a', 'b', 'c']);
  });
});

describe('task_work', () => {
  it('TWA_RESUME work runs at the end of the syscall, in the task', () => {
    const sim = new Simulator({ costs: ZERO });
    const log: string[] = [];
    const t = sim.spawn('u', function* () {
      yield* syscall(
        (function* () {
          yield 1_000;
          log.push(`syscall body ${sim.now}`);
        })(),
      );
      log.push(`back in user ${sim.now}`);
    });
    sim.at(500, () =>
      sim.taskWorkAdd(t, { name: 'tw', fn: function* () { log.push(`task_work in ${currentTask().name} ${sim.now}`); } }, 'TWA_RESUME'),
    );
    sim.run();
    expect(log).toEqual(['syscall body 1000', 'task_work in u 1000', 'back in user 1000']);
  });

  it('TWA_SIGNAL wakes an interruptible wait, which returns "signal"', () => {
    const sim = new Simulator({ costs: ZERO });
    let why: unknown;
    let ran = 0;
    const t = sim.spawn('w', function* () {
      yield* syscall(
        (function* () {
          why = yield wait(new WaitQueue('cq'), { state: 'S' });
          ran = yield* taskWorkRun();
        })(),
      );
    });
    sim.at(2_000, () => sim.taskWorkAdd(t, { name: 'x', fn: function* () {} }, 'TWA_SIGNAL'));
    sim.run();
    expect(why).toBe('signal');
    expect(ran).toBe(1);
  });
});

describe('determinism', () => {
  function workload(seed: number): { json: string; text: string } {
    const sim = new Simulator({ seed, cpus: 2, trace: true });
    const rng = sim.rng.fork('load');
    const wq = new WaitQueue('q');
    for (let i = 0; i < 4; i++) {
      sim.spawn(`t${i}`, function* () {
        for (let k = 0; k < 20; k++) {
          yield rng.int(100, 5_000);
          yield sleep(rng.int(1, 20_000));
          wq.wakeUpAll();
        }
      });
    }
    sim.run();
    const recs = sim.tracer.records;
    return { json: JSON.stringify(toChromeTrace(recs, { cpus: 2 })), text: toFtraceText(recs) };
  }

  it('the same seed gives byte-identical traces; another seed differs', () => {
    const a = workload(42);
    const b = workload(42);
    const c = workload(43);
    expect(a.json).toBe(b.json);
    expect(a.text).toBe(b.text);
    expect(a.json).not.toBe(c.json);
  });
});
