/** Worker pools: kworker names and priorities, bound placement, unbound concurrency, non-reentrancy. */
import { type CostModel, currentTask, type KGen, ms, type SchedParams, Simulator, sleep, us } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { allocWorkqueue, allPools, initWork, queueWork, queueWorkOn, WQ_HIGHPRI, WQ_UNBOUND } from './index';

const ZERO = { contextSwitch: 0, idleExit: 0, queueWork: 0, workItem: 0, kworkerCreate: 0 };

/** The task (name, cpu, nice weight) that runs the current work item. */
function runner(): { name: string; cpu: number; weight: number } {
  const t = currentTask();
  return { name: t.name, cpu: t.cpu.id, weight: t.weight };
}

describe('worker pools', () => {
  it('names kworkers kworker/<cpu>:<id>, H for the highpri pool (nice -20), kworker/u<pool id>:<id> for unbound pools', () => {
    const sim = new Simulator({ cpus: 4, costs: ZERO });
    const seen: string[] = [];
    const w = (name: string) =>
      initWork(name, function* (): KGen<void> {
        const r = runner();
        // unbound workers go wherever the scheduler puts them: their CPU is not part of the check
        seen.push(`${name}: ${r.name}${r.name.startsWith('kworker/u') ? '' : ` cpu${r.cpu}`} w${r.weight}`);
        yield us(1);
      });
    sim.at(0, () => {
      queueWorkOn(3, allocWorkqueue(sim, 'events', 0, 0), w('normal'));
      queueWorkOn(1, allocWorkqueue(sim, 'kblockd', WQ_HIGHPRI, 0), w('highpri'));
      queueWork(allocWorkqueue(sim, 'events_unbound', WQ_UNBOUND, 0), w('unbound'));
      queueWork(allocWorkqueue(sim, 'hp_unbound', WQ_UNBOUND | WQ_HIGHPRI, 0), w('unbound-highpri'));
    });
    sim.run();
    expect(seen.sort()).toEqual([
      'highpri: kworker/1:0H cpu1 w88761',
      'normal: kworker/3:0 cpu3 w1024',
      'unbound-highpri: kworker/u9:0 w88761',
      'unbound: kworker/u8:0 w1024',
    ]);
    expect(allPools(sim).map((p) => p.id)).toEqual([6, 3, 8, 9]) // cpu·2 + highpri; unbound pools from 2·nr_cpus;
  });

  it('a bound queue runs an item on the CPU that queued it', () => {
    const sim = new Simulator({ cpus: 4, costs: ZERO });
    const wq = allocWorkqueue(sim, 'events', 0, 0);
    const cpus: number[] = [];
    const w = initWork('w', function* () {
      cpus.push(runner().cpu);
    });
    for (const c of [2, 0, 3]) {
      sim.spawn(
        `q${c}`,
        function* () {
          yield sleep(us(10 * c + 1));
          queueWork(wq, w);
        },
        { cpusAllowed: [c] },
      );
    }
    sim.run();
    expect(cpus).toEqual([0, 2, 3]);
  });

  it('an unbound pool runs items that sleep in parallel on idle CPUs, each woken worker chaining the next', () => {
    const sim = new Simulator({ cpus: 4, costs: ZERO });
    const wq = allocWorkqueue(sim, 'events_unbound', WQ_UNBOUND, 0);
    const starts: number[] = [];
    sim.at(0, () => {
      for (let i = 0; i < 3; i++) {
        queueWork(
          wq,
          initWork(`w${i}`, function* () {
            starts.push(sim.now);
            yield us(100);
          }),
        );
      }
    });
    sim.run();
    expect(starts).toEqual([0, 0, 0]);
  });

  it('never runs one work item twice at once: requeued on another CPU while running, it waits for the first run', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    const wq = allocWorkqueue(sim, 'events', 0, 0);
    const log: string[] = [];
    let running = 0;
    const w = initWork('w', function* () {
      running++;
      log.push(`start ${sim.now / 1000} ${runner().name} running=${running}`);
      yield sleep(us(50));
      running--;
    });
    let requeued: boolean | null = null;
    sim.at(0, () => queueWorkOn(0, wq, w));
    sim.at(us(10), () => {
      requeued = queueWorkOn(1, wq, w);
    });
    sim.run();
    expect(requeued).toBe(true);
    // the second instance goes to the pool where the first runs (CPU 0), after it
    expect(log).toEqual(['start 0 kworker/0:0 running=1', 'start 50 kworker/0:0 running=1']);
  });

  it('a kworker woken on a busy CPU goes through its run queue: it preempts the running task only past the wakeup granularity', () => {
    const startAt = (sched: Partial<SchedParams>, costs: Partial<CostModel>): number => {
      const sim = new Simulator({ cpus: 2, costs, sched });
      const wq = allocWorkqueue(sim, 'dio/sda', 0, 0);
      let started = -1;
      // fio-like: a user task pinned to CPU 0 that never sleeps
      sim.spawn(
        'fio',
        function* (): KGen<void> {
          for (;;) yield us(100);
        },
        { cpusAllowed: [0] },
      );
      sim.at(ms(50), () =>
        queueWorkOn(
          0,
          wq,
          initWork('iomap_dio_complete_work', function* () {
            started = sim.now;
          }),
        ),
      );
      sim.run({ until: ms(100) });
      return started;
    };
    // default CFS (4 ms granularity): the sleeper-credited kworker preempts fio at once
    expect(startAt({}, ZERO)).toBe(ms(50));
    // and pays the context switch (CPU time, charged before the item runs)
    expect(startAt({}, { ...ZERO, contextSwitch: 1_500 })).toBe(ms(50) + 1_500);
    // 15 ms granularity (the tuned profile of seastar #2696): it waits for fio's slice to end at the next tick
    expect(startAt({ wakeupGranularityNs: ms(15) }, ZERO)).toBe(ms(52));
  });
});
