import { describe, expect, it } from 'vitest';
import type { KGen } from './context';
import { condResched, schedYield, sleep } from './requests';
import type { SchedParams } from './sched';
import { Simulator } from './simulator';
import { WaitQueue, waitEvent } from './waitqueue';

const ZERO = { contextSwitch: 0, idleExit: 0, syscall: 0, hardirq: 0, softirq: 0 };
const MS = 1_000_000;
const US = 1_000;
const EEVDF: Partial<SchedParams> = { fair: 'eevdf', baseSliceNs: 3 * MS, tickNs: 1 * MS };

/** Run segments `[task, start, end)` on cpu0, from sched_switch trace records. */
function segments(sim: Simulator): [string, number, number][] {
  const out: [string, number, number][] = [];
  let cur: { name: string; since: number } | null = null;
  for (const r of sim.tracer.records) {
    if (r.ph !== 'i' || r.name !== 'sched_switch') continue;
    if (cur !== null && cur.name !== 'swapper') out.push([cur.name, cur.since, r.ts]);
    cur = { name: r.args?.['next_comm'] as string, since: r.ts };
  }
  return out;
}

describe('EEVDF (sched.fair = eevdf)', () => {
  it('two CPU-bound tasks alternate in requests of base_slice (ticks at 1 ms)', () => {
    const sim = new Simulator({ costs: ZERO, trace: true, cpus: 1, sched: EEVDF });
    for (const n of ['a', 'b']) {
      sim.spawn(n, function* () {
        yield 30 * MS;
      });
    }
    sim.run();
    const segs = segments(sim);
    expect(segs.slice(0, 4)).toEqual([
      ['a', 0, 3 * MS],
      ['b', 3 * MS, 6 * MS],
      ['a', 6 * MS, 9 * MS],
      ['b', 9 * MS, 12 * MS],
    ]);
  });

  /**
   * A kworker-like loop on one CPU: each item wakes the sleeper, then
   * cond_resched(). CFS preempts the kworker at the first cond_resched (the
   * woken sleeper has half a latency period of credit); EEVDF's
   * RUN_TO_PARITY lets the kworker finish its short batch first.
   */
  function batchOrder(sched: Partial<SchedParams>): string[] {
    const sim = new Simulator({ costs: ZERO, cpus: 1, sched: { tickNs: 1 * MS, ...sched } });
    const wq = new WaitQueue('events');
    const log: string[] = [];
    let pending = 0;
    sim.spawn('fio', function* (): KGen<void> {
      for (let reaped = 0; reaped < 4; ) {
        yield* waitEvent(wq, () => pending > 0);
        pending--;
        reaped++;
        log.push('reap');
        yield 1 * US;
      }
    });
    sim.spawn(
      'kworker',
      function* (): KGen<void> {
        yield 20 * MS; // runs alone while fio sleeps: under CFS fio comes back 12 ms behind, past the 4 ms wakeup granularity
        yield sleep(50 * US);
        for (let i = 0; i < 4; i++) {
          yield 2 * US;
          pending++;
          log.push('complete');
          wq.wakeUpAll();
          yield condResched;
        }
      },
      { kind: 'kthread' },
    );
    sim.run();
    return log;
  }

  it('RUN_TO_PARITY: a short kworker batch is not preempted by the task it wakes (CFS ping-pongs)', () => {
    expect(batchOrder({ fair: 'cfs' })).toEqual(['complete', 'reap', 'complete', 'reap', 'complete', 'reap', 'complete', 'reap']);
    expect(batchOrder({ fair: 'eevdf' })).toEqual(['complete', 'complete', 'complete', 'complete', 'reap', 'reap', 'reap', 'reap']);
  });

  it('a wakee preempts once the running task has used its request', () => {
    const sim = new Simulator({ costs: ZERO, cpus: 1, sched: EEVDF });
    let ranAt = -1;
    sim.spawn('wakee', function* () {
      yield sleep(1 * MS);
      ranAt = sim.now;
    });
    sim.spawn('hog', function* () {
      yield 100 * MS;
    });
    sim.run();
    // the hog's first request ends at 3 ms (a tick): then the wakee, eligible with the earlier deadline, runs
    expect(ranAt).toBe(3 * MS);
  });

  it('lag survives a sleep: a task that ran ahead comes back behind the others', () => {
    const sim = new Simulator({ costs: ZERO, cpus: 1, sched: EEVDF });
    const hog = sim.spawn('hog', function* () {
      for (;;) yield 1 * MS;
    });
    sim.spawn('sleeper', function* () {
      yield 10 * MS; // shares the CPU, then sleeps
      yield sleep(5 * MS);
      yield 10 * MS;
    });
    sim.run({ until: 200 * MS });
    // over the whole run both got about the same CPU while runnable: no sleeper bonus
    expect(hog.utime).toBeGreaterThan(170 * MS);
    expect(hog.vlag).toBeGreaterThanOrEqual(-(2 * 3 * MS));
  });

  it('sched_yield() moves the deadline on: the other task runs first', () => {
    const sim = new Simulator({ costs: ZERO, trace: true, cpus: 1, sched: EEVDF });
    sim.spawn('a', function* () {
      yield 100 * US;
      yield schedYield;
      yield 100 * US;
    });
    sim.spawn('b', function* () {
      yield 100 * US;
    });
    sim.run();
    expect(segments(sim).map((s) => s[0])).toEqual(['a', 'b', 'a']);
  });
});
