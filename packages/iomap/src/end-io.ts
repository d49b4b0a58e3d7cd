/**
 * iomap_dio_bio_end_io: runs in the device's completion context (hardirq,
 * softirq, or a polling task) for every bio of a dio; the last one decides
 * where the completion runs.
 * @module
 */
import { type Bio, blkStatusToErrno } from '@dio/blockdev';
import { kiCompleteNow } from '@dio/kiocb';
import { charge, type KGen, currentCtx } from '@dio/sim';
import { initWork, queueWork, type WorkStruct, type Workqueue } from '@dio/workqueue';
import { iomapDioCompleteWorkNow, iomapDioDeferredComplete } from './complete';
import type { IomapDio } from './dio';

// fs/iomap/direct-io.c: iomap_dio_bio_end_io() (6.6 layout; iomap_dio_done() from 6.19)
/** bi_end_io of every dio bio. */
export function* iomapDioBioEndIo(bio: Bio): KGen<void> {
  const g = iomapDioBioEndIoNow(bio);
  if (g !== null) yield* g;
}

/** {@link iomapDioBioEndIo} as a plain call: null when finished without yielding, else the generator that finishes it. */
export function iomapDioBioEndIoNow(bio: Bio): KGen<void> | null {
  const dio = bio.biPrivate as IomapDio;
  if (bio.biStatus) dio.setError(blkStatusToErrno(bio.biStatus));
  if (--dio.ref !== 0) return null; // release_bio
  return iomapDioDoneNow(dio);
}
// bio_endio() calls the plain form
iomapDioBioEndIo.now = iomapDioBioEndIoNow;

/** The last reference is gone: wake a sync waiter, or complete where the policy says. */
export function* iomapDioDone(dio: IomapDio): KGen<void> {
  const g = iomapDioDoneNow(dio);
  if (g !== null) yield* g;
}

/** {@link iomapDioDone} as a plain call: null when finished without yielding, else the generator that finishes it. */
export function iomapDioDoneNow(dio: IomapDio): KGen<void> | null {
  const sim = dio.fs.sim;
  // Synchronous dio: the task itself handles completion; just wake it.
  if (dio.waitForCompletion) {
    const waiter = dio.submit.waiter;
    dio.submit.waiter = null;
    if (waiter !== null) dio.owner = waiter; // blk_wake_io_task(): the waiter completes it
    dio.via = 'sync';
    dio.syncWq?.wakeUpAll();
    return null;
  }
  const iocb = dio.iocb;
  const route = dio.policy.route(dio);
  if (sim.tracing) sim.trace('iomap_dio_done', { dio: dio.id, route, ctx: currentCtx().kind });
  switch (route) {
    case 'inline':
      dio.via = 'end_io';
      iocb.private = null;
      dio.owner = dio.fs.bdevAgent;
      return iomapDioCompleteWorkNow(dio);
    case 'caller': {
      dio.via = 'caller';
      // Hand the completion back: the issuer's ki_complete sees dio_complete and defers it to task context.
      iocb.private = dio;
      iocb.dioComplete = iomapDioDeferredComplete;
      const kc = iocb.kiComplete;
      if (kc === null) throw new Error('caller completion for a sync kiocb');
      const owner = iocb.kiTask ?? dio.submitter;
      dio.handTo(owner);
      return kiCompleteNow(kc, iocb, 0); // the 0 is ignored: the result comes from dio_complete
    }
    case 'workqueue': {
      const sb = dio.fs.sb;
      const wq = sb.sDioDoneWq;
      if (wq === null) throw new Error(`s_dio_done_wq of ${sb.sId} not initialised`);
      iocb.private = null;
      dio.via = 'workqueue';
      dio.work ??= initWork('iomap_dio_complete_work', () => iomapDioCompleteWorkNow(dio));
      dio.handTo({ agent: `workqueue ${wq.name}` });
      const cost = sim.costs.queueWork;
      if (!charge(cost)) return queueWorkAfter(cost, wq, dio.work);
      queueWork(wq, dio.work);
    }
  }
  return null;
}

function* queueWorkAfter(cost: number, wq: Workqueue, work: WorkStruct): KGen<void> {
  yield cost;
  queueWork(wq, work);
}
