/**
 * Swapping the Workqueue implementation: the same consumer code, which only
 * knows the `Workqueue` interface, driven with the kernel's bound queue and
 * with `SingleThreadWorkqueue` (a dedicated kthread pinned to another CPU).
 */
import { currentTask, type KGen, ms, Simulator, sleep, us } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { allocWorkqueue, flushWorkqueue, initWork, queueWork, SingleThreadWorkqueue, WQ_MEM_RECLAIM, type Workqueue } from '../src/index';

/** A consumer: interrupts on CPU 0 queue completions; returns where and how late they ran. */
function drive(mk: (sim: Simulator) => Workqueue): { ranOn: string[]; worstUs: number } {
  const sim = new Simulator({ seed: 1, cpus: 2 });
  const wq = mk(sim);
  const cpu0 = sim.cpus[0];
  if (cpu0 === undefined) throw new Error('no cpu 0');
  const ranOn = new Set<string>();
  let worst = 0;
  // a user task hogs CPU 0 (the kworker of a bound queue has to take turns with it)
  sim.spawn(
    'hog',
    function* (): KGen<void> {
      for (let i = 0; i < 400; i++) yield us(50);
    },
    { cpusAllowed: [0] },
  );
  for (let i = 0; i < 20; i++) {
    sim.at(us(500) * (i + 1), () =>
      sim.raiseIrq(cpu0, 'nvme', function* () {
        const queued = sim.now;
        queueWork(
          wq,
          initWork(`complete${i}`, function* (): KGen<void> {
            ranOn.add(`${currentTask().name}@cpu${currentTask().cpu.id}`);
            worst = Math.max(worst, sim.now - queued);
            yield us(2);
          }),
        );
      }),
    );
  }
  sim.spawn('flusher', function* () {
    yield sleep(ms(11));
    yield* flushWorkqueue(wq);
  });
  expect(sim.run().hung).toEqual([]);
  return { ranOn: [...ranOn].sort(), worstUs: Math.round(worst / 1000) };
}

describe('swapping the Workqueue implementation', () => {
  it('the kernel’s bound queue completes on CPU 0 behind the hog; a pinned single-threaded queue completes on CPU 1 at once', () => {
    const bound = drive((sim) => allocWorkqueue(sim, 'dio/sda', WQ_MEM_RECLAIM, 0));
    const pinned = drive((sim) => new SingleThreadWorkqueue(sim, 'dio-st', { cpu: 1, nice: -20 }));
    expect(bound.ranOn).toEqual(['kworker/0:0@cpu0']);
    expect(pinned.ranOn).toEqual(['dio-st@cpu1']);
    expect(pinned.worstUs).toBeLessThan(bound.worstUs);
  });
});
