/**
 * The stack assembled by hand — engine, device, filesystem with a chosen
 * completion workqueue, iomap with the workqueue policy, an io_uring ring —
 * and a fio-like QD-N random-write loop on one CPU.
 */
import { NullBlk } from '@dio/blockdev';
import { DioFs, type DioWqFactory } from '@dio/fs';
import { iomapFileOperations, WorkqueuePolicy } from '@dio/iomap';
import { cqeSeen, getSqe, IORING_SETUP_CQSIZE, IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_SINGLE_ISSUER, peekCqe, prepWrite, queueInitParams, sqeSetData64, submit, waitCqe } from '@dio/io-uring';
import { FdTable, O_DIRECT, O_RDWR } from '@dio/kiocb';
import { type KGen, LatencyHistogram, ms, Simulator } from '@dio/sim';
import { allocWorkqueue, SingleThreadWorkqueue, WQ_MEM_RECLAIM, WQ_UNBOUND, type Workqueue } from '@dio/workqueue';

/** Which completion workqueue the filesystem gets. */
export type QueueChoice = 'kernel bound (default)' | 'kernel WQ_UNBOUND' | 'dedicated nice -20 thread on CPU 1';

/** Result of one run. */
export interface RunResult {
  readonly queue: QueueChoice;
  readonly qd: number;
  readonly iops: number;
  readonly p99us: number;
  /** Items the custom queue ran (0 for the kernel's). */
  readonly customItems: number;
}

/** Run 4 KiB random writes at depth `qd` for `runtimeNs` with the chosen completion queue. */
export function runWith(queue: QueueChoice, qd: number, runtimeNs = ms(100)): RunResult {
  const sim = new Simulator({ seed: 42, cpus: 2 });
  let custom: SingleThreadWorkqueue | null = null;
  const dioWq: DioWqFactory = (s, name): Workqueue => {
    if (queue === 'kernel WQ_UNBOUND') return allocWorkqueue(s, name, WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
    if (queue === 'dedicated nice -20 thread on CPU 1') return (custom = new SingleThreadWorkqueue(s, name, { cpu: 1, nice: -20 }));
    return allocWorkqueue(s, name, WQ_MEM_RECLAIM, 0);
  };
  const dev = new NullBlk(sim, { gb: 4, write_latency: { kind: 'lognormal', mean: 8_000, stddev: 2_000 } });
  const fs = new DioFs(sim, dev, { fops: iomapFileOperations(new WorkqueuePolicy()), dioWq });
  fs.create('/data', 1 << 30, 'written');
  const file = fs.open('/data', O_RDWR | O_DIRECT);
  if (typeof file === 'number') throw new Error('open');
  const files = new FdTable();
  const fd = files.install(file);
  const lat = new LatencyHistogram();
  let completed = 0;
  sim.spawn(
    'app',
    function* (): KGen<void> {
      const ring = yield* queueInitParams(qd, { flags: IORING_SETUP_CQSIZE | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, cqEntries: qd }, { files, kernel: { dioCallerComp: false } });
      if (typeof ring === 'number') throw new Error(`setup ${ring}`);
      const rng = sim.rng.fork('offsets');
      const started = new Map<number, number>();
      let next = 0;
      while (sim.now < runtimeNs) {
        while (started.size < qd) {
          const sqe = getSqe(ring);
          if (sqe === null) break;
          prepWrite(sqe, fd, null, 4096, rng.int(0, (1 << 18) - 1) * 4096);
          sqeSetData64(sqe, next);
          started.set(next++, sim.now);
          yield* submit(ring);
        }
        const c = yield* waitCqe(ring);
        if (typeof c === 'number') throw new Error(`wait ${c}`);
        for (let q = peekCqe(ring); q !== null; q = peekCqe(ring)) {
          const id = Number(q.userData);
          lat.record(sim.now - (started.get(id) ?? sim.now));
          started.delete(id);
          cqeSeen(ring, q);
          completed++;
        }
      }
    },
    { cpusAllowed: [0] },
  );
  sim.run({ until: runtimeNs + ms(10) });
  const ran = (custom as SingleThreadWorkqueue | null)?.ran ?? 0;
  return { queue, qd, iops: completed / (runtimeNs / 1e9), p99us: lat.percentile(99) / 1000, customItems: ran };
}

/** Every queue at QD1 and QD16. */
export const QUEUES: readonly QueueChoice[] = ['kernel bound (default)', 'kernel WQ_UNBOUND', 'dedicated nice -20 thread on CPU 1'];
