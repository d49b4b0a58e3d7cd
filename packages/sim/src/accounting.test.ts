import { describe, expect, it } from 'vitest';
import type { KGen } from './context';
import { sleep } from './requests';
import { Simulator } from './simulator';
import { syscall } from './syscall';

function* kernelWork(ns: number): KGen<void> {
  yield ns;
}

describe('CPU time accounting', () => {
  it('splits user / sys / hardirq / softirq time per CPU and per task', () => {
    const sim = new Simulator({ costs: { contextSwitch: 1_000, idleExit: 0, syscall: 100, softirq: 50 } });
    const t = sim.spawn('fio', function* () {
      yield 10_000; // user
      yield* syscall(kernelWork(5_000)); // sys: 100 + 5000
      yield 2_000; // user
    });
    sim.at(3_000, () =>
      sim.raiseIrq(sim.cpus[0]!, 'nvme', function* () {
        yield 700;
        sim.raiseSoftirq(sim.cpus[0]!, 'BLOCK', function* () {
          yield 250;
        });
      }),
    );
    const r = sim.run();
    // the first switch-in (1000) is kernel work on the task's behalf: sys, not user
    expect(t.utime).toBe(12_000);
    expect(t.stime).toBe(1_000 + 100 + 5_000);
    expect(sim.cpus[0]!.times).toEqual({ user: 12_000, sys: 6_100, hardirq: 700, softirq: 300 });
    expect(r.now).toBe(12_000 + 6_100 + 700 + 300);
  });

  it('kthreads run entirely in sys; idle time is nobody\'s', () => {
    const sim = new Simulator({ costs: { contextSwitch: 0, idleExit: 0 } });
    const k = sim.spawn('kworker/0:1', function* () {
      yield 3_000;
      yield sleep(10_000);
      yield 2_000;
    }, { kind: 'kthread' });
    sim.run();
    expect(k.stime).toBe(5_000);
    expect(k.utime).toBe(0);
    expect(sim.cpus[0]!.times).toEqual({ user: 0, sys: 5_000, hardirq: 0, softirq: 0 });
    expect(sim.now).toBe(15_000);
  });

  it('run-ahead and queued spends account the same', () => {
    const go = (interrupt: boolean): number[] => {
      const sim = new Simulator({ cpus: 2, costs: { contextSwitch: 0, idleExit: 0 } });
      const a = sim.spawn('a', function* () {
        for (let i = 0; i < 100; i++) yield 1_000;
      }, { cpusAllowed: [0] });
      if (interrupt) for (let i = 1; i < 50; i++) sim.at(i * 1_777, () => {}); // events force queued spends
      sim.run();
      return [a.utime, a.stime, sim.cpus[0]!.times.user];
    };
    expect(go(true)).toEqual(go(false));
  });
});

describe('bad CPU times', () => {
  it('a NaN, negative or fractional spend / charge is a RangeError naming the context (never a corrupted clock)', () => {
    for (const bad of [Number.NaN, -5, 2.5]) {
      const s1 = new Simulator();
      s1.spawn('t', function* () {
        yield bad;
      });
      expect(() => s1.run()).toThrow(/spend\((NaN|-5|2\.5)\) in task 't'/);
      const s2 = new Simulator();
      s2.spawn('t', function* () {
        s2.charge(bad);
      });
      expect(() => s2.run()).toThrow(RangeError);
    }
  });
});
