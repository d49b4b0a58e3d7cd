/** Ordered queues, max_active, flush and cancel. */
import { type KGen, Simulator, sleep, us } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { allocOrderedWorkqueue, allocWorkqueue, cancelWorkSync, flushWork, flushWorkqueue, initWork, queueWork, queueWorkOn, WQ_CPU_INTENSIVE, WQ_UNBOUND, wqHogWarnings } from '../src/index';

const ZERO = { contextSwitch: 0, idleExit: 0, queueWork: 0, workItem: 0, kworkerCreate: 0 };

describe('workqueue semantics', () => {
  it('an ordered queue runs one item at a time in queueing order', () => {
    const sim = new Simulator({ cpus: 4, costs: ZERO });
    const wq = allocOrderedWorkqueue(sim, 'ord');
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    for (let i = 0; i < 6; i++) {
      const w = initWork(`w${i}`, function* (): KGen<void> {
        running++;
        maxRunning = Math.max(maxRunning, running);
        yield sleep(us(10 - i));
        log.push(`w${i}`);
        running--;
      });
      sim.at(i, () => queueWorkOn(i % 4, wq, w));
    }
    sim.run();
    expect(log).toEqual(['w0', 'w1', 'w2', 'w3', 'w4', 'w5']);
    expect(maxRunning).toBe(1);
  });

  it('max_active bounds concurrent items on an unbound queue; queueWork on a pending item returns false', () => {
    const sim = new Simulator({ cpus: 4, costs: ZERO });
    const wq = allocWorkqueue(sim, 'ma', WQ_UNBOUND, 2);
    let running = 0;
    let max = 0;
    const items = Array.from({ length: 8 }, (_, i) =>
      initWork(`w${i}`, function* (): KGen<void> {
        running++;
        max = Math.max(max, running);
        yield sleep(us(50));
        running--;
      }),
    );
    const again: boolean[] = [];
    sim.at(0, () => {
      for (const w of items) queueWork(wq, w);
      again.push(queueWork(wq, items[7] as (typeof items)[number]));
    });
    sim.run();
    expect(max).toBe(2);
    expect(again).toEqual([false]);
    expect(items.every((w) => w.done === 1)).toBe(true);
  });

  it('flush waits for exactly the items queued before it; flush_work and cancel_work_sync', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    const wq = allocWorkqueue(sim, 'fl', WQ_UNBOUND, 0);
    const a = initWork('a', function* () {
      yield sleep(us(100));
    });
    const b = initWork('b', function* () {
      yield sleep(us(300));
    });
    const c = initWork('c', function* () {
      yield sleep(us(10));
    });
    let flushed = -1;
    let flushedB = -1;
    let cancelled: boolean | null = null;
    sim.spawn('t', function* () {
      queueWork(wq, a);
      yield sleep(us(1));
      yield* flushWorkqueue(wq); // b is queued (by 'v') while this waits: not waited for
      flushed = sim.now;
      yield* flushWork(b);
      flushedB = sim.now;
    });
    sim.spawn('v', function* () {
      yield sleep(us(5));
      queueWork(wq, b);
    });
    sim.spawn('u', function* () {
      yield sleep(us(2));
      queueWork(wq, c);
      cancelled = yield* cancelWorkSync(c);
    });
    sim.run();
    expect(flushed).toBeGreaterThanOrEqual(us(100));
    expect(flushed).toBeLessThan(us(300));
    expect(flushedB).toBeGreaterThanOrEqual(us(300));
    expect(typeof cancelled).toBe('boolean');
  });

  it('warns when an item hogs the CPU longer than wq_cpu_intensive_thresh_us (10 ms), unless WQ_CPU_INTENSIVE', () => {
    const sim = new Simulator({ costs: ZERO });
    const hog = initWork('iomap_dio_complete_work', function* () {
      yield 12_000_000;
    });
    const ok = initWork('intensive_work', function* () {
      yield 12_000_000;
    });
    sim.at(0, () => {
      queueWork(allocWorkqueue(sim, 'dio/sda', 0, 0), hog);
      queueWork(allocWorkqueue(sim, 'crunch', WQ_CPU_INTENSIVE, 0), ok);
    });
    sim.run();
    expect(wqHogWarnings(sim)).toEqual(['workqueue: iomap_dio_complete_work hogged CPU for >10000us 1 times, consider switching to WQ_UNBOUND']);
  });
});
