/**
 * Golden timelines from Documentation/core-api/workqueue.rst ("Example
 * Execution Scenarios"), with every engine cost set to 0 so times are exact.
 * w0 burns 5 ms, sleeps 10 ms, burns 5 ms; w1 and w2 burn 5 ms and sleep 10 ms.
 */
import { type KGen, ms, Simulator, sleep } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { allocOrderedWorkqueue, allocWorkqueue, initWork, queueWork, WQ_CPU_INTENSIVE, type Workqueue } from './index';

const ZERO = { contextSwitch: 0, idleExit: 0, queueWork: 0, workItem: 0, kworkerCreate: 0 };

type Log = string[];

function item(log: Log, sim: Simulator, name: string, burnSleep: number[]): (w: unknown) => KGen<void> {
  return function* () {
    log.push(`${name} start ${sim.now / 1e6}`);
    for (let i = 0; i < burnSleep.length; i++) {
      const v = burnSleep[i] as number;
      if (i % 2 === 0) yield ms(v);
      else {
        log.push(`${name} sleep ${sim.now / 1e6}`);
        yield sleep(ms(v));
        log.push(`${name} wake ${sim.now / 1e6}`);
      }
    }
    log.push(`${name} done ${sim.now / 1e6}`);
  };
}

function scenario(mk: (sim: Simulator) => [Workqueue, Workqueue]): Log {
  const sim = new Simulator({ seed: 1, cpus: 1, costs: ZERO });
  const [q0, q1] = mk(sim);
  const log: Log = [];
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
  return log;
}

const pick = (log: Log, re: RegExp) => log.filter((l) => re.test(l));

describe('workqueue.rst timelines', () => {
  it('single-threaded (ordered) queue: w0 0–5,15–20; w1 20–25 done 35; w2 35–40 done 50', () => {
    const log = scenario((sim) => {
      const q = allocOrderedWorkqueue(sim, 'q0');
      return [q, q];
    });
    expect(pick(log, /start|done/)).toEqual(['w0 start 0', 'w0 done 20', 'w1 start 20', 'w1 done 35', 'w2 start 35', 'w2 done 50']);
  });

  it('cmwq, max_active ≥ 3: w0 0–5,15–20; w1 5–10 done 20; w2 10–15 done 25', () => {
    const log = scenario((sim) => {
      const q = allocWorkqueue(sim, 'q0', 0, 3);
      return [q, q];
    });
    expect(log).toEqual([
      'w0 start 0',
      'w0 sleep 5',
      'w1 start 5',
      'w1 sleep 10',
      'w2 start 10',
      'w2 sleep 15',
      'w0 wake 15',
      'w0 done 20',
      'w1 wake 20',
      'w1 done 20',
      'w2 wake 25',
      'w2 done 25',
    ]);
  });

  it('cmwq, max_active = 2: w2 starts at 20, runs 20–25, done 35', () => {
    const log = scenario((sim) => {
      const q = allocWorkqueue(sim, 'q0', 0, 2);
      return [q, q];
    });
    expect(pick(log, /start|done/)).toEqual(['w0 start 0', 'w1 start 5', 'w0 done 20', 'w1 done 20', 'w2 start 20', 'w2 done 35']);
  });

  it('w1, w2 on a WQ_CPU_INTENSIVE queue: both start at 5; w1 sleeps at 10, w2 at 15; done 20 and 25', () => {
    const log = scenario((sim) => [allocWorkqueue(sim, 'q0', 0, 0), allocWorkqueue(sim, 'q1', WQ_CPU_INTENSIVE, 0)]);
    expect(log).toContain('w1 sleep 10');
    expect(log).toContain('w2 sleep 15');
    expect(pick(log, /done/)).toEqual(['w0 done 20', 'w1 done 20', 'w2 done 25']);
    // "both start at 5": w2 is dispatched to its own worker as soon as w1 starts (it is not held back by
    // concurrency management); on one CPU it gets the processor when w1 sleeps at 10.
    expect(log.indexOf('w2 start 10')).toBeGreaterThan(-1);
    expect(log.indexOf('w1 start 5')).toBeGreaterThan(-1);
  });
});
