/**
 * fio's backend loop for one job (backend.c do_io) as a simulated user
 * task: queue an I/O, commit, and when the queue is full wait for
 * completions; slat = issue − start, clat = completion − issue, lat =
 * completion − start, as fio defines them. The queue is `IoQueue`, the
 * statistics `JobAccounting`, the read-back `verifyPhase`.
 * @module
 */
import { currentTask, type KGen, sleep, wait } from '@dio/sim';
import type { FioJob } from '../job';
import type { RecordingJobResult } from '../recording';
import type { EngineEnv } from './engine';
import { needsData } from '../data/data-options';
import { JobData } from '../data/job-data';
import type { IoPiece } from '../data/history';
import { ETIMEDOUT, LatTarget } from '../pace/lat-target';
import { createJobResult } from '../recording';
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
import { verifyPhase } from './verify-phase';

export { fileLayout, jobFile, jobFilePaths, JobSetupError } from './job-files';
export type { RunControl, SsGroup } from './run-control';

/** fio's EIO: the error a job ends with when rate_min is not met. */
const EIO = 5;

/**
 * Run `job` as the current task until its runtime or I/O count is done.
 * Fills `res` (and `logs`, if given).
 */
export function* runJobTask(stack: Stack, job: FioJob, jobNumber: number, res: RecordingJobResult, place: GenPlace, logs: JobLogger | null, ctl: RunControl = { stopped: false }): KGen<void> {
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
    return;
  }
  let gen: FioIoGen;
  try {
    gen = new FioIoGen(job, plans, place);
  } catch (e) {
    throw new JobSetupError(`${job.source.file}:${job.source.line}: job '${job.name}': ${(e as Error).message}`);
  }
  const data = new JobData(job, gen.seeds, place.threadNumber, paths, costs);
  let back: IoPiece | null = null;
  const start = sim.now;
  gen.nowUs = () => Math.floor((sim.now - start) / 1000);
  const pace = job.pace;
  const minRate = new MinRateCheck(pace);
  let thinkPending = false;
  const flowGroup = pace.flow > 0 ? ctl.flows?.get(pace.flowId) : undefined;
  const flow = flowGroup === undefined ? null : new FlowMember(flowGroup, pace.flow);
  const rampEnd = start + job.rampTimeNs;
  // io_u.c: lat_target_init(): with latency_target the depth starts at 1 and is searched for
  const lt = job.latencyTarget.targetNs > 0 ? new LatTarget(job.latencyTarget, depth, start) : null;
  // when the statistics start (a latency target's last window resets them, fio's reset_all_stats())
  let statStart = start;
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
  const { doneIos, doneBytes } = acc;
  let writesSinceSync = 0;
  const syncEvery = job.fsync || job.fdatasync;
  let verifyNs = 0;
  const stopped = (): boolean => ctl.stopped;
  let pass = 0;

  for (;;) {
    const now = sim.now;
    if (now >= end || gen.done || ctl.stopped || acc.verifyFailed) break;
    if (lt !== null) {
      if (lt.done || res.error === ETIMEDOUT) break;
      if (acc.ltAction === 'none') acc.ltAction = lt.check(now, acc.completed);
      if (acc.ltAction !== 'none') {
        const a = acc.ltAction;
        acc.ltAction = 'none';
        // __lat_target_failed() / lat_target_success(): io_u_quiesce() at a new depth
        yield* q.quiesce();
        if (a === 'final') {
          // reset_all_stats() + reset_io_stats(): only the last window at the depth found is reported
          const { pid, messages } = res;
          Object.assign(res, createJobResult(job, pid), { messages });
          acc.resetCounts();
          statStart = sim.now;
        }
        continue;
      }
    }
    if (steady.check(now)) break;
    if (thinkPending) {
      // backend.c: handle_thinktime() after an I/O is queued, every thinktime_blocks completions
      thinkPending = false;
      if (acc.completed % pace.thinktimeBlocks === 0) {
        yield* q.quiesce();
        const spin = Math.min(pace.thinktimeSpinNs, pace.thinktimeNs);
        if (spin > 0) yield spin;
        if (pace.thinktimeNs - spin > 0) yield sleep(pace.thinktimeNs - spin);
        continue;
      }
    }
    if (flow !== null && flow.exceeded()) {
      // do_io(): a job ahead of its flow share sleeps flow_sleep (after io_u_quiesce()) or spins;
      // dio's spin waits until another job of the group issues (same I/O, no CPU burnt)
      if (pace.flowSleepNs > 0) {
        yield* q.quiesce();
        yield sleep(pace.flowSleepNs);
      } else {
        yield* q.flush();
        yield wait(flow.moved, { state: 'S', timeout: Math.max(1, Math.min(1_000_000, end - sim.now)) });
      }
      continue;
    }
    if (minRate.active && now >= rampEnd) {
      // backend.c: check_min_rate()
      // fio logs "<job>: rate_min=... not met" and ends the job with EIO
      const why = minRate.check(0, (now - start) / 1e6, doneBytes[0] as number, doneIos[0] as number) ?? minRate.check(1, (now - start) / 1e6, doneBytes[1] as number, doneIos[1] as number);
      if (why !== undefined) {
        res.error = EIO;
        if (pace.exitallOnError) ctl.stopped = true;
        break;
      }
    }
    // backend.c: queue_full(): with a latency target, the depth found so far
    let io = lt !== null && q.inflight >= lt.qd ? undefined : q.free.pop();
    if (io === undefined) {
      if (q.pendingCommit > 0) {
        yield* q.flush();
        continue;
      }
      yield* q.reap(minComplete);
      continue;
    }
    // get_io_u(): fsync every N writes, else the next offset and direction
    const needSync = syncEvery > 0 && writesSinceSync >= syncEvery;
    if (needSync && q.inflight > 0) {
      q.free.push(io);
      yield* q.flush();
      yield* q.reap(q.inflight); // drain before the sync, as fio does
      continue;
    }
    yield costs.userPerIo;
    io.startTime = sim.now;
    io.res = 0;
    if (needSync) {
      // the sync goes to the file being written (fio's get_next_file())
      io.fileIndex = gen.fileIndex;
      io.fd = fds[io.fileIndex] as number;
      io.ddir = 'sync';
      writesSinceSync = 0;
    } else if ((back = data.verifying ? data.backlogPiece() : null) !== null) {
      // io_u.c: get_io_u(): verify_backlog reads back logged blocks between the writes
      io.ddir = 'read';
      data.verifyRead(io, back);
      io.fd = fds[io.fileIndex] as number;
    } else {
      const piece = gen.next();
      if (piece === null) {
        q.free.push(io);
        break;
      }
      if (gen.pass !== pass) {
        // backend.c: thread_main(): each loop's writes are verified before the next loop starts
        pass = gen.pass;
        if (data.logsWrites && data.pending > 0) {
          q.free.push(io);
          yield* q.quiesce();
          verifyNs += yield* verifyPhase(sim, costs, q, acc, data, fds, stopped);
          if (acc.verifyFailed || ctl.stopped) break;
          io = q.free.pop() as IoU;
          io.startTime = sim.now;
          io.res = 0;
        }
      }
      io.ddir = piece.ddir;
      io.offset = piece.offset;
      io.len = piece.len;
      io.fileIndex = gen.fileIndex;
      io.fd = fds[io.fileIndex] as number;
      io.verifyRead = false;
      if (io.ddir === 'write' && job.data.verifyOnly) {
        // backend.c: do_dry_run(): verify_only walks the writes without doing them, logging each
        data.dryWrite(io.fileIndex, io.offset, io.len);
        res.write.totalIos++;
        res.write.ioBytes += io.len;
        q.free.push(io);
        continue;
      }
      if (io.ddir === 'write') writesSinceSync++;
      thinkPending = pace.thinktimeNs > 0;
      const waitUs = gen.takeSleepUs();
      if (waitUs > 0) {
        // rate_ddir(): io_u_quiesce() (inline submit mode), then sleep until the I/O is due
        yield* q.quiesce();
        yield sleep(waitUs * 1000);
        if (sim.now >= end || ctl.stopped) {
          q.free.push(io);
          break;
        }
        io.startTime = sim.now;
      }
      if (io.ddir === 'write') {
        // io_u.c: the buffer fill and verify checksum, in fio's user time
        const ns = data.prepareWrite(io, io.startTime - start);
        if (ns > 0) yield ns;
      } else data.prepareRead(io);
    }
    yield* q.issue(io);
  }
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
    const vNs = yield* verifyPhase(sim, costs, q, acc, data, fds, stopped);
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
