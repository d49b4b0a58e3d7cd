import { describe, expect, it } from 'vitest';
import type { KGen } from './context';
import { condResched, shouldResched, sleep } from './requests';
import type { PreemptModel, SchedParams } from './sched';
import { idealSlice, defaultSchedParams } from './sched';
import { Simulator } from './simulator';
import { SpinLock, spinLock, spinUnlock } from './spinlock';
import { syscall } from './syscall';
import { wait, WaitQueue } from './waitqueue';
import type { Task } from './context';

const ZERO = { contextSwitch: 0, idleExit: 0, syscall: 0, hardirq: 0, softirq: 0 };
const MS = 1_000_000;

/** Run segments `[task, start, end)` on cpu0, from sched_switch trace records. */
function segments(sim: Simulator): [string, number, number][] {
  const out: [string, number, number][] = [];
  let cur: { name: string; since: number } | null = null;
  for (const r of sim.tracer.records) {
    if (r.ph !== 'i' || r.name !== 'sched_switch') continue;
    const next = r.args?.['next_comm'] as string;
    if (cur !== null && cur.name !== 'swapper') out.push([cur.name, cur.since, r.ts]);
    cur = { name: next, since: r.ts };
  }
  return out;
}

describe('CFS time sharing', () => {
  it('two CPU-bound tasks share one CPU in slices of latency/2, rounded to ticks', () => {
    const sim = new Simulator({ costs: ZERO, trace: true });
    for (const n of ['a', 'b']) {
      sim.spawn(n, function* () {
        yield 60 * MS; // one long spend: preempted at slice expiry
      });
    }
    const r = sim.run();
    expect(r.now).toBe(120 * MS);
    const segs = segments(sim);
    const slice = idealSlice(defaultSchedParams, 2);
    expect(slice).toBe(12 * MS);
    expect(segs.slice(0, 6)).toEqual([
      ['a', 0, 12 * MS],
      ['b', 12 * MS, 24 * MS],
      ['a', 24 * MS, 36 * MS],
      ['b', 36 * MS, 48 * MS],
      ['a', 48 * MS, 60 * MS],
      ['b', 60 * MS, 72 * MS],
    ]);
    for (const t of sim.tasks()) expect(t.utime).toBe(60 * MS); // (tasks() is empty once they exit)
  });

  it.each(['cfs', 'eevdf'] as const)('%s: CPU share follows nice weights (1024 : 335 for nice 0 : 5)', (fair) => {
    const sim = new Simulator({ costs: ZERO, sched: { fair } });
    const spin = function* () {
      for (;;) yield 1 * MS;
    };
    const a = sim.spawn('nice0', spin, { nice: 0 });
    const b = sim.spawn('nice5', spin, { nice: 5 });
    sim.run({ until: 2_000 * MS });
    expect(a.utime + b.utime).toBe(2_000 * MS);
    expect(a.utime / b.utime).toBeGreaterThan((1024 / 335) * 0.9);
    expect(a.utime / b.utime).toBeLessThan((1024 / 335) * 1.1);
  });

  it('a long sleeper gets at most half a latency period of credit (min_vruntime follows the running task)', () => {
    const sim = new Simulator({ costs: ZERO });
    const hog = sim.spawn('hog', function* () {
      for (;;) yield 1 * MS;
    });
    let hogAtWake = 0;
    let hogAtDone = 0;
    let wokeAt = 0;
    let took = 0;
    sim.spawn('sleeper', function* () {
      yield sleep(100 * MS);
      hogAtWake = hog.utime;
      wokeAt = sim.now;
      yield 50 * MS;
      took = sim.now - wokeAt;
      hogAtDone = hog.utime;
    });
    sim.run({ until: 400 * MS });
    // Placed at min_vruntime - 12 ms, the sleeper runs ~12 ms ahead, then shares half/half:
    // the hog keeps running while the sleeper burns its 50 ms (without the cap it would run 50 ms straight).
    expect(hogAtDone - hogAtWake).toBe(took - 50 * MS);
    expect(took).toBeGreaterThan(90 * MS); // 12 ms credit, then 12 ms slices alternating: 98 ms
    expect(took).toBeLessThan(105 * MS);
  });
});

describe('wakeup preemption', () => {
  function wakeupLatency(sched: Partial<SchedParams>, kind: 'user' | 'kthread' = 'user', body?: () => KGen<void>): number {
    const sim = new Simulator({ costs: ZERO, sched });
    let ranAt = -1;
    sim.spawn('wakee', function* () {
      yield sleep(20 * MS);
      ranAt = sim.now;
    });
    sim.spawn('hog', body ?? function* () {
      yield 100 * MS;
    }, { kind });
    sim.run();
    return ranAt - 20 * MS;
  }

  it('small wakeupGranularityNs: the wakee preempts a user task at once', () => {
    expect(wakeupLatency({ wakeupGranularityNs: 1_000 })).toBe(0);
  });

  it('large wakeupGranularityNs: the wakee waits for the next tick after the slice expires', () => {
    // hog started at 0, slice 12 ms, but the wakee arrives at 20 ms: next tick is 24 ms
    expect(wakeupLatency({ wakeupGranularityNs: 1_000 * MS })).toBe(4 * MS);
  });

  const kernelHog = function* (): KGen<void> {
    yield 30 * MS;
    yield condResched;
    yield 30 * MS;
  };

  it.each<[PreemptModel, number]>([
    ['voluntary', 10 * MS],
    ['none', 10 * MS],
    ['full', 0],
  ])('kernel-mode code under preempt=%s: wakee waits %d ns (until cond_resched unless full)', (preempt, latency) => {
    expect(wakeupLatency({ preempt, wakeupGranularityNs: 1_000 }, 'kthread', kernelHog)).toBe(latency);
  });

  it('a syscall under voluntary preemption is preempted at exit_to_user_mode', () => {
    const lat = wakeupLatency({ preempt: 'voluntary', wakeupGranularityNs: 1_000 }, 'user', function* () {
      yield* syscall(
        (function* () {
          yield 50 * MS;
        })(),
      );
      yield 50 * MS;
    });
    expect(lat).toBe(30 * MS);
  });

  it('under full preemption a spinlock holder is not preempted until spin_unlock', () => {
    const l = new SpinLock('l');
    const lat = wakeupLatency({ preempt: 'full', wakeupGranularityNs: 1_000 }, 'kthread', function* () {
      yield spinLock(l);
      yield 35 * MS;
      spinUnlock(l);
      yield 35 * MS;
    });
    expect(lat).toBe(15 * MS);
  });

  it('slice expiry does not preempt kernel code under voluntary, only at cond_resched', () => {
    const sim = new Simulator({ costs: ZERO, sched: { preempt: 'voluntary' } });
    const order: string[] = [];
    sim.spawn('k', function* () {
      yield 50 * MS;
      order.push(`k at ${sim.now / MS}`);
      yield condResched;
      order.push(`k resumed at ${sim.now / MS}`);
    }, { kind: 'kthread' });
    sim.spawn('u', function* () {
      order.push(`u at ${sim.now / MS}`);
      yield 1 * MS;
    });
    sim.run();
    expect(order).toEqual(['k at 50', 'u at 50', 'k resumed at 51']);
  });
});

describe('context switches', () => {
  it('cost costs.contextSwitch, charged to the incoming task', () => {
    const sim = new Simulator({ costs: { ...ZERO, contextSwitch: 1_000 } });
    const ts: Task[] = [];
    for (const n of ['a', 'b']) {
      ts.push(
        sim.spawn(n, function* () {
          yield 5_000;
        }),
      );
    }
    const r = sim.run();
    expect(r.now).toBe(12_000);
    expect(ts.map((t) => t.nvcsw)).toEqual([1, 1]);
    expect(ts.map((t) => t.stime)).toEqual([1_000, 1_000]);
    expect(ts.map((t) => t.utime)).toEqual([5_000, 5_000]);
  });

  it('a switch-in with no event due before its cost ends is paid in place: a wake-up ping-pong queues no event per switch', () => {
    const sim = new Simulator({ costs: { ...ZERO, contextSwitch: 1_000 } });
    const ping = new WaitQueue('ping');
    const pong = new WaitQueue('pong');
    const at: number[] = [];
    sim.spawn('a', function* () {
      for (let k = 0; k < 100; k++) {
        pong.wakeUpAll();
        yield wait(ping);
        at.push(sim.now);
      }
      pong.wakeUpAll();
    });
    sim.spawn('b', function* () {
      for (let k = 0; k < 101; k++) {
        ping.wakeUpAll();
        yield wait(pong);
      }
    });
    sim.run();
    expect(at.slice(0, 3)).toEqual([3_000, 5_000, 7_000]); // each switch costs its 1 µs all the same
    // 202 switches; events only for the start (the two spawns' wake-ups)
    expect(sim.eventsRun).toBeLessThan(10);
  });

  it('wake-ups spread over idle CPUs; cpusAllowed pins', () => {
    const sim = new Simulator({ cpus: 4, costs: ZERO });
    const cpus = new Set<number>();
    for (let i = 0; i < 4; i++) sim.spawn(`w${i}`, function* () {
      yield 1_000;
    });
    const pinned = sim.spawn('pinned', function* () {
      yield 1_000;
    }, { cpusAllowed: [2] });
    sim.run();
    for (const c of sim.cpus) if (c.times.user > 0) cpus.add(c.id);
    expect(cpus.size).toBe(4);
    expect(pinned.cpu.id).toBe(2);
    expect(sim.now).toBe(2_000);
  });
});

describe('shouldResched', () => {
  it('is true exactly when cond_resched would switch: task context, not atomic, a reschedule due', () => {
    const sim = new Simulator({ costs: ZERO });
    const l = new SpinLock('l');
    const seen: [string, boolean][] = [];
    const cpu = sim.cpus[0];
    if (cpu === undefined) throw new Error('no cpu');
    sim.spawn('t', function* () {
      seen.push(['idle cpu', shouldResched()]);
      cpu.needResched = true;
      seen.push(['due', shouldResched()]);
      yield spinLock(l);
      seen.push(['under a spinlock', shouldResched()]);
      spinUnlock(l);
      sim.raiseIrq(cpu, 'irq', function* () {
        seen.push(['in a hardirq', shouldResched()]);
      });
      yield 10; // the return from the interrupt reschedules (user mode is preemptible)
      seen.push(['after the interrupt', shouldResched()]);
      cpu.needResched = true;
      seen.push(['due again', shouldResched()]);
      yield condResched;
      seen.push(['after cond_resched', shouldResched()]);
    });
    sim.run();
    expect(seen).toEqual([
      ['idle cpu', false],
      ['due', true],
      ['under a spinlock', false],
      ['in a hardirq', false],
      ['after the interrupt', false],
      ['due again', true],
      ['after cond_resched', false],
    ]);
    expect(shouldResched()).toBe(false); // outside simulated code
  });
});
