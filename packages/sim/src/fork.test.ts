import { describe, expect, it } from 'vitest';
import type { KGen } from './context';
import { condResched, shouldResched, sleep } from './requests';
import { Simulator } from './simulator';
import type { Task } from './context';
import { WaitQueue } from './waitqueue';

const ZERO = { contextSwitch: 0, idleExit: 0, syscall: 0, hardirq: 0, softirq: 0 };
const US = 1_000;
const MS = 1_000_000;

/** A kthread busy-polling for `ns`, checking need_resched() as io_sq_thread() does. */
function* spinner(ns: number): KGen<void> {
  for (let done = 0; done < ns; done += 200) {
    yield 200;
    if (shouldResched()) yield condResched;
  }
}

/**
 * cpu0 has a bound kthread `k` asleep since the start; a spinner allowed
 * everywhere starts at 1 µs (forked by `parent` on cpu1, or spawned by the
 * harness); `parent` wakes `k` at 5 µs. Returns when `k` got to run.
 */
function kRunsAt(forked: boolean): number {
  const sim = new Simulator({ cpus: 2, costs: ZERO });
  const wq = new WaitQueue('k');
  let ranAt = -1;
  const k = sim.spawn('k', function* () {
    ranAt = sim.now;
    yield US;
  }, { kind: 'kthread', cpusAllowed: [0], sleeping: wq });
  sim.spawn('parent', function* () {
    yield US;
    if (forked) sim.spawn('spin', spinner(20 * MS), { kind: 'kthread' });
    yield 4 * US;
    sim.wakeUpState(k, 'S');
    yield sleep(30 * MS);
  }, { cpusAllowed: [1] });
  if (!forked) sim.spawn('spin', spinner(20 * MS), { kind: 'kthread', cpusAllowed: [0] });
  sim.run();
  return ranAt;
}

describe('wake_up_new_task(): a forked task starts a slice in debt (START_DEBIT)', () => {
  it('a woken sleeper preempts a freshly forked spinner on its CPU at once', () => {
    expect(kRunsAt(true)).toBe(5 * US);
  });

  it("the harness's tasks are the initial population: no debit, so the sleeper waits for the spinner's slice", () => {
    expect(kRunsAt(false)).toBeGreaterThanOrEqual(12 * MS);
  });

  it('goes to an idle allowed CPU, starting from the parent’s, and traces sched_wakeup_new', () => {
    const sim = new Simulator({ cpus: 4, costs: ZERO, trace: true });
    let child: Task | null = null;
    sim.spawn('busy', spinner(MS), { kind: 'kthread', cpusAllowed: [0] });
    sim.spawn('parent', function* () {
      yield US;
      child = sim.spawn('child', function* () {
        yield US;
      }, { cpusAllowed: [0, 2, 3] });
      yield US;
    }, { cpusAllowed: [2] });
    sim.run({ until: 10 * US });
    expect((child as Task | null)?.cpu.id).toBe(3);
    const rec = sim.tracer.records.find((r) => r.name === 'sched_wakeup_new');
    expect(rec?.args).toMatchObject({ comm: 'child', target_cpu: 3 });
  });

  it('a forked task never starts before its parent in vruntime', () => {
    const sim = new Simulator({ cpus: 1, costs: ZERO });
    let child: Task | null = null;
    let parentV = 0;
    const parent = sim.spawn('parent', function* () {
      yield 30 * MS;
      parentV = parent.vruntime + 30 * MS; // it has run 30 ms since it was last accounted
      child = sim.spawn('child', function* () {
        yield US;
      });
      yield US;
    });
    sim.run({ until: 30 * MS });
    expect((child as Task | null)?.vruntime ?? 0).toBeGreaterThanOrEqual(parentV);
  });
});
