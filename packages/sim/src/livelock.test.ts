import { describe, expect, it } from 'vitest';
import { LivelockError, SoftLockupError } from './errors';
import { Simulator } from './simulator';

/** The LivelockError `sim.run()` ends with. */
function livelock(sim: Simulator): LivelockError {
  const e: unknown = (() => {
    try {
      return sim.run();
    } catch (x) {
      return x;
    }
  })();
  expect(e).toBeInstanceOf(LivelockError);
  return e as LivelockError;
}

describe('livelock watchdog', () => {
  it('a task whose loop never lets time pass (zero-cost charges) is a LivelockError naming the task', () => {
    const sim = new Simulator({ livelockSteps: 1000, costs: { syscall: 0 } });
    sim.spawn('spinner', function* () {
      yield 10;
      for (;;) sim.charge(sim.costs.syscall);
    });
    const e = livelock(sim);
    expect(e.steps).toBeGreaterThanOrEqual(1000);
    expect(e.spinning).toEqual(["task 'spinner' on cpu0 in event callback kickFn"]);
    expect(e.message).toMatch(/^livelock: \d+ steps at simulated time \d+ ns without time advancing; spinning: task 'spinner'/);
  });

  it('a generator yielding 0 forever, and events re-arming themselves at the same time, are caught too', () => {
    const sim = new Simulator({ livelockSteps: 500 });
    sim.spawn('yield0', function* () {
      for (;;) yield 0;
    });
    livelock(sim);

    const ev = new Simulator({ livelockSteps: 500 });
    const poll = (): void => {
      ev.after(0, poll);
    };
    ev.at(5, poll);
    const e = livelock(ev);
    expect(e.now).toBe(5);
    expect(e.spinning).toEqual(['no context in event callback poll']);
  });

  it('work that lets time pass, however long, is not a livelock; many events at one time below the limit are fine', () => {
    const sim = new Simulator({ livelockSteps: 100 });
    let n = 0;
    sim.spawn('busy', function* () {
      for (; n < 10_000; n++) yield 1;
    });
    for (let i = 0; i < 99; i++) sim.at(20_000, () => undefined);
    expect(sim.run().reason).toBe('idle');
    expect(n).toBe(10_000);
  });

  it('rejects a bad limit', () => {
    expect(() => new Simulator({ livelockSteps: 0 })).toThrow(RangeError);
  });
});

describe('soft-lockup detector', () => {
  it('a step that charges time forever without yielding (a loop on system calls that return at once) is a SoftLockupError naming the context, also under run({ until })', () => {
    const sim = new Simulator({ costs: { syscall: 500 } });
    sim.spawn('spinner', function* () {
      yield 10;
      for (;;) sim.charge(sim.costs.syscall);
    });
    let e: unknown;
    try {
      sim.run({ until: 1_000_000 });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(SoftLockupError);
    expect((e as SoftLockupError).message).toMatch(/^soft lockup: task 'spinner' on cpu0 ran 100000\d+ ns of CPU time without yielding/);
  });

  it('a task that yields between its charges is not a lockup, however long it runs', () => {
    const sim = new Simulator({ costs: { syscall: 500 } });
    let n = 0;
    sim.spawn('busy', function* () {
      for (; n < 3_000_000; n++) {
        sim.charge(sim.costs.syscall);
        if (n % 1000 === 0) yield 1;
      }
    });
    expect(sim.run().reason).toBe('idle');
    expect(sim.now).toBeGreaterThan(1_000_000_000);
  });
});
