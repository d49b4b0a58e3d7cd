/** A second Workqueue implementation used through the interface: the single-threaded row of workqueue.rst. */
import { type KGen, ms, Simulator, sleep } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { SingleThreadWorkqueue } from '../src/index';
import { flushWorkqueue, initWork, queueWork, type Workqueue } from '../src/index';

describe('swapping the Workqueue implementation', () => {
  it('a single-threaded queue gives the pre-cmwq timeline: w0 done 20, w1 done 35, w2 done 50', () => {
    const sim = new Simulator({ seed: 1, costs: { contextSwitch: 0, idleExit: 0, workItem: 0 } });
    const wq: Workqueue = new SingleThreadWorkqueue(sim, 'st');
    const done: string[] = [];
    const mk = (name: string, steps: number[]) =>
      initWork(name, function* (): KGen<void> {
        for (let i = 0; i < steps.length; i++) {
          if (i % 2 === 0) yield ms(steps[i] as number);
          else yield sleep(ms(steps[i] as number));
        }
        done.push(`${name} ${sim.now / 1e6}`);
      });
    sim.at(0, () => {
      queueWork(wq, mk('w0', [5, 10, 5]));
      queueWork(wq, mk('w1', [5, 10]));
      queueWork(wq, mk('w2', [5, 10]));
    });
    let flushedAt = -1;
    sim.spawn('flusher', function* () {
      yield sleep(1);
      yield* flushWorkqueue(wq);
      flushedAt = sim.now;
    });
    sim.run();
    expect(done).toEqual(['w0 20', 'w1 35', 'w2 50']);
    expect(flushedAt).toBe(50_000_000);
    expect((wq as SingleThreadWorkqueue).ran).toBe(3);
  });
});
