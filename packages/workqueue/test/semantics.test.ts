/** Ordered queues, max_active, flush, cancel, destroy and the freezer, on both Workqueue implementations where they apply. */
import { type KGen, Simulator, sleep, us } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import {
  allocOrderedWorkqueue,
  allocWorkqueue,
  cancelWorkSync,
  destroyWorkqueue,
  flushWork,
  flushWorkqueue,
  freezeWorkqueuesBegin,
  freezeWorkqueuesBusy,
  initWork,
  queueWork,
  queueWorkOn,
  SingleThreadWorkqueue,
  thawWorkqueues,
  WorkqueueError,
  WQ_FREEZABLE,
  WQ_UNBOUND,
  type Workqueue,
  type WorkStruct,
} from '../src/index';

const ZERO = { contextSwitch: 0, idleExit: 0, queueWork: 0, workItem: 0, kworkerCreate: 0 };

const sleeper = (name: string, ns: number, log?: string[], sim?: Simulator): WorkStruct =>
  initWork(name, function* (): KGen<void> {
    yield sleep(ns);
    if (log !== undefined && sim !== undefined) log.push(`${name} ${sim.now / 1000}`);
  });

/** Implementations that run one item at a time, and the time the flush test's `b` ends on them. */
const SERIAL: ReadonlyArray<[string, (sim: Simulator) => Workqueue, number]> = [
  ['alloc_ordered_workqueue', (sim) => allocOrderedWorkqueue(sim, 'q'), 400],
  ['SingleThreadWorkqueue', (sim) => new SingleThreadWorkqueue(sim, 'q'), 400],
];
/** Plus a queue that runs a and b in parallel. */
const ALL: ReadonlyArray<[string, (sim: Simulator) => Workqueue, number]> = [...SERIAL, ['alloc_workqueue(WQ_UNBOUND)', (sim) => allocWorkqueue(sim, 'q', WQ_UNBOUND, 0), 305]];

describe('ordering and max_active', () => {
  it('an ordered queue runs one item at a time in queueing order, whichever CPU queues', () => {
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

  it('max_active bounds concurrent items; queueWork on a pending item returns false', () => {
    const sim = new Simulator({ cpus: 4, costs: ZERO });
    const wq = allocWorkqueue(sim, 'ma', WQ_UNBOUND, 2);
    let running = 0;
    let max = 0;
    const starts: number[] = [];
    const items = Array.from({ length: 6 }, (_, i) =>
      initWork(`w${i}`, function* (): KGen<void> {
        starts.push(sim.now / 1000);
        running++;
        max = Math.max(max, running);
        yield sleep(us(50));
        running--;
      }),
    );
    const again: boolean[] = [];
    sim.at(0, () => {
      for (const w of items) queueWork(wq, w);
      again.push(queueWork(wq, items[5] as WorkStruct));
    });
    sim.run();
    expect(max).toBe(2);
    expect(starts).toEqual([0, 0, 50, 50, 100, 100]);
    expect(again).toEqual([false]);
    expect(items.every((w) => w.done === 1)).toBe(true);
  });
});

describe.each(ALL)('flush: %s', (_name, mk, bDone) => {
  it('flush_workqueue waits for exactly the items queued before it; flush_work for the item’s own instance', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    const wq = mk(sim);
    const a = sleeper('a', us(100));
    const b = sleeper('b', us(300));
    const at: Record<string, number> = {};
    sim.spawn('t', function* () {
      queueWork(wq, a);
      yield sleep(us(1));
      yield* flushWorkqueue(wq); // b, queued at 5 µs while this waits, is not waited for
      at['flush'] = sim.now / 1000;
      expect(yield* flushWork(b)).toBe(true);
      at['flushB'] = sim.now / 1000;
      expect(yield* flushWork(b)).toBe(false); // idle now
      yield* flushWorkqueue(wq); // nothing in flight: returns at once
      at['empty'] = sim.now / 1000;
    });
    sim.spawn('v', function* () {
      yield sleep(us(5));
      queueWork(wq, b);
    });
    expect(sim.run().hung).toEqual([]);
    // a serial queue runs b after a (100 + 300); the unbound one in parallel (5 + 300)
    expect(at).toEqual({ flush: 100, flushB: bDone, empty: bDone });
  });
});

describe.each(SERIAL)('cancel and destroy: %s', (_name, mk) => {
  it('cancel_work_sync removes a pending item (it never runs, flushers are released) and waits for a running one', () => {
    const sim = new Simulator({ cpus: 1, costs: ZERO });
    const wq = mk(sim);
    const log: string[] = [];
    const running = sleeper('running', us(50), log, sim);
    const blocker = sleeper('blocker', us(100), log, sim);
    const pending = sleeper('pending', us(10), log, sim);
    const out: Record<string, unknown> = {};
    sim.at(0, () => {
      queueWork(wq, running);
    });
    sim.spawn('canceller', function* () {
      yield sleep(us(10)); // `running` is mid-run
      out['runningCancel'] = yield* cancelWorkSync(running);
      out['runningAt'] = sim.now / 1000;
      queueWork(wq, blocker);
      queueWork(wq, pending);
      yield sleep(us(1)); // the flusher starts waiting for `pending` meanwhile
      out['pendingCancel'] = yield* cancelWorkSync(pending);
      out['pendingAt'] = sim.now / 1000;
      out['idleCancel'] = yield* cancelWorkSync(pending);
      yield* flushWorkqueue(wq);
      out['flushedAt'] = sim.now / 1000;
    });
    sim.spawn('requeuer', function* () {
      yield sleep(us(20)); // while the canceller waits for `running`: WORK_OFFQ_CANCELING
      out['requeue'] = queueWork(wq, running);
    });
    sim.spawn('flusher', function* () {
      yield sleep(us(50) + 500);
      out['flushPending'] = yield* flushWork(pending); // pending, then cancelled: released by the cancel
      out['flushPendingAt'] = sim.now / 1000;
    });
    expect(sim.run().hung).toEqual([]);
    expect(out).toEqual({
      runningCancel: false,
      runningAt: 50,
      requeue: false,
      pendingCancel: true,
      pendingAt: 51,
      idleCancel: false,
      flushPending: true,
      flushPendingAt: 51,
      flushedAt: 150,
    });
    expect(log).toEqual(['running 50', 'blocker 150']);
    expect(pending.done).toBe(0);
  });

  it('destroy_workqueue drains (chained work included), refuses other queueing meanwhile, and refuses all afterwards', () => {
    const sim = new Simulator({ cpus: 1, costs: ZERO });
    const wq = mk(sim);
    const log: string[] = [];
    let chained = 0;
    const chain: WorkStruct = initWork('chain', function* (): KGen<void> {
      yield sleep(us(10));
      log.push(`chain ${sim.now / 1000}`);
      if (++chained < 3) queueWork(wq, chain); // chained work: allowed while draining
    });
    const errors: string[] = [];
    sim.spawn('owner', function* () {
      queueWork(wq, chain);
      yield* destroyWorkqueue(wq);
      log.push(`destroyed ${sim.now / 1000}`);
      try {
        queueWork(wq, sleeper('late', 1));
      } catch (e) {
        errors.push(e instanceof WorkqueueError ? 'after' : String(e));
      }
      try {
        yield* destroyWorkqueue(wq);
      } catch (e) {
        errors.push(e instanceof WorkqueueError ? 'twice' : String(e));
      }
    });
    sim.spawn('outsider', function* () {
      yield sleep(us(15));
      try {
        queueWork(wq, sleeper('outside', 1));
      } catch (e) {
        errors.push(e instanceof WorkqueueError ? 'draining' : String(e));
      }
    });
    expect(sim.run().hung).toEqual([]);
    expect(log).toEqual(['chain 10', 'chain 20', 'chain 30', 'destroyed 30']);
    expect(errors).toEqual(['draining', 'after', 'twice']);
  });
});

describe('WQ_FREEZABLE', () => {
  it('a frozen freezable queue keeps new items inactive until thawed; other queues are not affected', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    const fz = allocWorkqueue(sim, 'fz', WQ_FREEZABLE | WQ_UNBOUND, 0);
    const plain = allocWorkqueue(sim, 'plain', WQ_UNBOUND, 0);
    const log: string[] = [];
    const busy: boolean[] = [];
    sim.at(0, () => queueWork(fz, sleeper('active', us(20), log, sim)));
    sim.at(us(5), () => {
      freezeWorkqueuesBegin(sim);
      busy.push(freezeWorkqueuesBusy(sim)); // `active` still runs
      queueWork(fz, sleeper('frozen', us(1), log, sim));
      queueWork(plain, sleeper('plain', us(1), log, sim));
    });
    sim.at(us(30), () => busy.push(freezeWorkqueuesBusy(sim)));
    sim.at(us(100), () => thawWorkqueues(sim));
    sim.run();
    expect(busy).toEqual([true, false]);
    expect(log).toEqual(['plain 6', 'active 20', 'frozen 101']);
  });
});
