import { describe, expect, it } from 'vitest';
import { charge } from './requests';
import { Simulator } from './simulator';
import { COST_NAMES } from './stages';
import { defaultCosts } from './costs';

/** A task that spends syscall, then ioUringIssue twice (once charged, once yielded), then 5 ns unnamed. */
function* work(sim: Simulator) {
  charge(sim.costs.syscall);
  yield sim.costs.ioUringIssue;
  charge(sim.costs.ioUringIssue);
  yield 5;
}

function run(stages: boolean) {
  const sim = new Simulator({ cpus: 2, stages, cpuWindowNs: 100 });
  sim.spawn('fio', work(sim), { cpusAllowed: [1] });
  sim.spawn('kworker/0:1', work(sim), { kind: 'kthread', cpusAllowed: [0] });
  sim.run();
  return sim;
}

describe('stage accounting', () => {
  it('names every cost of the table', () => {
    for (const k of Object.keys(defaultCosts)) expect(COST_NAMES).toContain(k);
  });

  it('charges each spend to the cost read before it, by context class', () => {
    const sim = run(true);
    const st = sim.stages;
    if (st === null) throw new Error('no stage accounting');
    expect(st.nsOf('syscall', 'issuer')).toBe(defaultCosts.syscall);
    expect(st.nsOf('syscall', 'kworker')).toBe(defaultCosts.syscall);
    expect(st.countOf('ioUringIssue')).toBe(4);
    expect(st.nsOf('other')).toBe(10);
    expect(st.nsOf('contextSwitch')).toBe(2 * defaultCosts.contextSwitch);
    const busy = sim.cpus.reduce((a, c) => a + c.times.user + c.times.sys + c.times.hardirq + c.times.softirq, 0);
    expect(st.totalNs()).toBe(busy);
  });

  it('counts from startAt on', () => {
    const sim = new Simulator({ stages: true });
    sim.spawn('fio', work(sim));
    sim.stages?.startAt(defaultCosts.contextSwitch + defaultCosts.syscall + defaultCosts.ioUringIssue); // the task is switched in first
    sim.run();
    expect(sim.stages?.countOf('syscall')).toBe(0);
    expect(sim.stages?.countOf('ioUringIssue')).toBe(1); // the second one, requested at the start time
  });

  it('does not change the simulation', () => {
    const on = run(true);
    const off = run(false);
    expect(on.now).toBe(off.now);
    expect(on.cpus.map((c) => c.times)).toEqual(off.cpus.map((c) => c.times));
  });

  it('bins CPU time by context into windows that add up to the CPU times', () => {
    const sim = run(true);
    const w = sim.cpuWindows;
    if (w === null) throw new Error('no windows');
    for (const cpu of sim.cpus) {
      const series = w.series(cpu.id, sim.now);
      const busy = series.reduce((a, s, i) => a + Object.values(s.util).reduce((x, y) => x + y, 0) * Math.min(100, sim.now - i * 100), 0);
      expect(busy).toBeCloseTo(cpu.times.user + cpu.times.sys + cpu.times.hardirq + cpu.times.softirq, 6);
    }
    expect(w.busyCpus()).toEqual([0, 1]);
  });
});
