/** WQ_MEM_RECLAIM: the rescuer runs a queue's work when no kworker can be created. */
import { currentTask, type KGen, ms, Simulator, sleep, us } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { allocWorkqueue, destroyWorkqueue, getPool, initWork, queueWorkOn, setWorkerCreationFailing, WQ_MEM_RECLAIM, type WorkqueueImpl } from './index';

const ZERO = { contextSwitch: 0, idleExit: 0, queueWork: 0, workItem: 0, kworkerCreate: 0 };

interface Ran {
  at: number;
  on: string;
  cpu: number;
}

/** Queue one item on an ordinary queue and one on `reclaimFlags`'s queue, on CPU 1, at 0; memory pressure from 0 to `pressureNs`. */
function underPressure(reclaimFlags: number, pressureNs: number): { events: Ran | null; reclaim: Ran | null; wq: WorkqueueImpl; sim: Simulator } {
  const sim = new Simulator({ cpus: 2, costs: ZERO }); // HZ=250: MAYDAY_INITIAL_TIMEOUT 8 ms, CREATE_COOLDOWN 1 s
  const events = allocWorkqueue(sim, 'events', 0, 0);
  const wq = allocWorkqueue(sim, 'dio/sda', reclaimFlags, 0);
  const out: { events: Ran | null; reclaim: Ran | null } = { events: null, reclaim: null };
  const item = (key: 'events' | 'reclaim') =>
    initWork(`${key}_work`, function* (): KGen<void> {
      const t = currentTask();
      out[key] = { at: sim.now, on: t.name, cpu: t.cpu.id };
      yield us(10);
    });
  sim.at(0, () => {
    setWorkerCreationFailing(sim, true);
    queueWorkOn(1, events, item('events'));
    queueWorkOn(1, wq, item('reclaim'));
  });
  sim.at(pressureNs, () => setWorkerCreationFailing(sim, false));
  expect(sim.run().hung).toEqual([]);
  return { ...out, wq, sim };
}

describe('the WQ_MEM_RECLAIM rescuer', () => {
  it('runs the queue’s work on the pool’s CPU at MAYDAY_INITIAL_TIMEOUT while worker creation fails; other queues wait for the retry', () => {
    const r = underPressure(WQ_MEM_RECLAIM, ms(50));
    expect(r.reclaim).toEqual({ at: ms(8), on: 'dio/sda', cpu: 1 });
    // the manager retries after CREATE_COOLDOWN (1 s), succeeds (pressure ended at 50 ms), and runs the rest
    expect(r.events).toEqual({ at: ms(1000), on: 'kworker/1:0', cpu: 1 });
    expect(r.wq.rescuer?.rescued).toBe(1);
    const pool = getPool(r.sim, 1, false);
    expect(pool.createFailures).toBe(1);
    expect(pool.created).toBe(2);
  });

  it('without WQ_MEM_RECLAIM the queue stalls with the others until a worker can be created', () => {
    const r = underPressure(0, ms(50));
    expect(r.wq.rescuer).toBeNull();
    expect(r.events?.at).toBe(ms(1000));
    expect(r.reclaim?.at).toBe(ms(1000) + us(10)); // after the events item, on the same kworker
  });

  it('is not involved when workers can be created', () => {
    const r = underPressure(WQ_MEM_RECLAIM, 0);
    expect(r.events?.at).toBe(0);
    expect(r.reclaim?.at).toBe(us(10));
    expect(r.reclaim?.on).toMatch(/^kworker\/1:/);
    expect(r.wq.rescuer?.rescued).toBe(0);
    expect(r.wq.rescuer?.maydayCalls).toBe(0);
  });

  it('moves to the next pool’s CPU between maydays (set_cpus_allowed_ptr on a running rescuer), with no time lost', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    const wq = allocWorkqueue(sim, 'dio/sda', WQ_MEM_RECLAIM, 0);
    const ran: [number, number, string][] = [];
    const w = (n: string) =>
      initWork(n, function* (): KGen<void> {
        const t = currentTask();
        ran.push([sim.now, t.cpu.id, t.name]);
        yield us(10);
      });
    sim.at(0, () => {
      setWorkerCreationFailing(sim, true);
      queueWorkOn(0, wq, w('on0'));
      queueWorkOn(1, wq, w('on1'));
    });
    sim.at(ms(50), () => setWorkerCreationFailing(sim, false));
    expect(sim.run().hung).toEqual([]);
    // both pools call at MAYDAY_INITIAL_TIMEOUT; the rescuer runs cpu0's item, then migrates and runs cpu1's at once
    expect(ran).toEqual([
      [ms(8), 0, 'dio/sda'],
      [ms(8) + us(10), 1, 'dio/sda'],
    ]);
    expect(wq.rescuer?.rescued).toBe(2);
    expect(wq.rescuer?.worker.task.cpusAllowed).toEqual([1]);
  });

  it('keeps rescuing while pressure lasts (retries every CREATE_COOLDOWN), and exits when the queue is destroyed', () => {
    const sim = new Simulator({ cpus: 1, costs: ZERO });
    const wq = allocWorkqueue(sim, 'xfs-conv/sda', WQ_MEM_RECLAIM, 0);
    const ran: number[] = [];
    const w = initWork('conv', function* () {
      ran.push(sim.now);
      yield us(5);
    });
    setWorkerCreationFailing(sim, true);
    // the first item uses the pool's only idle worker as manager; later ones find it stuck
    for (const t of [0, ms(20), ms(300)]) sim.at(t, () => queueWorkOn(0, wq, w));
    sim.at(ms(2500), () => setWorkerCreationFailing(sim, false));
    sim.spawn('destroyer', function* () {
      yield sleep(ms(3000));
      yield* destroyWorkqueue(wq);
    });
    expect(sim.run().hung).toEqual([]);
    // mayday at 8 ms; the item queued at 20 ms waits for the next MAYDAY_INTERVAL (108 ms), the one at 300 ms for 308 ms
    expect(ran).toEqual([ms(8), ms(108), ms(308)]);
    expect(wq.rescuer?.worker.task.state).toBe('X');
  });
});
