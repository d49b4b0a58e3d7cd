/**
 * The starvation class of bug reported against ScyllaDB's reactor (seastar
 * issue 2696): a task that busy-polls its CPU shares it with the bound dio
 * kworker. With sched_wakeup_granularity_ns raised to 15 ms (a common tuned
 * profile), the woken kworker cannot preempt the poller and waits for the
 * poller's slice to end, so QD1 I/O that completes through the workqueue
 * collapses; an unbound queue lets the kworker run on an idle CPU.
 */
import { type KGen, ms, type SchedParams, Simulator, us } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { allocWorkqueue, initWork, queueWork, WQ_MEM_RECLAIM, WQ_UNBOUND } from '../src/index';

/** Writes completed per simulated second at QD1 while a reactor busy-polls CPU 0. */
function qd1Iops(sched: Partial<SchedParams>, wqFlags: number): number {
  const sim = new Simulator({ seed: 5, cpus: 2, sched });
  const wq = allocWorkqueue(sim, 'dio/sda', wqFlags, 0);
  const cpu0 = sim.cpus[0];
  if (cpu0 === undefined) throw new Error('no cpu');
  let completed = 0;
  const complete = initWork('iomap_dio_complete_work', function* (): KGen<void> {
    yield us(2); // iomap_dio_complete + ki_complete
    completed++;
    submit(); // the reactor sees the completion and issues the next write at once
  });
  // the device: 20 µs of service, then an interrupt on the submitting CPU queues the completion
  const submit = (): void => {
    sim.after(us(20), () =>
      sim.raiseIrq(cpu0, 'nvme', function* () {
        yield sim.costs.hardirq;
        queueWork(wq, complete);
      }),
    );
  };
  sim.spawn(
    'reactor',
    function* (): KGen<void> {
      for (;;) yield us(50); // polls forever in user mode
    },
    { cpusAllowed: [0] },
  );
  sim.at(0, submit);
  sim.run({ until: ms(500) });
  return completed / 0.5;
}

describe('reactor starvation (seastar #2696)', () => {
  it('a 15 ms wakeup granularity collapses QD1 IOPS by well over 10x; an unbound queue avoids it', () => {
    const normal = qd1Iops({}, WQ_MEM_RECLAIM);
    const tuned = qd1Iops({ wakeupGranularityNs: 15_000_000 }, WQ_MEM_RECLAIM);
    const unbound = qd1Iops({ wakeupGranularityNs: 15_000_000 }, WQ_MEM_RECLAIM | WQ_UNBOUND);
    console.log(`QD1 IOPS: default granularity ${normal}, 15 ms granularity ${tuned}, unbound ${unbound}`);
    expect(normal / tuned).toBeGreaterThan(10);
    expect(tuned).toBeLessThan(200); // the report: ~91 IOPS against > 10,000
    expect(unbound / tuned).toBeGreaterThan(10);
    expect(unbound).toBeGreaterThan(10_000);
  });
});
