/**
 * iomap_dio_bio_end_io: runs in the device's completion context (hardirq,
 * softirq, or a polling task) for every bio of a dio; the last one decides
 * where the completion runs.
 * @module
 */
import { type Bio, blkStatusToErrno } from '@dio/blockdev';
import { type Blocker, charge, currentCtx, runNoSleep } from '@dio/sim';
import { queueWork, type Workqueue } from '@dio/workqueue';
import { iomapDioCompleteWork, iomapDioDeferredComplete } from './complete';
import type { IomapDio } from './dio';

/** Who drops a dio's i_dio_count reference while its completion is queued on `wq` (the deadlock detector's edge): one per workqueue, not one per I/O. */
const wqAgents = new WeakMap<Workqueue, Blocker>();
function wqAgent(wq: Workqueue): Blocker {
  let a = wqAgents.get(wq);
  if (a === undefined) {
    a = { agent: `workqueue ${wq.name}` };
    wqAgents.set(wq, a);
  }
  return a;
}

// fs/iomap/direct-io.c: iomap_dio_bio_end_io() (6.6 layout; iomap_dio_done() from 6.19)
/** bi_end_io of every dio bio: a plain call in the completion context. */
export function iomapDioBioEndIo(bio: Bio): void {
  const dio = bio.biPrivate as IomapDio;
  if (bio.biStatus) dio.setError(blkStatusToErrno(bio.biStatus));
  if (--dio.ref !== 0) return; // release_bio
  iomapDioDone(dio);
}

// fs/iomap/direct-io.c: iomap_dio_done()
/**
 * The last reference is gone: wake a sync waiter, or complete where the
 * policy says. Runs in the completion context, so it cannot sleep: the
 * inline route is taken only when the completion cannot sleep (no unwritten
 * conversion, no sync), and anything that may sleep goes to the workqueue.
 */
export function iomapDioDone(dio: IomapDio): void {
  const sim = dio.fs.sim;
  // Synchronous dio: the task itself handles completion; just wake it.
  if (dio.waitForCompletion) {
    const waiter = dio.submit.waiter;
    dio.submit.waiter = null;
    if (waiter !== null) dio.owner = waiter; // blk_wake_io_task(): the waiter completes it
    dio.via = 'sync';
    dio.syncWq?.wakeUpAll();
    return;
  }
  const iocb = dio.iocb;
  const route = dio.policy.route(dio);
  if (sim.tracing) sim.trace('iomap_dio_done', { dio: dio.id, route, ctx: currentCtx().kind });
  switch (route) {
    case 'inline':
      dio.via = 'end_io';
      iocb.private = null;
      dio.owner = dio.fs.bdevAgent;
      // iomap_dio_complete_work() called directly: it may sleep in general, not on this route
      runNoSleep(iomapDioCompleteWork(dio));
      return;
    case 'caller': {
      dio.via = 'caller';
      // Hand the completion back: the issuer's ki_complete sees dio_complete and defers it to task context.
      iocb.private = dio;
      iocb.dioComplete = iomapDioDeferredComplete;
      const kc = iocb.kiComplete;
      if (kc === null) throw new Error('caller completion for a sync kiocb');
      const owner = iocb.kiTask ?? dio.submitter;
      dio.handTo(owner);
      kc(iocb, 0); // the 0 is ignored: the result comes from dio_complete
      return;
    }
    case 'workqueue': {
      const sb = dio.fs.sb;
      const wq = sb.sDioDoneWq;
      if (wq === null) throw new Error(`s_dio_done_wq of ${sb.sId} not initialised`);
      iocb.private = null;
      dio.via = 'workqueue';
      dio.handTo(wqAgent(wq));
      charge(sim.costs.queueWork);
      queueWork(wq, dio); // &dio->aio.work
    }
  }
}
