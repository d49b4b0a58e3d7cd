/**
 * Golden timelines from Documentation/core-api/workqueue.rst ("Example
 * Execution Scenarios", tabulated in shared/docs/reference.md), event for
 * event, with every engine cost set to 0 so times are exact. On one CPU, w0
 * burns 5 ms, sleeps 10 ms, burns 5 ms; w1 and w2 burn 5 ms and sleep 10 ms.
 * Each item logs when it starts, every burn as `run a–b` (a burn split by
 * preemption would show as a longer interval), every sleep and wakeup, and
 * when it is done. The cmwq rows also check the kworker wakeups that
 * concurrency management makes (`sched_wakeup`) and which kworker ran what.
 */
import { type KGen, ms, Simulator, sleep } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { allocOrderedWorkqueue, allocWorkqueue, initWork, queueWork, SingleThreadWorkqueue, WQ_CPU_INTENSIVE, type Workqueue } from './index';

const ZERO = { contextSwitch: 0, idleExit: 0, queueWork: 0, workItem: 0, kworkerCreate: 0 };

interface Run {
  /** The items' own log, in time order. */
  readonly log: string[];
  /** kworker wakeups: "kworker/0:N at T". */
  readonly wakeups: string[];
  /** workqueue_execute_start: "wN on kworker/0:M at T". */
  readonly starts: string[];
}

function item(log: string[], sim: Simulator, name: string, burnSleep: readonly number[]): () => KGen<void> {
  return function* () {
    log.push(`${name} start ${sim.now / 1e6}`);
    for (let i = 0; i < burnSleep.length; i++) {
      const v = burnSleep[i] as number;
      const t0 = sim.now / 1e6;
      if (i % 2 === 0) {
        yield ms(v);
        log.push(`${name} run ${t0}–${sim.now / 1e6}`);
      } else {
        log.push(`${name} sleep ${t0}`);
        yield sleep(ms(v));
        log.push(`${name} wake ${sim.now / 1e6}`);
      }
    }
    log.push(`${name} done ${sim.now / 1e6}`);
  };
}

/** Queue w0 on q0, then w1 and w2 on q1, at time 0 on a one-CPU machine. */
function scenario(mk: (sim: Simulator) => [Workqueue, Workqueue]): Run {
  const sim = new Simulator({ seed: 1, cpus: 1, costs: ZERO, trace: true });
  const [q0, q1] = mk(sim);
  const log: string[] = [];
  const w0 = initWork('w0', item(log, sim, 'w0', [5, 10, 5]));
  const w1 = initWork('w1', item(log, sim, 'w1', [5, 10]));
  const w2 = initWork('w2', item(log, sim, 'w2', [5, 10]));
  sim.at(0, () => {
    queueWork(q0, w0);
    queueWork(q1, w1);
    queueWork(q1, w2);
  });
  const r = sim.run();
  expect(r.hung).toEqual([]);
  const recs = sim.tracer.records;
  const wakeups = recs.filter((e) => e.name === 'sched_wakeup' && String(e.args?.['comm']).startsWith('kworker')).map((e) => `${String(e.args?.['comm'])} at ${e.ts / 1e6}`);
  const starts = recs.filter((e) => e.name === 'workqueue_execute_start').map((e) => `${String(e.args?.['work'])} on ${e.ctx} at ${e.ts / 1e6}`);
  return { log, wakeups, starts };
}

/** The single-threaded row: one worker, strictly one item after another. */
const SINGLE_THREADED = [
  'w0 start 0',
  'w0 run 0–5',
  'w0 sleep 5',
  'w0 wake 15',
  'w0 run 15–20',
  'w0 done 20',
  'w1 start 20',
  'w1 run 20–25',
  'w1 sleep 25',
  'w1 wake 35',
  'w1 done 35',
  'w2 start 35',
  'w2 run 35–40',
  'w2 sleep 40',
  'w2 wake 50',
  'w2 done 50',
];

/** The cmwq rows with max_active ≥ 3 and with WQ_CPU_INTENSIVE: the same items' timeline. */
const CMWQ = [
  'w0 start 0',
  'w0 run 0–5',
  'w0 sleep 5',
  'w1 start 5',
  'w1 run 5–10',
  'w1 sleep 10',
  'w2 start 10',
  'w2 run 10–15',
  'w2 sleep 15',
  'w0 wake 15',
  'w0 run 15–20',
  'w0 done 20',
  'w1 wake 20',
  'w1 done 20',
  'w2 wake 25',
  'w2 done 25',
];

describe('workqueue.rst timelines', () => {
  it('single-threaded (pre-cmwq) wq, as SingleThreadWorkqueue: w0 0–5, 15–20; w1 20–25 done 35; w2 35–40 done 50', () => {
    const run = scenario((sim) => {
      const q = new SingleThreadWorkqueue(sim, 'q0');
      return [q, q];
    });
    expect(run.log).toEqual(SINGLE_THREADED);
    expect(run.starts).toEqual(['w0 on q0 at 0', 'w1 on q0 at 20', 'w2 on q0 at 35']);
  });

  it('an ordered cmwq queue (alloc_ordered_workqueue) gives the same single-threaded timeline', () => {
    const run = scenario((sim) => {
      const q = allocOrderedWorkqueue(sim, 'q0');
      return [q, q];
    });
    expect(run.log).toEqual(SINGLE_THREADED);
  });

  it('cmwq, max_active ≥ 3: w0 0–5, 15–20 done 20; w1 5–10 done 20; w2 10–15 done 25', () => {
    const run = scenario((sim) => {
      const q = allocWorkqueue(sim, 'q0', 0, 3);
      return [q, q];
    });
    expect(run.log).toEqual(CMWQ);
    // concurrency management: the next kworker is woken only when the running item sleeps (5, 10);
    // the 15/20/25 wakeups are the items' own sleeps ending
    expect(run.wakeups).toEqual(['kworker/0:0 at 0', 'kworker/0:1 at 5', 'kworker/0:2 at 10', 'kworker/0:0 at 15', 'kworker/0:1 at 20', 'kworker/0:2 at 25']);
    expect(run.starts).toEqual(['w0 on kworker/0:0 at 0', 'w1 on kworker/0:1 at 5', 'w2 on kworker/0:2 at 10']);
  });

  it('cmwq, max_active = 2: w2 stays inactive until w0 finishes, then starts at 20, runs 20–25, done 35', () => {
    const run = scenario((sim) => {
      const q = allocWorkqueue(sim, 'q0', 0, 2);
      return [q, q];
    });
    expect(run.log).toEqual([
      ...CMWQ.slice(0, 6), // w0 0–5, w1 5–10, as above
      'w0 wake 15',
      'w0 run 15–20',
      'w0 done 20',
      'w1 wake 20',
      'w1 done 20',
      'w2 start 20',
      'w2 run 20–25',
      'w2 sleep 25',
      'w2 wake 35',
      'w2 done 35',
    ]);
    // w1 sleeping at 10 wakes no kworker: there is nothing active left to run
    expect(run.wakeups).toEqual(['kworker/0:0 at 0', 'kworker/0:1 at 5', 'kworker/0:0 at 15', 'kworker/0:1 at 20', 'kworker/0:0 at 35']);
    expect(run.starts).toEqual(['w0 on kworker/0:0 at 0', 'w1 on kworker/0:1 at 5', 'w2 on kworker/0:0 at 20']);
  });

  it('w1, w2 on a WQ_CPU_INTENSIVE queue q1: both start at 5 (w2 handed to its own kworker), w1 sleeps at 10, w2 at 15; done 20 and 25', () => {
    const run = scenario((sim) => [allocWorkqueue(sim, 'q0', 0, 0), allocWorkqueue(sim, 'q1', WQ_CPU_INTENSIVE, 0)]);
    expect(run.log).toEqual(CMWQ);
    // The difference from the max_active ≥ 3 row: when w1 starts at 5 it leaves concurrency management, so
    // the pool wakes the kworker for w2 at once (5, not 10, when w1 sleeps). With one CPU and w1 burning
    // 5–10, that kworker gets the processor at 10; workqueue.rst's "w1 and w2 start at 5" is this dispatch.
    expect(run.wakeups).toEqual(['kworker/0:0 at 0', 'kworker/0:1 at 5', 'kworker/0:2 at 5', 'kworker/0:0 at 15', 'kworker/0:1 at 20', 'kworker/0:2 at 25']);
    expect(run.starts).toEqual(['w0 on kworker/0:0 at 0', 'w1 on kworker/0:1 at 5', 'w2 on kworker/0:2 at 10']);
  });
});
