/**
 * ScyllaDB's seastar reactor (seastar issue 2696) in miniature: a thread that
 * busy-polls its CPU in user mode, issuing one libaio O_DIRECT write at a time
 * to XFS and peeking for its completion with a non-blocking io_getevents
 * (min_nr 0, timeout 0) between bursts of its own work. On ≤ 6.18 the write's
 * completion must run on the bound `dio/<sb>` kworker of the CPU that took the
 * interrupt — the reactor's CPU; whether the kworker gets that CPU depends on
 * the scheduler's wakeup granularity.
 */
import { ioGetevents, ioPrepPwrite, ioSetup, ioSubmit, type Kioctx } from '@dio/aio';
import { NullBlk } from '@dio/blockdev';
import { type KernelProfile, LINUX_6_19, LINUX_6_5, policyFor } from '@dio/fio';
import { DioFs, type DioWqFactory } from '@dio/fs';
import { iomapFileOperations } from '@dio/iomap';
import { FdTable, O_DIRECT, O_RDWR } from '@dio/kiocb';
import { type KGen, ms, Simulator, us } from '@dio/sim';
import { allocWorkqueue, WQ_MEM_RECLAIM, WQ_UNBOUND } from '@dio/workqueue';

/** One configuration of the machine. */
export interface Setup {
  readonly name: string;
  /** The kernel: its completion policy, costs and scheduler. */
  readonly profile: KernelProfile;
  /** sched_wakeup_granularity_ns */
  readonly wakeupGranularityNs: number;
  /** The filesystem's dio completion workqueue (default: the kernel's bound one). */
  readonly dioWq?: DioWqFactory;
}

const DEFAULT_GRAN = ms(4); // 1 ms × (1 + ilog2(8 CPUs))
const TUNED_GRAN = ms(15); // RHEL 8 tuned throughput-performance

/** The report's configurations and the two fixes. */
export const SETUPS: readonly Setup[] = [
  { name: 'linux-6.5, default scheduler (4 ms wakeup granularity)', profile: LINUX_6_5, wakeupGranularityNs: DEFAULT_GRAN },
  { name: 'linux-6.5, tuned (15 ms wakeup granularity)', profile: LINUX_6_5, wakeupGranularityNs: TUNED_GRAN },
  {
    name: 'linux-6.5, tuned + WQ_UNBOUND dio workqueue',
    profile: LINUX_6_5,
    wakeupGranularityNs: TUNED_GRAN,
    dioWq: (sim, name) => allocWorkqueue(sim, name, WQ_UNBOUND | WQ_MEM_RECLAIM, 0),
  },
  { name: 'linux-6.19, tuned (inline completion)', profile: LINUX_6_19, wakeupGranularityNs: TUNED_GRAN },
];

/** What one run measured. */
export interface ReactorResult {
  /** Writes per second the reactor completed at QD1. */
  readonly iops: number;
  /** Where the completions ran (aio_complete's context), most frequent first. */
  readonly completedIn: readonly string[];
}

/** Run the reactor for `runtimeNs` under `s`. */
export function runReactor(s: Setup, runtimeNs = ms(500), seed = 2696): ReactorResult {
  const sched = { ...s.profile.sched, wakeupGranularityNs: s.wakeupGranularityNs };
  const sim = new Simulator({ seed, cpus: 2, costs: s.profile.costs, sched });
  // a NAND NVMe drive: ~20 µs 4 KiB writes
  const dev = new NullBlk(sim, { ...s.profile.device, gb: 1, write_latency: { kind: 'lognormal', mean: 20_000, stddev: 4_000 } });
  const fs = new DioFs(sim, dev, { fops: iomapFileOperations(policyFor(s.profile)), ...(s.dioWq ? { dioWq: s.dioWq } : {}) });
  fs.create('/var/lib/scylla/commitlog/CommitLog-1.log', 1 << 24, 'written');
  const file = fs.open('/var/lib/scylla/commitlog/CommitLog-1.log', O_RDWR | O_DIRECT);
  if (typeof file === 'number') throw new Error(`open: ${file}`);
  const files = new FdTable();
  const fd = files.install(file);
  let done = 0;
  const aio: { ctx: Kioctx | null } = { ctx: null };
  const reactor = function* (): KGen<void> {
    const ctx = yield* ioSetup(128, files);
    if (typeof ctx === 'number') throw new Error(`io_setup: ${ctx}`);
    aio.ctx = ctx;
    for (let i = 0; sim.now < runtimeNs; i++) {
      const r = yield* ioSubmit(ctx, [ioPrepPwrite(fd, null, 4096, (i % 4096) * 4096)]);
      if (r !== 1) throw new Error(`io_submit: ${r}`);
      for (;;) {
        yield us(10); // the reactor's own work between polls: user mode, never sleeps
        const ev = yield* ioGetevents(ctx, 0, 1, 0);
        if (typeof ev === 'number') throw new Error(`io_getevents: ${ev}`);
        if (ev.length > 0) break;
        if (sim.now >= runtimeNs) return;
      }
      done++;
    }
  };
  sim.spawn('reactor-0', reactor(), { cpusAllowed: [0] });
  sim.run({ until: runtimeNs + ms(50) });
  const completedIn = [...(aio.ctx?.completedIn ?? [])].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  return { iops: done / (runtimeNs / 1e9), completedIn };
}
