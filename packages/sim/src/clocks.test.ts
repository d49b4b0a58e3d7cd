import { describe, expect, it } from 'vitest';
import { DeadlockError } from './errors';
import { Mutex, mutexLock } from './mutex';
import { charge, sleep } from './requests';
import { Simulator } from './simulator';

const ZERO = { contextSwitch: 0, idleExit: 0, hardirq: 0, softirq: 0, syscall: 0 };

describe('per-CPU clocks: another CPU nested in a charge', () => {
  it('a task of another CPU woken inside a charge runs at its own time, and its plain section cannot run the charging CPU’s later events', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    const log: string[] = [];
    sim.spawn('long', function* () {
      charge(100_000); // one plain section, 0 → 100 µs on cpu0
      log.push(`long done ${sim.now}`);
    }, { cpusAllowed: [0] });
    sim.spawn('other', function* () {
      yield sleep(5_000);
      log.push(`other woke ${sim.now} on cpu${sim.cpus[1]?.id}`);
      charge(200_000); // a plain section of cpu1 nested in cpu0's charge, running past its end
      log.push(`other done ${sim.now}`);
    }, { cpusAllowed: [1] });
    const cpu0 = sim.cpus[0];
    if (cpu0 === undefined) throw new Error('no cpu0');
    // an interrupt on cpu0 after its charge has ended: it must not land inside that charge
    sim.at(120_000, () =>
      sim.raiseIrqWork(cpu0, {
        name: 'dev',
        fn: () => {
          log.push(`irq ${sim.now}`);
          charge(1_000);
        },
      }),
    );
    sim.run();
    expect(log).toEqual(['other woke 5000 on cpu1', 'other done 205000', 'long done 100000', 'irq 120000']);
    expect(sim.cpus[0]?.clock).toBe(121_000);
    expect(sim.now).toBe(205_000);
  });

  it('a plain loop of another CPU polling for something past the charge’s end still sees it (no endless spin)', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    let flag = false;
    let polls = 0;
    sim.spawn('long', function* () {
      charge(100_000);
    }, { cpusAllowed: [0] });
    sim.spawn('poller', function* () {
      yield sleep(5_000);
      while (!flag) {
        charge(100); // an IOPOLL-style reap loop with no yield in it
        polls++;
      }
    }, { cpusAllowed: [1] });
    sim.at(150_000, () => {
      flag = true;
    });
    const r = sim.run();
    expect(r.reason).toBe('idle');
    expect(flag).toBe(true);
    expect(polls).toBeGreaterThan(1_000);
  });

  it('a run broken off by an error thrown in another CPU’s work nested in a charge leaves `now` where the furthest clock stands, as a run that ends does (fuzz seed 8420)', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO, trace: true });
    const m = new Mutex('m');
    sim.spawn('long', function* () {
      charge(100_000); // one plain section, 0 → 100 µs on cpu0
    }, { cpusAllowed: [0] });
    sim.spawn('other', function* () {
      yield sleep(5_000); // wakes inside cpu0's charge: runs nested in it
      charge(40_000); // cpu1's clock runs on to 45 µs
      yield mutexLock(m);
      sim.trace('other_locked');
      yield mutexLock(m); // recursive: DeadlockError, unwinding through cpu0's charge
    }, { cpusAllowed: [1] });
    expect(() => sim.run()).toThrow(DeadlockError);
    const last = Math.max(...sim.tracer.records.filter((r) => r.ph === 'i').map((r) => r.ts));
    expect(last).toBe(45_000);
    expect(sim.now).toBe(45_000); // not cpu0's 5 µs, behind what cpu1 already did and traced
  });
});
