import { describe, expect, it } from 'vitest';
import type { Cpu } from './context';
import { currentCtx } from './requests';
import { Simulator } from './simulator';
import { SpinLock, spinLock, spinUnlock } from './spinlock';
import { syscall } from './syscall';

const ZERO = { contextSwitch: 0, idleExit: 0, syscall: 0, hardirq: 0, softirq: 0 };
const cpu = (sim: Simulator, i = 0): Cpu => sim.cpus[i]!;

describe('hardirq preemption', () => {
  it.each([
    ['user-mode spend', false],
    ['kernel-mode spend (syscall)', true],
  ])('a hardirq raised mid-spend delays a %s by exactly the handler cost', (_, inSyscall) => {
    const sim = new Simulator({ costs: ZERO });
    let done = -1;
    sim.spawn('t', function* () {
      if (inSyscall)
        yield* syscall(
          (function* () {
            yield 10_000;
          })(),
        );
      else yield 10_000;
      done = sim.now;
    });
    let irqAt = -1;
    sim.at(3_000, () =>
      sim.raiseIrq(cpu(sim), 'nvme', function* () {
        irqAt = sim.now;
        expect(currentCtx().kind).toBe('hardirq');
        yield 700;
      }),
    );
    sim.run();
    expect(irqAt).toBe(3_000);
    expect(done).toBe(10_700);
    expect(cpu(sim).times.hardirq).toBe(700);
    expect(cpu(sim).times.user + cpu(sim).times.sys).toBe(10_000);
  });

  it('two IRQs raised in one callback on two CPUs both enter at that instant, in order, once the callback returns (no run-ahead past either)', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    sim.spawn('busy0', function* () {
      yield 1_000_000;
    }, { cpusAllowed: [0] });
    const entered: number[] = [];
    const handler = function* () {
      entered.push(sim.now);
      yield 300;
    };
    sim.at(1_000, () => {
      sim.raiseIrq(cpu(sim, 0), 'a', handler);
      sim.raiseIrq(cpu(sim, 1), 'b', handler);
      entered.push(-sim.now);
    });
    sim.run();
    expect(entered).toEqual([-1_000, 1_000, 1_000]);
  });

  it('an IRQ raised from an event callback is entered when the callback returns, and its entry runs ahead when nothing else is due', () => {
    const sim = new Simulator({ costs: { ...ZERO, hardirq: 500 } });
    const log: string[] = [];
    sim.at(1_000, () => {
      sim.raiseIrqWork(cpu(sim), { name: 'nvme', entryCost: 500, fn: () => (log.push(`handler ${sim.now}`), null) });
      log.push(`device ${sim.now}`);
    });
    const r = sim.run();
    expect(log).toEqual(['device 1000', 'handler 1500']);
    expect(cpu(sim).times.hardirq).toBe(500);
    expect(r.events).toBe(1); // the device event only: no event for the entry cost
  });

  it('nested: a hardirq interrupting another hardirq waits; one interrupting a softirq preempts it', () => {
    const sim = new Simulator({ costs: ZERO });
    const log: string[] = [];
    sim.at(0, () =>
      sim.raiseIrq(cpu(sim), 'first', function* () {
        yield 100;
        sim.raiseIrq(cpu(sim), 'second', function* () {
          log.push(`second ${sim.now}`);
          yield 50;
        });
        sim.raiseSoftirq(cpu(sim), 'BLOCK', function* () {
          log.push(`softirq ${sim.now}`);
          yield 1_000;
          log.push(`softirq done ${sim.now}`);
        });
        yield 100;
        log.push(`first done ${sim.now}`);
      }),
    );
    sim.at(500, () =>
      sim.raiseIrq(cpu(sim), 'third', function* () {
        log.push(`third ${sim.now}`);
        yield 200;
      }),
    );
    sim.run();
    expect(log).toEqual(['first done 200', 'second 200', 'softirq 250', 'third 500', 'softirq done 1450']);
  });

  it('an IRQ raised while interrupts are disabled is delivered at spin_unlock_irqrestore', () => {
    const sim = new Simulator({ costs: ZERO });
    const l = new SpinLock('q_lock');
    let irqAt = -1;
    sim.spawn('k', function* () {
      yield spinLock(l, true);
      yield 5_000;
      spinUnlock(l, true);
      yield 1_000;
    }, { kind: 'kthread' });
    sim.at(1_000, () =>
      sim.raiseIrq(cpu(sim), 'nvme', function* () {
        irqAt = sim.now;
        yield 100;
      }),
    );
    const r = sim.run();
    expect(irqAt).toBe(5_000);
    expect(r.now).toBe(6_100);
  });

  it('an interrupt on a long-idle CPU pays costs.idleExit; a short idle does not', () => {
    const sim = new Simulator({ costs: { ...ZERO, idleExit: 2_000 }, sched: { idleResidencyNs: 10_000 } });
    const ends: number[] = [];
    const h = function* () {
      yield 100;
      ends.push(sim.now);
    };
    sim.at(50_000, () => sim.raiseIrq(cpu(sim), 'a', h)); // idle since 0: pays
    sim.at(55_000, () => sim.raiseIrq(cpu(sim), 'b', h)); // idle since 52_100: does not
    sim.run();
    expect(ends).toEqual([52_100, 55_100]);
  });
});

describe('softirq', () => {
  it('softirqs raised in a hardirq run at irq exit, before the interrupted task resumes', () => {
    const sim = new Simulator({ costs: { ...ZERO, softirq: 50 } });
    const log: string[] = [];
    sim.spawn('t', function* () {
      yield 5_000;
      log.push(`task ${sim.now}`);
    });
    sim.at(1_000, () =>
      sim.raiseIrq(cpu(sim), 'irq', function* () {
        yield 100;
        sim.raiseSoftirq(cpu(sim), 'BLOCK', function* () {
          expect(currentCtx().kind).toBe('softirq');
          yield 200;
          log.push(`softirq ${sim.now}`);
        });
        log.push(`hardirq exit ${sim.now}`);
      }),
    );
    sim.run();
    // hardirq 1000..1100, softirq entry cost 50, handler 200, task resumes with 4000 left
    expect(log).toEqual(['hardirq exit 1100', 'softirq 1350', 'task 5350']);
    expect(cpu(sim).times).toMatchObject({ hardirq: 100, softirq: 250, user: 5_000 });
  });

  it('a softirq raised from task context runs at once, ahead of the task', () => {
    const sim = new Simulator({ costs: ZERO });
    const log: string[] = [];
    sim.spawn('t', function* () {
      sim.raiseSoftirq(cpu(sim), 'NET_RX', function* () {
        yield 300;
        log.push(`softirq ${sim.now}`);
      });
      yield 1_000;
      log.push(`task ${sim.now}`);
    });
    sim.run();
    expect(log).toEqual(['softirq 300', 'task 1300']);
  });
});
