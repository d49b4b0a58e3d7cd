/**
 * Run comparison cells in parallel worker threads. Every cell is an
 * independent simulation with its own seed, so results are identical
 * whatever the parallelism; they are returned in grid order.
 * @module
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { KernelProfile } from '@dio/fio';
import { type CompareCell, type CompareOptions, compareCell } from './compare';
import { UsageError, userMessage } from './errors';

interface CellJob {
  readonly i: number;
  readonly qd: number;
  readonly profile: KernelProfile;
  readonly engine: CompareOptions['engine'];
  readonly runtime: string;
  readonly seed: number;
}

const MARK = 'dio-compare-worker';

/** True when this thread is a comparison worker (the CLI's entry point checks this first). */
export function isCompareWorker(): boolean {
  return !isMainThread && (workerData as { mark?: string } | null)?.mark === MARK;
}

/** What a worker answers for one cell: the cell, or the error it raised. */
type CellReply = { readonly i: number; readonly cell: CompareCell } | { readonly i: number; readonly error: string; readonly user: boolean };

/**
 * The worker loop: run cells as they arrive. Errors cross the thread
 * boundary as messages (a structured clone loses the error's class), with
 * whether they are a user's mistake (one line, exit 1) or a bug (stack).
 */
export function compareWorkerMain(): void {
  parentPort?.on('message', (job: CellJob | null) => {
    if (job === null) {
      parentPort?.close();
      return;
    }
    let reply: CellReply;
    try {
      reply = { i: job.i, cell: compareCell(job.qd, job.profile, job) };
    } catch (e) {
      const msg = userMessage(e);
      reply = { i: job.i, error: msg ?? (e instanceof Error ? (e.stack ?? e.message) : String(e)), user: msg !== null };
    }
    parentPort?.postMessage(reply);
  });
}

/**
 * Run the grid on up to `workers` threads started from `entry` (a built or
 * bundled JavaScript file whose entry point calls compareWorkerMain in
 * workers). Falls back to the sequential `compare` logic when workers ≤ 1.
 */
export async function compareParallel(o: CompareOptions, entry: URL | null, workers = availableParallelism()): Promise<CompareCell[]> {
  const jobs: CellJob[] = [];
  for (const qd of o.qds) for (const profile of o.profiles) jobs.push({ i: jobs.length, qd, profile, engine: o.engine, runtime: o.runtime, seed: o.seed });
  const n = Math.min(workers, jobs.length);
  const out = new Array<CompareCell>(jobs.length);
  if (entry === null || n <= 1) {
    jobs.forEach((j, k) => {
      out[j.i] = compareCell(j.qd, j.profile, j);
      o.onCell?.(k + 1, jobs.length);
    });
    return out;
  }
  let next = 0;
  let done = 0;
  const started: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: n }, () => {
        const w = new Worker(entry, { workerData: { mark: MARK } });
        started.push(w);
        return new Promise<void>((resolve, reject) => {
          const feed = (): void => {
            const j = jobs[next++];
            w.postMessage(j ?? null);
          };
          w.on('message', (m: CellReply) => {
            if ('error' in m) {
              reject(m.user ? new UsageError(m.error) : new Error(`comparison worker failed: ${m.error}`));
              return;
            }
            out[m.i] = m.cell;
            o.onCell?.(++done, jobs.length);
            feed();
          });
          w.on('error', reject);
          w.on('exit', () => resolve());
          feed();
        });
      }),
    );
  } finally {
    // on an error, stop the other workers instead of waiting for their cells
    await Promise.all(started.map((w) => w.terminate()));
  }
  return out;
}
