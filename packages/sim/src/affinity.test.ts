import { describe, expect, it } from 'vitest';
import type { KGen } from './context';
import type { Cpu } from './context';
import { condResched, sleep } from './requests';
import { Simulator } from './simulator';
import { SpinLock, spinLock, spinUnlock } from './spinlock';
import { taskSchedRuntime, type Task } from './context';

const ZERO = { contextSwitch: 0, idleExit: 0, syscall: 0, hardirq: 0, softirq: 0 };

describe('setCpusAllowed (set_cpus_allowed_ptr)', () => {
  it('moves a running task off at once: its spend resumes on an allowed CPU, none of it lost', () => {
    const sim = new Simulator({ cpus: 2, costs: { ...ZERO, contextSwitch: 100 }, trace: true });
    const done: { cpu: number; at: number }[] = [];
    const t = sim.spawn('mover', function* () {
      yield 10_000;
      done.push({ cpu: currentCpu(t), at: sim.now });
    }, { cpusAllowed: [0, 1], kind: 'kthread' });
    sim.at(4_000, () => {
      expect(t.onCpu).toBe(true);
      expect(t.cpu.id).toBe(0);
      sim.setCpusAllowed(t, [1]);
      // descheduled at once and queued on cpu1's run queue
      expect(t.onCpu).toBe(false);
      expect(t.cpu.id).toBe(1);
      expect(sim.cpus[1]?.rq.list()).toContain(t);
      expect(sim.cpus[0]?.curr).toBeNull();
    });
    sim.run();
    // 100 switch-in + 10_000 work, plus a second 100 switch-in on cpu1
    expect(done).toEqual([{ cpu: 1, at: 10_200 }]);
    expect(t.stime).toBe(10_200);
    expect(t.nvcsw).toBe(2);
    expect(t.cpusAllowed).toEqual([1]);
    expect(sim.cpus[0]?.times.sys).toBe(4_000);
    expect(sim.cpus[1]?.times.sys).toBe(6_200);
    expect(sim.tracer.records.some((r) => r.name === 'sched_migrate_task' && r.args?.['dest_cpu'] === 1)).toBe(true);
  });

  it('moves a queued task to an allowed CPU’s run queue; the task running there is unaffected', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    const ends: Record<string, [number, number]> = {};
    const mk = (name: string) =>
      function* (): KGen<void> {
        yield 5_000;
        ends[name] = [sim.cpus.findIndex((c) => c.curr?.name === name), sim.now];
      };
    const a = sim.spawn('a', mk('a'), { cpusAllowed: [0] });
    sim.spawn('c', mk('c'), { cpusAllowed: [1] });
    const b = sim.spawn('b', mk('b'), { cpusAllowed: [0, 1] });
    sim.run({ until: 1_000 });
    // b is queued behind a on cpu0 (c keeps cpu1 busy, so the wake-up chose cpu0)
    expect(b.onCpu).toBe(false);
    expect(b.cpu.id).toBe(0);
    sim.setCpusAllowed(b, [1]);
    expect(sim.cpus[0]?.rq.length).toBe(0);
    expect(sim.cpus[1]?.rq.list()).toEqual([b]);
    sim.run();
    expect(ends).toEqual({ a: [0, 5_000], c: [1, 5_000], b: [1, 10_000] });
    expect(a.cpu.id).toBe(0);
  });

  it('leaves a sleeping task asleep; it wakes on an allowed CPU', () => {
    const sim = new Simulator({ cpus: 4, costs: ZERO });
    const seen: number[] = [];
    const t: Task = sim.spawn('sleeper', function* () {
      yield 1_000;
      seen.push(currentCpu(t));
      yield sleep(5_000);
      seen.push(currentCpu(t));
      yield 1_000;
    }, { cpusAllowed: [0] });
    sim.at(2_000, () => {
      expect(t.state).toBe('S');
      sim.setCpusAllowed(t, [3, 2]);
      expect(t.state).toBe('S');
      expect(t.cpu.id).toBe(0);
    });
    expect(sim.run().now).toBe(7_000);
    expect(seen).toEqual([0, 3]);
  });

  it('a task moving itself goes at its next yield, before it burns anything on the old CPU', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    const log: [number, number][] = [];
    const t: Task = sim.spawn('self', function* () {
      yield 1_000;
      sim.setCpusAllowed(t, [1]);
      yield condResched;
      log.push([currentCpu(t), sim.now]);
      yield 2_000;
      log.push([currentCpu(t), sim.now]);
    }, { cpusAllowed: [0], kind: 'kthread' });
    sim.run();
    expect(log).toEqual([[1, 1_000], [1, 3_000]]);
    expect(sim.cpus[0]?.times.sys).toBe(1_000);
    expect(sim.cpus[1]?.times.sys).toBe(2_000);
  });

  it('a task moving itself and going straight on to a spend burns all of it on the new CPU', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    const t: Task = sim.spawn('self', function* () {
      yield 1_000;
      sim.setCpusAllowed(t, [1]);
      yield 2_000;
    }, { cpusAllowed: [0], kind: 'kthread' });
    expect(sim.run().now).toBe(3_000);
    expect(sim.cpus.map((c) => c.times.sys)).toEqual([1_000, 2_000]);
  });

  it('a running task holding a spinlock is moved at spin_unlock, not before', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    const l = new SpinLock('l');
    const t: Task = sim.spawn('holder', function* () {
      yield spinLock(l);
      yield 3_000;
      spinUnlock(l);
      yield 2_000;
    }, { cpusAllowed: [0], kind: 'kthread' });
    sim.at(1_000, () => sim.setCpusAllowed(t, [1]));
    sim.run();
    expect(sim.cpus[0]?.times.sys).toBe(3_000);
    expect(sim.cpus[1]?.times.sys).toBe(2_000);
    expect(t.cpu.id).toBe(1);
  });

  it('does nothing to a task already on an allowed CPU', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    const t = sim.spawn('stay', function* () {
      yield 5_000;
    }, { cpusAllowed: [0], kind: 'kthread' });
    sim.at(1_000, () => sim.setCpusAllowed(t, [1, 0]));
    expect(sim.run().now).toBe(5_000);
    expect(sim.cpus.map((c) => c.times.sys)).toEqual([5_000, 0]);
    expect(t.nvcsw).toBe(1);
  });

  it('rejects an empty mask and CPUs that do not exist', () => {
    const sim = new Simulator({ cpus: 2 });
    const t = sim.spawn('t', function* () {
      yield 1;
    });
    expect(() => sim.setCpusAllowed(t, [])).toThrow(RangeError);
    expect(() => sim.setCpusAllowed(t, [2])).toThrow(/no cpu 2/);
    expect(() => sim.setCpusAllowed(t, [0.5])).toThrow(RangeError);
    expect(() => sim.setCpusAllowed(t, [-1])).toThrow(RangeError);
    expect(t.cpusAllowed).toEqual([0, 1]); // unchanged
  });

  it('copies the mask: changing the caller’s array later changes nothing', () => {
    const sim = new Simulator({ cpus: 2 });
    const t = sim.spawn('t', function* () {
      yield sleep(10);
    });
    const mask = [1];
    sim.setCpusAllowed(t, mask);
    mask.push(0);
    expect(t.cpusAllowed).toEqual([1]);
  });

  it('is deterministic', () => {
    const run = (): string => {
      const sim = new Simulator({ cpus: 3, costs: { contextSwitch: 300, idleExit: 50 }, trace: true });
      const ts = ['a', 'b', 'c', 'd'].map((n) =>
        sim.spawn(n, function* () {
          for (let i = 0; i < 5; i++) {
            yield 7_000;
            yield sleep(1_000);
          }
        }),
      );
      sim.at(3_000, () => sim.setCpusAllowed(ts[0] as Task, [2]));
      sim.at(9_000, () => sim.setCpusAllowed(ts[1] as Task, [2]));
      sim.at(20_000, () => sim.setCpusAllowed(ts[2] as Task, [0, 1]));
      sim.run();
      return JSON.stringify(sim.tracer.records);
    };
    expect(run()).toBe(run());
  });
});

describe('taskSchedRuntime (task_sched_runtime)', () => {
  it('counts user and system time, and the part of a spend in progress that has run', () => {
    const sim = new Simulator({ costs: { ...ZERO, contextSwitch: 500 } });
    const t = sim.spawn('t', function* () {
      yield 10_000;
      yield sleep(1_000);
      yield 4_000;
    });
    const samples: number[] = [];
    for (const at of [0, 2_500, 10_500, 11_000, 12_000, 13_000]) sim.at(at, () => samples.push(taskSchedRuntime(t)));
    sim.run();
    // the first spend: 500 switch-in + 10_000; asleep 10_500..11_500; then 500 + 4_000
    expect(samples).toEqual([0, 2_500, 10_500, 10_500, 11_000, 12_000]);
    expect(taskSchedRuntime(t)).toBe(t.utime + t.stime);
    expect(taskSchedRuntime(t)).toBe(15_000);
  });

  it('stops counting while an interrupt runs on the task’s CPU', () => {
    const sim = new Simulator({ costs: ZERO });
    const t = sim.spawn('t', function* () {
      yield 10_000;
    });
    const samples: number[] = [];
    sim.at(2_000, () =>
      sim.raiseIrq(sim.cpus[0] as Cpu, 'irq', function* () {
        samples.push(taskSchedRuntime(t));
        yield 3_000;
        samples.push(taskSchedRuntime(t));
      }),
    );
    sim.at(8_000, () => samples.push(taskSchedRuntime(t)));
    sim.run();
    expect(samples).toEqual([2_000, 2_000, 5_000]); // 2_000 before the IRQ, 3_000 after it
    expect(sim.now).toBe(13_000);
  });
});

function currentCpu(t: Task): number {
  return t.cpu.id;
}
