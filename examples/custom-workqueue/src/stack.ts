/**
 * The stack assembled by hand — engine, device, filesystem with a chosen
 * completion workqueue, iomap with the stock (≤ 6.5) workqueue policy, an
 * io_uring ring driven through the liburing-shaped API — running a fio-like
 * QD-N 4 KiB random-write loop pinned to CPU 0. The machine (costs,
 * scheduler, device) is the shipped profiles' calibrated one.
 */
import { NullBlk } from '@dio/blockdev';
import { DioFs, type DioWqFactory } from '@dio/fs';
import { LINUX_6_5 } from '@dio/fio';
import { iomapFileOperations, WorkqueuePolicy } from '@dio/iomap';
import { cqeSeen, getSqe, IORING_SETUP_CQSIZE, IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_SINGLE_ISSUER, peekCqe, prepWrite, queueInitParams, sqeSetData64, submit, waitCqe } from '@dio/io-uring';
import { FdTable, O_DIRECT, O_RDWR } from '@dio/kiocb';
import { type KGen, LatencyHistogram, ms, Simulator } from '@dio/sim';
import { allocWorkqueue, SingleThreadWorkqueue, WQ_MEM_RECLAIM, WQ_UNBOUND, type Workqueue } from '@dio/workqueue';

/** Which completion workqueue the filesystem gets. */
export type QueueChoice =
  | { readonly kind: 'bound' } // the kernel's default: alloc_workqueue("dio/%s", WQ_MEM_RECLAIM, 0)
  | { readonly kind: 'unbound' } // alloc_workqueue(..., WQ_UNBOUND | WQ_MEM_RECLAIM, 0)
  | { readonly kind: 'dedicated'; readonly cpu: number }; // SingleThreadWorkqueue: one nice -20 kthread pinned to `cpu`

/** Every queue compared: the app (and the device interrupt) run on CPU 0. */
export const QUEUES: readonly QueueChoice[] = [{ kind: 'bound' }, { kind: 'unbound' }, { kind: 'dedicated', cpu: 0 }, { kind: 'dedicated', cpu: 1 }];

/** A label for a choice. */
export function queueName(q: QueueChoice): string {
  if (q.kind === 'bound') return 'kernel bound (default)';
  if (q.kind === 'unbound') return 'kernel WQ_UNBOUND';
  return `dedicated nice -20 kthread on CPU ${q.cpu}`;
}

/** Result of one run. */
export interface RunResult {
  readonly queue: string;
  readonly qd: number;
  readonly iops: number;
  readonly meanUs: number;
  readonly p99us: number;
  /** Items the custom queue ran (0 for the kernel's queues). */
  readonly customItems: number;
}

/** The filesystem's `dioWq` factory for a choice; `onCustom` sees the custom queue when one is made. */
function factory(queue: QueueChoice, onCustom: (q: SingleThreadWorkqueue) => void): DioWqFactory {
  return (sim, name): Workqueue => {
    if (queue.kind === 'unbound') return allocWorkqueue(sim, name, WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
    if (queue.kind === 'bound') return allocWorkqueue(sim, name, WQ_MEM_RECLAIM, 0);
    const q = new SingleThreadWorkqueue(sim, name, { cpu: queue.cpu, nice: -20 });
    onCustom(q);
    return q;
  };
}

/** Run 4 KiB random writes at depth `qd` for `runtimeNs` with the chosen completion queue. */
export function runWith(queue: QueueChoice, qd: number, runtimeNs = ms(100), seed = 42): RunResult {
  const sim = new Simulator({ seed, cpus: 2, costs: LINUX_6_5.costs, sched: LINUX_6_5.sched });
  let custom: SingleThreadWorkqueue | null = null;
  const dev = new NullBlk(sim, { ...LINUX_6_5.device, gb: 4 });
  const fs = new DioFs(sim, dev, { fops: iomapFileOperations(new WorkqueuePolicy()), dioWq: factory(queue, (q) => (custom = q)) });
  fs.create('/data', 1 << 30, 'written');
  const file = fs.open('/data', O_RDWR | O_DIRECT);
  if (typeof file === 'number') throw new Error(`open: ${file}`);
  const files = new FdTable();
  const fd = files.install(file);
  const lat = new LatencyHistogram();
  let completed = 0;
  function* app(): KGen<void> {
    const ring = yield* queueInitParams(qd, { flags: IORING_SETUP_CQSIZE | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, cqEntries: qd }, { files, kernel: { dioCallerComp: false } });
    if (typeof ring === 'number') throw new Error(`io_uring_setup: ${ring}`);
    const rng = sim.rng.fork('offsets');
    const started = new Map<number, number>();
    let next = 0;
    while (sim.now < runtimeNs) {
      let queued = 0;
      while (started.size < qd) {
        const sqe = getSqe(ring);
        if (sqe === null) break;
        prepWrite(sqe, fd, null, 4096, rng.int(0, (1 << 18) - 1) * 4096);
        sqeSetData64(sqe, next);
        started.set(next++, sim.now);
        queued++;
      }
      if (queued > 0) yield* submit(ring);
      const c = yield* waitCqe(ring);
      if (typeof c === 'number') throw new Error(`io_uring_wait_cqe: ${c}`);
      for (let q = peekCqe(ring); q !== null; q = peekCqe(ring)) {
        const id = Number(q.userData);
        lat.record(sim.now - (started.get(id) ?? sim.now));
        started.delete(id);
        cqeSeen(ring, q);
        completed++;
      }
    }
  }
  sim.spawn('app', app(), { cpusAllowed: [0] });
  sim.run({ until: runtimeNs + ms(10) });
  const ran = (custom as SingleThreadWorkqueue | null)?.ran ?? 0;
  return { queue: queueName(queue), qd, iops: completed / (runtimeNs / 1e9), meanUs: lat.mean / 1000, p99us: lat.percentile(99) / 1000, customItems: ran };
}
