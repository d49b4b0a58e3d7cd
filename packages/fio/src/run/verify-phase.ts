/**
 * backend.c: do_verify(): read back every block written (after each loop,
 * at the end, and after a power cut), at the job's depth, checking each.
 * @module
 */
import type { CostModel, KGen, Simulator } from '@dio/sim';
import type { JobData } from '../data/job-data';
import type { IoQueue } from './io-queue';
import type { JobAccounting } from './job-accounting';

/** Reads back what `data` logged until it is all checked, a check fails or `stopped()`; returns the ns it took. */
export function* verifyPhase(sim: Simulator, costs: CostModel, q: IoQueue, acc: JobAccounting, data: JobData, fds: readonly number[], stopped: () => boolean): KGen<number> {
  const vStart = sim.now;
  for (;;) {
    if (acc.verifyFailed || stopped()) break;
    const io = q.free.pop();
    if (io === undefined) {
      if (q.pendingCommit > 0) yield* q.flush();
      else yield* q.reap(q.limits.minComplete);
      continue;
    }
    const p = data.nextPiece();
    if (p === null) {
      q.free.push(io);
      break;
    }
    yield costs.userPerIo;
    io.startTime = sim.now;
    io.res = 0;
    io.ddir = 'read';
    data.verifyRead(io, p);
    io.fd = fds[io.fileIndex] as number;
    yield* q.issue(io);
  }
  yield* q.flush();
  while (q.inflight > 0) yield* q.reap(q.inflight);
  return sim.now - vStart;
}
