/**
 * fio's backend loop for one job (backend.c do_io + io_u.c completion
 * accounting) as a simulated user task: queue an I/O, commit, and when the
 * queue is full wait for completions; slat = issue − start, clat =
 * completion − issue, lat = completion − start, as fio defines them.
 * @module
 */
import { currentTask, type KGen, sleep, wait } from '@dio/sim';
import type { FioJob } from '../job';
import type { RecordingDirection, RecordingJobResult } from '../recording';
import type { Engine, EngineEnv } from './engine';
import { IoUringEngine } from './engine-io-uring';
import { LibaioEngine } from './engine-libaio';
import { SyncEngine } from './engine-sync';
import { needsData } from '../data/data-options';
import { JobData } from '../data/job-data';
import type { IoPiece } from '../data/history';
import { SteadyState } from '../pace/steadystate';
import { ETIMEDOUT, type LatAction, LatTarget } from '../pace/lat-target';
import { createJobResult } from '../recording';
import { blockSizes, FioIoGen, type GenPlace } from '../gen/io-gen';
import { type FlowGroup, FlowMember } from '../pace/flow';
import { MinRateCheck } from '../pace/rate';
import type { IoU } from './io-u';
import type { JobLogger, LogDdir } from './job-logger';
import type { Stack } from './stack';
import { JobSetupError, setupJobFiles } from './job-files';

export { fileLayout, jobFile, jobFilePaths, JobSetupError } from './job-files';

/** fio's bw_avg_time / iops_avg_time default: one bandwidth and IOPS sample per 500 ms. */
const AVG_TIME_NS = 500_000_000;

/** Shared by the jobs of a run: set `stopped` to end every job (fio's fio_terminate_threads(), for exitall). */
export interface RunControl {
  stopped: boolean;
  /** The flow groups of the run (flow=, flow_id=). */
  readonly flows?: ReadonlyMap<number, FlowGroup>;
  /** Steady-state detection shared by the jobs of a reporting group (group_reporting), by group id. */
  readonly ssGroups?: Map<number, SsGroup>;
}

/**
 * steadystate.c with group_reporting: the group's first job keeps the window
 * and judges the summed rates of every job of the group; reaching steady
 * state ends them all.
 */
export interface SsGroup {
  readonly ss: SteadyState;
  /** Each member's completed I/Os and bytes so far. */
  readonly members: (() => readonly [number, number])[];
}

/** What fio reports with a verify failure's EILSEQ (td_verror() in io_u_sync_complete() / io_u_queued_complete()). */
const VERIFY_ERROR_SYNC = 'file:io_u.c:2152, func=io_u_sync_complete, error=Invalid or incomplete multibyte or wide character';
const VERIFY_ERROR_QUEUED = 'file:io_u.c:2190, func=io_u_queued_complete, error=Invalid or incomplete multibyte or wide character';

/** fio's EIO: the error a job ends with when rate_min is not met. */
const EIO = 5;

function makeEngine(job: FioJob, env: EngineEnv, stack: Stack): Engine {
  switch (job.ioengine) {
    case 'io_uring':
      return new IoUringEngine(env, stack.uringEnv);
    case 'libaio':
      return new LibaioEngine(env, stack.files);
    case 'psync':
    case 'pvsync2':
    case 'sync':
      return new SyncEngine(job.ioengine, env, stack.files, job.fdatasync > 0);
  }
}

/**
 * Run `job` as the current task until its runtime or I/O count is done.
 * Fills `res` (and `logs`, if given).
 */
export function* runJobTask(stack: Stack, job: FioJob, jobNumber: number, res: RecordingJobResult, place: GenPlace, logs: JobLogger | null, ctl: RunControl = { stopped: false }): KGen<void> {
  const sim = stack.sim;
  const costs = sim.costs;
  const me = currentTask();
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
    return;
  }
  let gen: FioIoGen;
  try {
    gen = new FioIoGen(job, plans, place);
  } catch (e) {
    throw new JobSetupError(`${job.source.file}:${job.source.line}: job '${job.name}': ${(e as Error).message}`);
  }
  const data = new JobData(job, gen.seeds, place.threadNumber, paths);
  // set when a read back fails verify: the job ends (td_verror(), as fio's io_u_sync_complete() / io_u_queued_complete())
  let verifyFailed = false;
  // verify_io_u()'s user time, owed by completions (a plain call) and yielded after the reap
  let checkNs = 0;
  let back: IoPiece | null = null;
  const start = sim.now;
  gen.nowUs = () => Math.floor((sim.now - start) / 1000);
  const pace = job.pace;
  const minRate = new MinRateCheck(pace);
  // completed reads and writes (fio's io_blocks / this_io_bytes), for thinktime and rate_min
  const doneIos = [0, 0];
  const doneBytes = [0, 0];
  let thinkPending = false;
  const flowGroup = pace.flow > 0 ? ctl.flows?.get(pace.flowId) : undefined;
  const flow = flowGroup === undefined ? null : new FlowMember(flowGroup, pace.flow);
  const rampEnd = start + job.rampTimeNs;
  // steadystate.c: checked once a second; attaining it ends the job like its runtime
  const ssOn = job.steadystate.durSec > 0;
  const counts = (): readonly [number, number] => [(doneIos[0] as number) + (doneIos[1] as number), (doneBytes[0] as number) + (doneBytes[1] as number)];
  let ssGroup: SsGroup | undefined;
  let ss: SteadyState | null = null;
  if (ssOn && job.groupReporting && ctl.ssGroups !== undefined) {
    ssGroup = ctl.ssGroups.get(job.groupId);
    if (ssGroup === undefined) {
      ss = new SteadyState(job.steadystate, start);
      ssGroup = { ss, members: [] };
      ctl.ssGroups.set(job.groupId, ssGroup);
    }
    ssGroup.members.push(counts);
  } else if (ssOn) ss = new SteadyState(job.steadystate, start);
  let nextSs = start + 1e9;
  // io_u.c: lat_target_init(): with latency_target the depth starts at 1 and is searched for
  const lt = job.latencyTarget.targetNs > 0 ? new LatTarget(job.latencyTarget, depth, start) : null;
  let ltAction: LatAction = 'none';
  // when the statistics start (a latency target's last window resets them, fio's reset_all_stats())
  let statStart = start;
  sim.stages?.startAt(rampEnd); // the stage table counts what fio's stats count
  // backend.c: runtime ends any job, size-based too (whichever comes first);
  // time_based without a runtime runs size-based, as fio (which warns)
  const end = job.runtimeNs > 0 ? rampEnd + job.runtimeNs : Number.POSITIVE_INFINITY;
  const free = [...ious].reverse();
  let inflight = 0;
  let writesSinceSync = 0;
  const syncEvery = job.fsync || job.fdatasync;
  // bw_avg_time / iops_avg_time: log_avg_msec when that log is written; a log
  // without log_avg_msec takes one sample per I/O instead (per_unit_log())
  const bwLog = logs?.has('bw') === true;
  const iopsLog = logs?.has('iops') === true;
  const bwAvgNs = bwLog && job.logAvgMsec > 0 ? job.logAvgMsec * 1e6 : AVG_TIME_NS;
  const iopsAvgNs = iopsLog && job.logAvgMsec > 0 ? job.logAvgMsec * 1e6 : AVG_TIME_NS;
  const bwPerIo = bwLog && job.logAvgMsec === 0;
  const iopsPerIo = iopsLog && job.logAvgMsec === 0;
  let nextBw = bwPerIo ? Number.POSITIVE_INFINITY : rampEnd + bwAvgNs;
  let nextIops = iopsPerIo ? Number.POSITIVE_INFINITY : rampEnd + iopsAvgNs;
  // per direction (0 read, 1 write): bytes and I/Os in the current averaging window
  const winBytes = [0, 0];
  const winIos = [0, 0];
  const doesRead = job.rw !== 'write' && job.rw !== 'randwrite';
  const doesWrite = job.rw !== 'read' && job.rw !== 'randread';
  const batchSubmit = Math.max(1, job.iodepthBatchSubmit || depth);
  const minComplete = Math.max(1, job.iodepthBatchCompleteMin);
  const maxComplete = Math.max(minComplete, job.iodepthBatchCompleteMax || depth);
  let pendingCommit = 0;
  const one: IoU[] = [];
  // no slat for FIO_SYNCIO engines (the I/O is done inside ->queue, io_u_queued() never runs)
  // nor with io_uring sqthread_poll (fio sets disable_slat: the kernel thread submits)
  const recordSlat = !engine.syncIo && !(job.ioengine === 'io_uring' && job.sqthreadPoll);

  const dirOf = (io: IoU): RecordingDirection => (io.ddir === 'read' ? res.read : res.write);
  // stat.c: __add_samples() — one sample per direction the job does each
  // interval; a log with log_avg_msec gets the interval's rate where it moved
  const addSamples = (at: number, avgNs: number, win: number[], kind: 'bw' | 'iops'): void => {
    const secs = avgNs / 1e9;
    const ms = avgNs / 1e6;
    if (at > rampEnd) {
      for (const w of [0, 1] as const) {
        if (w === 0 ? !doesRead : !doesWrite) continue;
        const amount = win[w] as number;
        const d = w === 0 ? res.read : res.write;
        if (kind === 'bw') d.bw.record(amount / 1024 / secs);
        else d.iops.record(amount / secs);
        if (logs !== null && amount > 0) logs.sample(kind, at - start, w, 0, 0, kind === 'bw' ? Math.floor(Math.floor((amount * 1000) / ms) / 1024) : Math.floor((amount * 1000) / ms));
      }
    }
    win[0] = win[1] = 0;
  };
  const sample = (now: number): void => {
    while (now >= nextBw && nextBw <= end) {
      addSamples(nextBw, bwAvgNs, winBytes, 'bw');
      nextBw += bwAvgNs;
    }
    while (now >= nextIops && nextIops <= end) {
      addSamples(nextIops, iopsAvgNs, winIos, 'iops');
      nextIops += iopsAvgNs;
    }
  };
  // io_u.c: io_completed() / account_io_completion()
  const complete = (io: IoU, now: number): void => {
    inflight--;
    free.push(io);
    if (io.ddir === 'read' && io.res === io.len && data.checks(io)) {
      // verify.c: verify_io_u() as the read's end_io
      const v = data.check(io, io.startTime - start);
      checkNs += data.checkNs(io.len);
      res.messages.push(...v.messages);
      if (v.error !== 0 && !verifyFailed) {
        verifyFailed = true;
        if (res.error === 0) {
          res.error = v.error;
          res.errorText = engine.syncIo ? VERIFY_ERROR_SYNC : VERIFY_ERROR_QUEUED;
        }
        if (pace.exitallOnError) ctl.stopped = true;
      }
    }
    // io_u.c: io_completed() accounts only once ramp_time is over; I/Os still
    // in flight at the end are reaped by cleanup_pending_aio() and count, as in fio
    if (now < rampEnd) return;
    if (io.ddir === 'sync') {
      res.sync.totalIos++;
      res.sync.lat.record(now - io.issueTime);
      return;
    }
    const d = dirOf(io);
    if (io.res < 0) {
      if (res.error === 0) res.error = -io.res;
      if (pace.exitallOnError) ctl.stopped = true;
      return;
    }
    const w0 = io.ddir === 'read' ? 0 : 1;
    (doneIos[w0] as number)++;
    (doneBytes[w0] as number) += io.res;
    if (io.res < io.len) d.shortIos++;
    const clat = now - io.issueTime;
    const lat = now - io.startTime;
    if (lt !== null) {
      const a = lt.completed(lat, now, (doneIos[0] as number) + (doneIos[1] as number));
      if (a === 'fatal' && res.error === 0) {
        // io_u.c: lat_fatal()
        res.messages.push(`fio: latency of ${lat} nsec exceeds specified max (${job.latencyTarget.targetNs} nsec): ${paths[io.fileIndex] ?? ''} ${io.ddir} ${io.offset} ${io.len}`);
        res.error = ETIMEDOUT;
        res.errorText = 'file:io_u.c:1432, func=max latency exceeded, error=Connection timed out';
      } else if (a !== 'none') ltAction = a;
    }
    d.clat.record(clat);
    d.lat.record(lat);
    res.latency.record(clat);
    d.totalIos++;
    d.ioBytes += io.res;
    const w: LogDdir = io.ddir === 'read' ? 0 : 1;
    (winBytes[w] as number) += io.res;
    (winIos[w] as number)++;
    if (logs !== null) {
      const t = now - start;
      logs.sample('clat', t, w, io.len, io.offset, clat);
      logs.sample('lat', t, w, io.len, io.offset, lat);
      // stat.c: add_bw_sample() / add_iops_sample() for a log without log_avg_msec: this I/O's rate
      if (bwPerIo) {
        const rate = clat > 0 ? Math.floor((io.res * 1e6) / clat) : 0;
        d.bw.record(rate);
        logs.sample('bw', t, w, io.len, io.offset, rate);
      }
      if (iopsPerIo) {
        d.iops.record(1);
        logs.sample('iops', t, w, io.len, io.offset, 1);
      }
      logs.histSample(t, w, io.len, d.clat);
    }
  };
  const submitted = (list: readonly IoU[]): void => {
    if (list.length === 0) return;
    if (sim.now >= rampEnd) res.depth.markSubmit(list.length);
    if (!recordSlat) return;
    for (const io of list) {
      if (io.issueTime < rampEnd || io.ddir === 'sync') continue;
      const slat = io.issueTime - io.startTime;
      dirOf(io).slat.record(slat);
      if (logs !== null) logs.sample('slat', io.issueTime - start, io.ddir === 'read' ? 0 : 1, io.len, io.offset, slat);
    }
  };
  // the accounting after getevents() and the user-space reap cost
  const reaped = (evs: readonly IoU[]): void => {
    const now = sim.now;
    if (now >= rampEnd) res.depth.markComplete(evs.length);
    for (const io of evs) complete(io, now);
    sample(now);
  };
  const reap = function* (min: number): KGen<void> {
    const evs = yield* engine.getevents(Math.min(min, inflight, maxComplete), maxComplete);
    yield costs.userPerReap; // user-mode time is a yield, not a charge: user mode is preemptible anywhere (docs/engine.md)
    reaped(evs);
    if (checkNs > 0) {
      const ns = checkNs;
      checkNs = 0;
      yield ns;
    }
  };

  // io_u.c: io_u_quiesce(): submit what is pending and reap everything in flight
  const quiesce = function* (): KGen<void> {
    if (pendingCommit > 0) {
      submitted(yield* engine.commit());
      pendingCommit = 0;
    }
    while (inflight > 0) yield* reap(inflight);
  };

  // ioengines.c: td_io_queue(), and what the backend does with its answer
  const issue = function* (io: IoU): KGen<void> {
    // ioengines.c: td_io_queue() marks the depth and total_io_u for reads and writes only
    if (io.ddir !== 'sync' && sim.now >= rampEnd) res.depth.markDepth(inflight + 1);
    inflight++;
    const q = yield* engine.queue(io);
    if (q === 'completed') {
      // td_io_queue(): an engine without ->commit marks one submit and one complete per I/O
      one[0] = io;
      submitted(one);
      if (sim.now >= rampEnd) res.depth.markComplete(1);
      complete(io, sim.now);
      sample(sim.now);
      if (checkNs > 0) {
        const ns = checkNs;
        checkNs = 0;
        yield ns;
      }
      return;
    }
    if (q === 'busy') {
      inflight--;
      free.push(io);
      yield* reap(1);
      return;
    }
    if (++pendingCommit >= batchSubmit || free.length === 0) {
      submitted(yield* engine.commit());
      pendingCommit = 0;
    }
    // backend.c: do_io(): io_in_polling() reaps after every I/O (wait_for_completions(), at least one)
    if (job.iodepthPolling) {
      if (pendingCommit > 0) {
        submitted(yield* engine.commit());
        pendingCommit = 0;
      }
      yield* reap(1);
    }
  };

  // backend.c: do_verify(): read back every block written, at the job's depth (after each loop, and at the end)
  let verifyNs = 0;
  const verifyPhase = function* (): KGen<void> {
    const vStart = sim.now;
    for (;;) {
      if (verifyFailed || ctl.stopped) break;
      const io = free.pop();
      if (io === undefined) {
        if (pendingCommit > 0) {
          submitted(yield* engine.commit());
          pendingCommit = 0;
        } else yield* reap(minComplete);
        continue;
      }
      const p = data.nextPiece();
      if (p === null) {
        free.push(io);
        break;
      }
      yield costs.userPerIo;
      io.startTime = sim.now;
      io.res = 0;
      io.ddir = 'read';
      data.verifyRead(io, p);
      io.fd = fds[io.fileIndex] as number;
      yield* issue(io);
    }
    if (pendingCommit > 0) submitted(yield* engine.commit());
    pendingCommit = 0;
    while (inflight > 0) yield* reap(inflight);
    verifyNs += sim.now - vStart;
  };
  let pass = 0;

  for (;;) {
    const now = sim.now;
    if (now >= end || gen.done || ctl.stopped || verifyFailed) break;
    if (lt !== null) {
      if (lt.done || res.error === ETIMEDOUT) break;
      if (ltAction === 'none') ltAction = lt.check(now, (doneIos[0] as number) + (doneIos[1] as number));
      if (ltAction !== 'none') {
        const a = ltAction;
        ltAction = 'none';
        // __lat_target_failed() / lat_target_success(): io_u_quiesce() at a new depth
        yield* quiesce();
        if (a === 'final') {
          // reset_all_stats() + reset_io_stats(): only the last window at the depth found is reported
          const { pid, messages } = res;
          Object.assign(res, createJobResult(job, pid), { messages });
          doneIos[0] = doneIos[1] = 0;
          doneBytes[0] = doneBytes[1] = 0;
          winBytes[0] = winBytes[1] = 0;
          winIos[0] = winIos[1] = 0;
          statStart = sim.now;
        }
        continue;
      }
    }
    if (ssGroup !== undefined && ssGroup.ss.attained) break;
    if (ss !== null && now >= nextSs) {
      nextSs += Math.floor((now - nextSs) / 1e9 + 1) * 1e9;
      let ios = 0;
      let bytes = 0;
      for (const m of ssGroup?.members ?? [counts]) {
        const [i, b] = m();
        ios += i;
        bytes += b;
      }
      if (ss.check(now, ios, bytes)) break;
    }
    if (thinkPending) {
      // backend.c: handle_thinktime() after an I/O is queued, every thinktime_blocks completions
      thinkPending = false;
      if (((doneIos[0] as number) + (doneIos[1] as number)) % pace.thinktimeBlocks === 0) {
        yield* quiesce();
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
        yield* quiesce();
        yield sleep(pace.flowSleepNs);
      } else {
        if (pendingCommit > 0) {
          submitted(yield* engine.commit());
          pendingCommit = 0;
        }
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
    let io = lt !== null && inflight >= lt.qd ? undefined : free.pop();
    if (io === undefined) {
      if (pendingCommit > 0) {
        submitted(yield* engine.commit());
        pendingCommit = 0;
        continue;
      }
      yield* reap(minComplete);
      continue;
    }
    // get_io_u(): fsync every N writes, else the next offset and direction
    const needSync = syncEvery > 0 && writesSinceSync >= syncEvery;
    if (needSync && inflight > 0) {
      free.push(io);
      if (pendingCommit > 0) {
        submitted(yield* engine.commit());
        pendingCommit = 0;
      }
      yield* reap(inflight); // drain before the sync, as fio does
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
        free.push(io);
        break;
      }
      if (gen.pass !== pass) {
        // backend.c: thread_main(): each loop's writes are verified before the next loop starts
        pass = gen.pass;
        if (data.logsWrites && data.pending > 0) {
          free.push(io);
          yield* quiesce();
          yield* verifyPhase();
          if (verifyFailed || ctl.stopped) break;
          io = free.pop() as IoU;
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
        free.push(io);
        continue;
      }
      if (io.ddir === 'write') writesSinceSync++;
      thinkPending = pace.thinktimeNs > 0;
      const waitUs = gen.takeSleepUs();
      if (waitUs > 0) {
        // rate_ddir(): io_u_quiesce() (inline submit mode), then sleep until the I/O is due
        yield* quiesce();
        yield sleep(waitUs * 1000);
        if (sim.now >= end || ctl.stopped) {
          free.push(io);
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
    yield* issue(io);
  }
  flow?.leave();
  const stop = Math.min(sim.now, end);
  // the job stopped at its runtime (fio_mark_td_terminate()): no verify phase after it
  const timedOut = sim.now >= end || ss?.attained === true || ssGroup?.ss.attained === true;
  if (ss !== null) res.steadystate = ss.result();
  res.jobRuntimeNs = Math.max(0, stop - Math.max(statStart, rampEnd));
  if (lt !== null) Object.assign(res, { iodepth: lt.qd });
  // backend.c: cleanup_pending_aio() — reap what is still in flight; it counts
  // (fio's total_ios and clat N include it) and the direction runtime covers it
  if (pendingCommit > 0) submitted(yield* engine.commit());
  while (inflight > 0) yield* reap(inflight);
  for (const d of [res.read, res.write]) d.runtimeNs = d.totalIos > 0 ? res.jobRuntimeNs + (sim.now - stop) : 0;
  if (job.data.verifyOnly) res.write.runtimeNs = 0;
  if (data.logsWrites && data.pending > 0 && !timedOut && !verifyFailed && res.error === 0 && !ctl.stopped) {
    const vStart = sim.now;
    yield* verifyPhase();
    res.jobRuntimeNs += sim.now - vStart;
  }
  if (verifyNs > 0) res.read.runtimeNs = verifyNs;
  logs?.finish(sim.now - start);
  yield* engine.cleanup();
  res.usrNs = me.utime;
  res.sysNs = me.stime;
  res.ctx = me.nvcsw;
  res.elapsedSec = Math.round((sim.now - start) / 1e9);
}
