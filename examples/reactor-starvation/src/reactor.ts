/**
 * ScyllaDB's seastar reactor (issue 2696) in miniature: a thread that
 * busy-polls its CPU, issuing one libaio O_DIRECT write at a time to XFS and
 * polling io_getevents without blocking. On ≤ 6.18 the write's completion
 * must run on the bound `dio/<sb>` kworker of that same CPU; whether the
 * kworker gets the CPU depends on the scheduler's wakeup granularity.
 */
import { ioGetevents, ioPrepPwrite, ioSetup, ioSubmit } from '@dio/aio';
import { NullBlk } from '@dio/blockdev';
import { DioFs, type DioWqFactory } from '@dio/fs';
import { type CompletionPolicy, InlinePolicy, iomapFileOperations, WorkqueuePolicy } from '@dio/iomap';
import { FdTable, O_DIRECT, O_RDWR } from '@dio/kiocb';
import { type KGen, ms, Simulator, us } from '@dio/sim';
import { allocWorkqueue, WQ_MEM_RECLAIM, WQ_UNBOUND } from '@dio/workqueue';

/** One configuration of the machine. */
export interface Setup {
  readonly name: string;
  /** sched_wakeup_granularity_ns */
  readonly wakeupGranularityNs: number;
  readonly policy: () => CompletionPolicy;
  readonly dioWq?: DioWqFactory;
}

/** The report's configurations and the two fixes. */
export const SETUPS: readonly Setup[] = [
  { name: 'default scheduler (4 ms wakeup granularity)', wakeupGranularityNs: 4_000_000, policy: () => new WorkqueuePolicy() },
  { name: 'tuned profile (15 ms wakeup granularity)', wakeupGranularityNs: 15_000_000, policy: () => new WorkqueuePolicy() },
  {
    name: 'tuned + WQ_UNBOUND dio workqueue',
    wakeupGranularityNs: 15_000_000,
    policy: () => new WorkqueuePolicy(),
    dioWq: (sim, name) => allocWorkqueue(sim, name, WQ_UNBOUND | WQ_MEM_RECLAIM, 0),
  },
  { name: 'tuned + 6.19 inline completion', wakeupGranularityNs: 15_000_000, policy: () => new InlinePolicy() },
];

/** Writes per second the reactor completes at QD1 under `s`. */
export function reactorIops(s: Setup, runtimeNs = ms(500)): number {
  const sim = new Simulator({ seed: 2696, cpus: 2, sched: { wakeupGranularityNs: s.wakeupGranularityNs } });
  const fs = new DioFs(sim, new NullBlk(sim, { gb: 1, write_latency: { kind: 'lognormal', mean: 20_000, stddev: 4_000 } }), {
    fops: iomapFileOperations(s.policy()),
    ...(s.dioWq ? { dioWq: s.dioWq } : {}),
  });
  fs.create('/var/lib/scylla/commitlog', 1 << 24, 'written');
  const file = fs.open('/var/lib/scylla/commitlog', O_RDWR | O_DIRECT);
  if (typeof file === 'number') throw new Error('open');
  const files = new FdTable();
  const fd = files.install(file);
  let done = 0;
  sim.spawn(
    'reactor-0',
    function* (): KGen<void> {
      const ctx = yield* ioSetup(128, files);
      if (typeof ctx === 'number') throw new Error(`io_setup ${ctx}`);
      for (let i = 0; sim.now < runtimeNs; i++) {
        yield* ioSubmit(ctx, [ioPrepPwrite(fd, null, 4096, (i % 4096) * 4096)]);
        for (;;) {
          yield us(10); // the reactor's own work between polls (user mode, never sleeps)
          const ev = yield* ioGetevents(ctx, 0, 1, 0);
          if (typeof ev !== 'number' && ev.length > 0) break;
          if (sim.now >= runtimeNs) return;
        }
        done++;
      }
    },
    { cpusAllowed: [0] },
  );
  sim.run({ until: runtimeNs + ms(50) });
  return done / (runtimeNs / 1e9);
}
