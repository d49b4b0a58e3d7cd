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
    // an interrupt on cpu0 after its charge has ended: it must not land inside that charge (its event, of no CPU,
    // runs nested in cpu1's section at 120 µs; the interrupt it raises on cpu0, behind in its charge, waits in the queue)
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

  it('a task of another CPU switched in inside a charge pays its switch-in through the queue: the charging CPU stands at its end when the task runs (fuzz seed 49)', () => {
    const sim = new Simulator({ cpus: 2, costs: { ...ZERO, contextSwitch: 150 } });
    const log: string[] = [];
    const cpu0 = sim.cpus[0];
    if (cpu0 === undefined) throw new Error('no cpu0');
    sim.spawn('long', function* () {
      // an interrupt of cpu0 at 3 µs, inside the charge below
      sim.at(3_000, () => sim.raiseIrqWork(cpu0, { name: 'dev', fn: () => void charge(400) }));
      charge(10_000);
      log.push(`long done ${sim.now}`);
    }, { cpusAllowed: [0] });
    sim.spawn('other', function* () {
      yield sleep(1_000); // wakes at 1.15 µs, inside cpu0's charge (0.15 → 10.15 µs); its switch-in ends at 1.3 µs
      charge(4_000); // past cpu0's interrupt, which runs nested in it on cpu0's clock
      log.push(`other done ${sim.now}`);
    }, { cpusAllowed: [1] });
    sim.run();
    // cpu0 stood at 1.3 µs (the switch-in's end, where its charge loop ran cpu1's spend end) when cpu1's section
    // took its interrupt (3 → 3.4 µs): the rest of its charge, 8.85 µs, runs after it. Had the switch-in run ahead
    // at the wake-up, cpu0 would have stood at 1.15 µs and its charge would end 150 ns later.
    expect(log).toEqual(['other done 5300', 'long done 12250']);
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

  it('an event of no CPU that nested work runs past the charge’s end runs at its time inside that work, not after it; the charging CPU’s own later events still wait (fuzz seed 12721)', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    const log: string[] = [];
    sim.spawn('racer', function* () {
      sim.at(11_000, () => log.push(`racer's cpu0 event ${sim.now}`)); // an event of cpu0, past its charge's end
      charge(10_000); // one plain section, 0 → 10 µs on cpu0
      log.push(`racer done ${sim.now}`);
    }, { cpusAllowed: [0] });
    sim.spawn('issuer', function* () {
      yield sleep(5_000); // wakes inside cpu0's charge: runs nested in it
      for (let k = 0; k < 10; k++) {
        charge(1_000); // one plain section on cpu1 submitting a write a µs, 5 → 15 µs: past the bound (10 µs)
        log.push(`write ${sim.now}`);
      }
    }, { cpusAllowed: [1] });
    let cpu1At = -1;
    sim.at(12_500, () => {
      cpu1At = sim.cpus[1]?.clock ?? -1;
      log.push(`no-CPU event ${sim.now}`); // set-up code's event: a harness's power cut, say
    });
    sim.run();
    expect(log).toEqual([
      ...[6, 7, 8, 9, 10, 11, 12].map((us) => `write ${us * 1_000}`),
      'no-CPU event 12500', // before the writes after it, though cpu0's charge (which ended at 10 µs) has not returned yet
      ...[13, 14, 15].map((us) => `write ${us * 1_000}`),
      'racer done 10000',
      "racer's cpu0 event 11000", // the charging CPU's own events past the bound still wait for its charge to end
    ]);
    expect(cpu1At).toBe(12_500); // no CPU had run past the event when it ran
  });

  it('a power cut (`stop()`) in an event of no CPU that nested work runs past sees none of that work’s later writes (fuzz seed 12721)', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    const writes: number[] = [];
    let seen: number[] = [];
    sim.spawn('racer', function* () {
      charge(10_000);
    }, { cpusAllowed: [0] });
    sim.spawn('issuer', function* () {
      yield sleep(5_000);
      for (let k = 0; k < 10; k++) {
        charge(1_000);
        writes.push(sim.now);
      }
    }, { cpusAllowed: [1] });
    sim.at(12_500, () => {
      seen = [...writes];
      sim.stop();
    });
    const r = sim.run();
    expect(r.reason).toBe('stopped');
    expect(seen).toEqual([6_000, 7_000, 8_000, 9_000, 10_000, 11_000, 12_000]);
    expect(writes).toEqual(seen); // the plain section does not go on after the cut
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
