/**
 * One fio job (backend.c: thread_main()) as a simulated user task: set the
 * job up, run its I/O loop (`doIo`, backend.c: do_io(): queue an I/O,
 * commit, and when the queue is full wait for completions), reap what is
 * left and clean up. slat = issue − start, clat = completion − issue, lat =
 * completion − start, as fio defines them. The queue is `IoQueue`, the
 * statistics `JobAccounting`, the read-back `verifyPhase`.
 * @module
 */
import { currentTask, type KGen } from '@dio/sim';
import type { FioJob } from '../job';
import type { RecordingJobResult } from '../recording';
import type { EngineEnv } from './engine';
import { needsData } from '../data/data-options';
import { JobData } from '../data/job-data';
import { LatTarget } from '../pace/lat-target';
import { blockSizes, FioIoGen, type GenPlace } from '../gen/io-gen';
import { FlowMember } from '../pace/flow';
import { MinRateCheck } from '../pace/rate';
import type { IoU } from './io-u';
import { IoQueue } from './io-queue';
import { JobAccounting } from './job-accounting';
import type { JobLogger } from './job-logger';
import { JobSteady } from './job-steady';
import { makeEngine } from './make-engine';
import type { RunControl } from './run-control';
import type { Stack } from './stack';
import { JobSetupError, setupJobFiles } from './job-files';
import { doIo, type ThreadData } from './do-io';
import { verifyPhase } from './verify-phase';

export { fileLayout, jobFile, jobFilePaths, JobSetupError } from './job-files';
export type { RunControl, SsGroup } from './run-control';

// backend.c: thread_main()
/**
 * Run `job` as the current task until its runtime or I/O count is done.
 * Fills `res` (and `logs`, if given).
 */
export function* runJobTask(stack: Stack, job: FioJob, jobNumber: number, res: RecordingJobResult, place: GenPlace, logs: JobLogger | null, ctl: RunControl = { stopped: false }): KGen<void> {
  // three parts, so that this frame, which every yield of the loop passes through, stays small
  const td = yield* threadSetup(stack, job, res, place, logs, ctl);
  if (td === null) return;
  yield* doIo(td);
  yield* threadFinish(td);
}

// backend.c: thread_main() up to do_io(): setup_files(), init_io_u(), td_io_init(), the job's state
/** The job's state for the loop, or null when the engine failed to start (`res.error` set). */
function* threadSetup(stack: Stack, job: FioJob, res: RecordingJobResult, place: GenPlace, logs: JobLogger | null, ctl: RunControl): KGen<ThreadData | null> {
  const sim = stack.sim;
  const costs = sim.costs;
  const me = currentTask();
  ctl.powerCut?.enter();
  // filesetup.c: setup_files(): the job's file, or its nrfiles files
  const { paths, plans, fds } = setupJobFiles(stack, job, place.subjob);
  const fd = fds[0] as number;
  const bs = Math.max(...blockSizes(job).max.slice(0, 2));
  const syncEngine = job.ioengine === 'psync' || job.ioengine === 'pvsync2' || job.ioengine === 'sync';
  const depth = syncEngine ? 1 : job.iodepth;
  // a job that verifies or sets a buffer option carries real data; the others are timing only
  const withData = needsData(job.data, job.setAt);
  const ious: IoU[] = Array.from({ length: depth }, (_, index) => ({ ddir: 'write', offset: 0, len: bs, startTime: 0, issueTime: 0, res: 0, index, buf: withData ? new Uint8Array(bs) : null, seed: 0n, numberio: 0, verifyRead: false, fd, fileIndex: 0 }));
  const eo = job.engineOpts;
  const env: EngineEnv = { fd, fds, depth, pollComplete: job.iodepthBatchCompleteMin === 0, userspaceReap: eo.userspaceReap, hipri: job.hipri, vectored: eo.nonvectored === 0, forceAsync: eo.forceAsync, hipriPercentage: eo.hipriPercentage, fixedbufs: job.fixedbufs, registerfiles: job.registerfiles, sqthreadPoll: job.sqthreadPoll, ...(job.sqthreadPollCpu === undefined ? {} : { sqthreadPollCpu: job.sqthreadPollCpu }), ious };
  const engine = makeEngine(job, env, stack);
  const e = yield* engine.init();
  if (e < 0) {
    res.error = -e;
    ctl.powerCut?.leave();
    return null;
  }
  let gen: FioIoGen;
  try {
    gen = new FioIoGen(job, plans, place);
  } catch (e) {
    throw new JobSetupError(`${job.source.file}:${job.source.line}: job '${job.name}': ${(e as Error).message}`);
  }
  const data = new JobData(job, gen.seeds, place.threadNumber, paths, costs);
  const start = sim.now;
  gen.nowUs = () => Math.floor((sim.now - start) / 1000);
  const pace = job.pace;
  const minRate = new MinRateCheck(pace);
  const flowGroup = pace.flow > 0 ? ctl.flows?.get(pace.flowId) : undefined;
  const flow = flowGroup === undefined ? null : new FlowMember(flowGroup, pace.flow);
  const rampEnd = start + job.rampTimeNs;
  // io_u.c: lat_target_init(): with latency_target the depth starts at 1 and is searched for
  const lt = job.latencyTarget.targetNs > 0 ? new LatTarget(job.latencyTarget, depth, start) : null;
  sim.stages?.startAt(rampEnd); // the stage table counts what fio's stats count
  // backend.c: runtime ends any job, size-based too (whichever comes first);
  // time_based without a runtime runs size-based, as fio (which warns)
  const end = job.runtimeNs > 0 ? rampEnd + job.runtimeNs : Number.POSITIVE_INFINITY;
  // no slat for FIO_SYNCIO engines (the I/O is done inside ->queue, io_u_queued() never runs)
  // nor with io_uring sqthread_poll (fio sets disable_slat: the kernel thread submits)
  const recordSlat = !engine.syncIo && !(job.ioengine === 'io_uring' && job.sqthreadPoll);
  const acc = new JobAccounting({ sim, job, res, logs, data, ctl, lt, paths, syncIo: engine.syncIo, recordSlat, start, rampEnd, end });
  // steadystate.c: checked once a second; attaining it ends the job like its runtime
  const steady = new JobSteady(job, ctl, start, () => acc.counts());
  const minComplete = Math.max(1, job.iodepthBatchCompleteMin);
  const q = new IoQueue(sim, engine, acc, res, ious, rampEnd, {
    batchSubmit: Math.max(1, job.iodepthBatchSubmit || depth),
    minComplete,
    maxComplete: Math.max(minComplete, job.iodepthBatchCompleteMax || depth),
    polling: job.iodepthPolling,
  });
  const syncEvery = job.fsync || job.fdatasync;
  return { sim, costs, job, res, ctl, me, engine, logs, gen, data, q, acc, steady, minRate, flow, lt, fds, start, rampEnd, end, minComplete, syncEvery, rampOver: job.rampTimeNs === 0, statStart: start, thinkPending: false, writesSinceSync: 0, pass: 0, verifyNs: 0 };
}

// backend.c: thread_main() after do_io(): cleanup_pending_aio(), the verify phase, td_io_close()
function* threadFinish(td: ThreadData): KGen<void> {
  const { sim, costs, job, res, ctl, me, engine, logs, data, q, acc, steady, flow, lt, fds, start, rampEnd, end } = td;
  const statStart = td.statStart;
  let verifyNs = td.verifyNs;
  flow?.leave();
  const stop = Math.min(sim.now, end);
  // the job stopped at its runtime (fio_mark_td_terminate()): no verify phase after it
  const timedOut = sim.now >= end || steady.attained;
  if (steady.ss !== null) res.steadystate = steady.ss.result();
  res.jobRuntimeNs = Math.max(0, stop - Math.max(statStart, rampEnd));
  if (lt !== null) Object.assign(res, { iodepth: lt.qd });
  // backend.c: cleanup_pending_aio() — reap what is still in flight; it counts
  // (fio's total_ios and clat N include it) and the direction runtime covers it
  if (q.pendingCommit > 0) acc.submitted(yield* engine.commit());
  while (q.inflight > 0) yield* q.reap(q.inflight);
  for (const d of [res.read, res.write]) d.runtimeNs = d.totalIos > 0 ? res.jobRuntimeNs + (sim.now - stop) : 0;
  if (job.data.verifyOnly) res.write.runtimeNs = 0;
  if (data.logsWrites && data.pending > 0 && !timedOut && !acc.verifyFailed && res.error === 0 && !ctl.stopped) {
    const vNs = yield* verifyPhase(sim, costs, q, acc, data, fds, () => ctl.stopped);
    verifyNs += vNs;
    res.jobRuntimeNs += vNs;
  }
  const cut = ctl.powerCut;
  if (cut !== undefined) {
    cut.leave();
    if (cut.hasCome) {
      // the device lost power once every job had drained; read back what it acknowledged
      if (!cut.restored.isDone) yield* cut.restored.wait({ state: 'S' });
      if (data.logsWrites && data.pending > 0 && !acc.verifyFailed) {
        const vNs = yield* verifyPhase(sim, costs, q, acc, data, fds, () => false);
        verifyNs += vNs;
        res.jobRuntimeNs += vNs;
      }
    }
  }
  if (verifyNs > 0) res.read.runtimeNs = verifyNs;
  logs?.finish(sim.now - start);
  yield* engine.cleanup();
  res.usrNs = me.utime;
  res.sysNs = me.stime;
  res.ctx = me.nvcsw;
  res.elapsedSec = Math.round((sim.now - start) / 1e9);
}
