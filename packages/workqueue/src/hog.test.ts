/** wq_worker_tick(): automatic CPU_INTENSIVE marking of CPU hogs and the "hogged CPU" warning. */
import { type KGen, ms, type SchedParams, Simulator, sleep } from '@dio/sim';
import { describe, expect, it, vi } from 'vitest';
import { allocWorkqueue, flushWork, initWork, queueWork, setWqCpuIntensiveThreshUs, WQ_CPU_INTENSIVE, WQ_UNBOUND, wqCpuIntensiveCounts, wqHogWarnings } from './index';

const ZERO = { contextSwitch: 0, idleExit: 0, queueWork: 0, workItem: 0, kworkerCreate: 0 };

/** Run `body` `times` times, one after another, as work item `fn` on a queue with `flags`. */
function runItem(fn: string, body: () => KGen<void>, opts: { flags?: number; times?: number; threshUs?: number } = {}): Simulator {
  const sim = new Simulator({ cpus: 2, costs: ZERO });
  if (opts.threshUs !== undefined) setWqCpuIntensiveThreshUs(sim, opts.threshUs);
  const wq = allocWorkqueue(sim, 'dio/sda', opts.flags ?? 0, 0);
  const work = initWork(fn, body);
  sim.spawn(
    'driver',
    function* () {
      for (let i = 0; i < (opts.times ?? 1); i++) {
        queueWork(wq, work);
        yield* flushWork(work);
      }
    },
    { cpusAllowed: [0] },
  );
  expect(sim.run().hung).toEqual([]);
  return sim;
}

const burn = (n: number) =>
  function* (): KGen<void> {
    yield ms(n);
  };

describe('CPU-hog detection (wq_cpu_intensive_thresh_us)', () => {
  it('does not fire for an item that burns 9 ms', () => {
    const sim = runItem('short_work', burn(9), { times: 8 });
    expect(wqCpuIntensiveCounts(sim).size).toBe(0);
    expect(wqHogWarnings(sim)).toEqual([]);
  });

  it('marks a 20 ms item at the first tick past 10 ms; prints from the 4th time, then at powers of two', () => {
    const once = runItem('iomap_dio_complete_work', burn(20));
    expect(wqCpuIntensiveCounts(once).get('iomap_dio_complete_work')).toBe(1);
    expect(wqHogWarnings(once)).toEqual([]);
    const many = runItem('iomap_dio_complete_work', burn(20), { times: 9 });
    expect(wqCpuIntensiveCounts(many).get('iomap_dio_complete_work')).toBe(9);
    expect(wqHogWarnings(many)).toEqual([
      'workqueue: iomap_dio_complete_work hogged CPU for >10000us 4 times, consider switching to WQ_UNBOUND',
      'workqueue: iomap_dio_complete_work hogged CPU for >10000us 8 times, consider switching to WQ_UNBOUND',
    ]);
  });

  it('measures CPU time since the last wakeup: 6 ms, a sleep, 6 ms is no hog', () => {
    const sim = runItem('split_work', function* () {
      yield ms(6);
      yield sleep(ms(1));
      yield ms(6);
    });
    expect(wqCpuIntensiveCounts(sim).size).toBe(0);
  });

  it('never checks WQ_CPU_INTENSIVE or WQ_UNBOUND queues', () => {
    expect(wqCpuIntensiveCounts(runItem('crunch', burn(30), { flags: WQ_CPU_INTENSIVE })).size).toBe(0);
    expect(wqCpuIntensiveCounts(runItem('crunch', burn(30), { flags: WQ_UNBOUND })).size).toBe(0);
  });

  it('follows the threshold parameter (5 ms catches the 9 ms item; 0 disables the check)', () => {
    expect(wqCpuIntensiveCounts(runItem('short_work', burn(9), { threshUs: 5000 })).get('short_work')).toBe(1);
    expect(wqCpuIntensiveCounts(runItem('long_work', burn(30), { threshUs: 0 })).size).toBe(0);
  });

  it('arms the tick once per busy stretch of its CPU, not once per item, and stops it when the CPU goes idle (NO_HZ)', () => {
    const sim = new Simulator({ cpus: 1, costs: ZERO });
    const at = vi.spyOn(sim, 'at');
    const wq = allocWorkqueue(sim, 'dio/sda', 0, 0);
    const work = initWork('short_work', burn(0.01));
    sim.spawn('driver', function* () {
      for (let i = 0; i < 100; i++) {
        queueWork(wq, work);
        yield* flushWork(work); // the CPU goes from the driver to the kworker and back, never idle
      }
    });
    sim.run();
    const ticks = at.mock.calls.filter(([, fn]) => fn.name === 'tickFn').length;
    expect(ticks).toBe(1);
    // the tick (due at 12 ms) was stopped when the CPU went idle after the last item: the run ends there
    expect(sim.now).toBe(ms(1));
    expect(sim.pendingEvents).toBe(0);
  });

  it('lets the next item of the pool run once the hog is marked (tick at 12 ms), not when it ends (20 ms)', () => {
    const startOfNext = (threshUs: number): number => {
      const sched: Partial<SchedParams> = { preempt: 'full' };
      const sim = new Simulator({ cpus: 1, costs: ZERO, sched });
      setWqCpuIntensiveThreshUs(sim, threshUs);
      const wq = allocWorkqueue(sim, 'events', 0, 0);
      let started = -1;
      sim.at(0, () => {
        queueWork(wq, initWork('hog', burn(20)));
        queueWork(
          wq,
          initWork('next', function* () {
            started = sim.now;
          }),
        );
      });
      sim.run();
      return started;
    };
    expect(startOfNext(10_000)).toBe(ms(12));
    expect(startOfNext(0)).toBe(ms(20));
  });
});
