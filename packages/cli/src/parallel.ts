/**
 * Run independent simulation cells — `dio compare`'s grid, `dio sweep`'s
 * product — in parallel worker threads. Every cell is an independent
 * simulation with its own seed, so results are identical whatever the
 * parallelism; they are returned in task order.
 * @module
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { type CalibrateCell, type CalibrateTask, runCalibrateTask } from './calibrate/fit';
import { type CompareCell, type CompareOptions, type CompareTask, compareTasks, runCompareTask } from './compare';
import { UsageError, userMessage } from './errors';
import { type SweepCell, type SweepTask, sweepCell } from './sweep';

/** The kinds of cell a worker can run: what it is sent and what it answers. */
export interface CellKinds {
  readonly compare: { readonly task: CompareTask; readonly cell: CompareCell };
  readonly sweep: { readonly task: SweepTask; readonly cell: SweepCell };
  readonly calibrate: { readonly task: CalibrateTask; readonly cell: CalibrateCell };
}

/** A kind of cell. */
export type CellKind = keyof CellKinds;

/** How each kind runs, on any thread. */
const RUNNERS: { readonly [K in CellKind]: (t: CellKinds[K]['task']) => CellKinds[K]['cell'] } = {
  compare: runCompareTask,
  sweep: sweepCell,
  calibrate: runCalibrateTask,
};

/**
 * A rough cost of each kind's cell, to hand out the longest first (results
 * keep task order whatever the order they run in), so on two workers the
 * last cells handed out are the short ones and neither worker waits long for
 * the other.
 */
const WEIGHTS: { readonly [K in CellKind]: (t: CellKinds[K]['task']) => number } = {
  // in time (--runtime), the deepest queues do the most I/Os; in I/Os (--ios), the shallowest
  // cost the most per I/O (QD1 sleeps and wakes for every one)
  compare: (t) => ('ios' in t.length ? 1 / t.qd : t.qd),
  sweep: () => 1,
  // a search runs its evaluations, a leave-one-out refit half as many, a probe one
  calibrate: (t) => (t.kind === 'start' || t.kind === 'hop' ? t.evals : t.kind === 'loo' ? t.evals / 2 : 1),
};

/** Task indices in the order to hand them out: heaviest first, ties in task order. */
export function dispatchOrder<K extends CellKind>(kind: K, tasks: readonly CellKinds[K]['task'][]): number[] {
  const weight = WEIGHTS[kind] as (t: CellKinds[K]['task']) => number;
  const w = tasks.map(weight);
  return tasks.map((_, i) => i).sort((a, b) => (w[b] as number) - (w[a] as number) || a - b);
}

/** One cell sent to a worker (null: no more work). */
type CellJob = { readonly [K in CellKind]: { readonly i: number; readonly kind: K; readonly task: CellKinds[K]['task'] } }[CellKind];

/** What a worker answers for one cell: the cell, or the error it raised. */
type CellReply = { readonly i: number; readonly cell: CellKinds[CellKind]['cell'] } | { readonly i: number; readonly error: string; readonly user: boolean };

const MARK = 'dio-cell-worker';

/**
 * A cell worker's young generation (V8 splits it into two semi-spaces and a
 * large-object space, so 96 MB gives semi-spaces of 32 MB, twice Node 20's
 * default): a simulation allocates some 9 KB per I/O, nearly all of it dead
 * within the I/O, so larger semi-spaces mean fewer scavenges for the same
 * work (each costs about the same: the survivors are the few I/Os in flight).
 */
const YOUNG_GENERATION_MB = 96;

/** True when this thread is a cell worker (the CLI's entry point checks this first). */
export function isCellWorker(): boolean {
  return !isMainThread && (workerData as { mark?: string } | null)?.mark === MARK;
}

function runJob(job: CellJob): CellKinds[CellKind]['cell'] {
  switch (job.kind) {
    case 'compare':
      return RUNNERS.compare(job.task);
    case 'sweep':
      return RUNNERS.sweep(job.task);
    case 'calibrate':
      return RUNNERS.calibrate(job.task);
  }
}

/**
 * The worker loop: run cells as they arrive. Errors cross the thread
 * boundary as messages (a structured clone loses the error's class), with
 * whether they are a user's mistake (one line, exit 1) or a bug (stack).
 */
export function cellWorkerMain(): void {
  parentPort?.on('message', (job: CellJob | null) => {
    if (job === null) {
      parentPort?.close();
      return;
    }
    let reply: CellReply;
    try {
      reply = { i: job.i, cell: runJob(job) };
    } catch (e) {
      const msg = userMessage(e);
      reply = { i: job.i, error: msg ?? (e instanceof Error ? (e.stack ?? e.message) : String(e)), user: msg !== null };
    }
    parentPort?.postMessage(reply);
  });
}

/**
 * Run `tasks` of one kind on up to `workers` threads started from `entry` (a
 * built or bundled JavaScript file whose entry point calls cellWorkerMain in
 * workers), or on this thread when `entry` is null or workers ≤ 1. Results
 * come back in task order; `onCell(done, total)` reports progress. When
 * `signal` aborts, the workers are terminated and the promise rejects with
 * the signal's reason.
 */
export async function runCells<K extends CellKind>(
  kind: K,
  tasks: readonly CellKinds[K]['task'][],
  entry: URL | null,
  workers = availableParallelism(),
  onCell?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<CellKinds[K]['cell'][]> {
  const out = new Array<CellKinds[K]['cell']>(tasks.length);
  const n = Math.min(workers, tasks.length);
  if (entry === null || n <= 1) {
    const run = RUNNERS[kind];
    tasks.forEach((t, i) => {
      out[i] = run(t);
      onCell?.(i + 1, tasks.length);
    });
    return out;
  }
  const jobs = dispatchOrder(kind, tasks).map((i) => ({ i, kind, task: tasks[i] }) as CellJob);
  let next = 0;
  let done = 0;
  const started: Worker[] = [];
  const aborted = new Promise<never>((_, reject) => {
    if (signal === undefined) return;
    const stop = (): void => reject(signal.reason as Error);
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  aborted.catch(() => {}); // only a rejection seen through the race below matters
  try {
    await Promise.race([
      aborted,
      Promise.all(
      Array.from({ length: n }, () => {
        const w = new Worker(entry, { workerData: { mark: MARK }, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
        started.push(w);
        return new Promise<void>((resolve, reject) => {
          const feed = (): void => {
            const j = jobs[next++];
            w.postMessage(j ?? null);
          };
          w.on('message', (m: CellReply) => {
            if ('error' in m) {
              reject(m.user ? new UsageError(m.error) : new Error(`${kind} worker failed: ${m.error}`));
              return;
            }
            out[m.i] = m.cell as CellKinds[K]['cell'];
            onCell?.(++done, tasks.length);
            feed();
          });
          w.on('error', reject);
          w.on('exit', () => resolve());
          feed();
        });
      }),
      ),
    ]);
  } finally {
    // on an error, stop the other workers instead of waiting for their cells
    await Promise.all(started.map((w) => w.terminate()));
  }
  return out;
}

/** `dio compare`'s grid on worker threads (see runCells). */
export function compareParallel(o: CompareOptions, entry: URL | null, workers = availableParallelism()): Promise<CompareCell[]> {
  return runCells('compare', compareTasks(o), entry, workers, o.onCell);
}
