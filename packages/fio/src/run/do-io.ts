/**
 * fio's main I/O loop (backend.c: do_io()) over the job's state, the part of
 * fio's `struct thread_data` the loop reads and writes. `runJobTask`
 * (thread_main()) sets the state up, runs the loop and cleans up.
 *
 * The loop is its own small generator on purpose: every yield of a
 * generator (and of each `yield*` it passes through) saves and restores its
 * whole frame, so the state the loop carries from one I/O to the next lives
 * in `td`, as fio's does, not in the loop's locals.
 * @module
 */
import { type CostModel, type KGen, type Simulator, sleep, type Task, wait } from '@dio/sim';
import type { JobData } from '../data/job-data';
import type { FioIoGen, IoPiece } from '../gen/io-gen';
import type { FioJob } from '../job';
import type { FlowMember } from '../pace/flow';
import { ETIMEDOUT, type LatAction, type LatTarget } from '../pace/lat-target';
import type { MinRateCheck } from '../pace/rate';
import { createJobResult, type RecordingJobResult } from '../recording';
import type { Engine } from './engine';
import type { IoQueue } from './io-queue';
import type { IoU } from './io-u';
import type { JobAccounting } from './job-accounting';
import type { JobLogger } from './job-logger';
import type { JobSteady } from './job-steady';
import type { RunControl } from './run-control';
import { verifyPhase } from './verify-phase';

/** fio's EIO: the error a job ends with when rate_min is not met. */
const EIO = 5;

/** What do_io() reads of fio's `struct thread_data`, and what it keeps between I/Os. */
export interface ThreadData {
  readonly sim: Simulator;
  readonly costs: CostModel;
  readonly job: FioJob;
  readonly res: RecordingJobResult;
  readonly ctl: RunControl;
  /** the job's task */
  readonly me: Task;
  readonly engine: Engine;
  readonly logs: JobLogger | null;
  readonly gen: FioIoGen;
  readonly data: JobData;
  readonly q: IoQueue;
  readonly acc: JobAccounting;
  readonly steady: JobSteady;
  readonly minRate: MinRateCheck;
  readonly flow: FlowMember | null;
  /** io_u.c: lat_target_init(): the latency target's depth search, or null */
  readonly lt: LatTarget | null;
  readonly fds: readonly number[];
  readonly start: number;
  readonly rampEnd: number;
  /** time.c: ramp_time_over() has run (the counters started again); true from the start without a ramp */
  rampOver: boolean;
  /** runtime's end (+Infinity for a size-based job) */
  readonly end: number;
  readonly minComplete: number;
  /** fsync= / fdatasync=: a sync every this many writes (0: never) */
  readonly syncEvery: number;
  /** when the statistics start (a latency target's last window resets them, fio's reset_all_stats()) */
  statStart: number;
  /** handle_thinktime() is due after the I/O just queued */
  thinkPending: boolean;
  writesSinceSync: number;
  /** the loop (fio's td->io_issues per pass) the writes are in */
  pass: number;
  /** time spent in verify phases between loops */
  verifyNs: number;
}

// backend.c: do_io()
/** Queue I/Os until the runtime, the I/O count or a stop condition ends the job. */
export function* doIo(td: ThreadData): KGen<void> {
  const { sim, q, acc, gen, ctl } = td;
  for (;;) {
    const now = sim.now;
    if (!td.rampOver && now >= td.rampEnd) {
      td.rampOver = true;
      gen.rampTimeOver();
    }
    if (now >= td.end || gen.done || ctl.stopped || acc.verifyFailed) break;
    if (td.lt !== null) {
      const a = latTargetStep(td, now);
      if (a === 'stop') break;
      if (a !== 'none') {
        // __lat_target_failed() / lat_target_success(): io_u_quiesce() at a new depth
        yield* q.quiesce();
        if (a === 'final') resetAllStats(td);
        continue;
      }
    }
    if (td.steady.check(now)) break;
    if (td.thinkPending) {
      // backend.c: handle_thinktime() after an I/O is queued, every thinktime_blocks completions
      td.thinkPending = false;
      const pace = td.job.pace;
      if (acc.completed % pace.thinktimeBlocks === 0) {
        yield* q.quiesce();
        const spin = Math.min(pace.thinktimeSpinNs, pace.thinktimeNs);
        if (spin > 0) yield spin;
        if (pace.thinktimeNs - spin > 0) yield sleep(pace.thinktimeNs - spin);
        continue;
      }
    }
    const flow = td.flow;
    if (flow !== null && flow.exceeded()) {
      // do_io(): a job ahead of its flow share sleeps flow_sleep (after io_u_quiesce()) or spins;
      // dio's spin waits until another job of the group issues (same I/O, no CPU burnt)
      const flowSleepNs = td.job.pace.flowSleepNs;
      if (flowSleepNs > 0) {
        yield* q.quiesce();
        yield sleep(flowSleepNs);
      } else {
        yield* q.flush();
        yield wait(flow.moved, { state: 'S', timeout: Math.max(1, Math.min(1_000_000, td.end - sim.now)) });
      }
      continue;
    }
    if (td.minRate.active && now >= td.rampEnd && checkMinRate(td, now)) break;
    // backend.c: queue_full(): with a latency target, the depth found so far
    let io = td.lt !== null && q.inflight >= td.lt.qd ? undefined : q.free.pop();
    if (io === undefined) {
      if (q.pendingCommit > 0) {
        yield* q.flush();
        continue;
      }
      yield* q.reap(td.minComplete);
      continue;
    }
    // get_io_u(): fsync every N writes, else the next offset and direction
    const needSync = td.syncEvery > 0 && td.writesSinceSync >= td.syncEvery;
    if (needSync && q.inflight > 0) {
      q.free.push(io);
      yield* q.flush();
      yield* q.reap(q.inflight); // drain before the sync, as fio does
      continue;
    }
    yield td.costs.userPerIo;
    io.startTime = sim.now;
    io.res = 0;
    if (needSync) {
      // the sync goes to the file being written (fio's get_next_file())
      io.fileIndex = gen.fileIndex;
      io.fd = td.fds[io.fileIndex] as number;
      io.ddir = 'sync';
      td.writesSinceSync = 0;
    } else if (td.data.verifying && verifyBacklog(td, io)) {
      // io_u.c: get_io_u(): verify_backlog reads back logged blocks between the writes
    } else {
      const piece = gen.next();
      if (piece === null) {
        q.free.push(io);
        break;
      }
      if (gen.pass !== td.pass) {
        // backend.c: thread_main(): each loop's writes are verified before the next loop starts
        td.pass = gen.pass;
        if (td.data.logsWrites && td.data.pending > 0) {
          q.free.push(io);
          yield* q.quiesce();
          td.verifyNs += yield* verifyPhase(sim, td.costs, q, acc, td.data, td.fds, () => ctl.stopped);
          if (acc.verifyFailed || ctl.stopped) break;
          io = q.free.pop() as IoU;
          io.startTime = sim.now;
          io.res = 0;
        }
      }
      if (!fillIoU(td, io, piece)) continue;
      const waitUs = gen.takeSleepUs();
      if (waitUs > 0) {
        // rate_ddir(): io_u_quiesce() (inline submit mode), then sleep until the I/O is due
        yield* q.quiesce();
        yield sleep(waitUs * 1000);
        if (sim.now >= td.end || ctl.stopped) {
          q.free.push(io);
          break;
        }
        io.startTime = sim.now;
      }
      if (io.ddir === 'write') {
        // io_u.c: the buffer fill and verify checksum, in fio's user time
        const ns = td.data.prepareWrite(io, io.startTime - td.start);
        if (ns > 0) yield ns;
      } else td.data.prepareRead(io);
    }
    yield* q.issue(io);
  }
}

// io_u.c: lat_target_check() and what do_io() does with its answer
/** 'stop' when the search is over, else the action due, taken ('none' to go on). */
function latTargetStep(td: ThreadData, now: number): LatAction | 'stop' {
  const lt = td.lt as LatTarget;
  const acc = td.acc;
  if (lt.done || td.res.error === ETIMEDOUT) return 'stop';
  if (acc.ltAction === 'none') acc.ltAction = lt.check(now, acc.completed);
  const a = acc.ltAction;
  acc.ltAction = 'none';
  return a;
}

// stat.c: reset_all_stats() + reset_io_stats(): only the last window at the depth found is reported
function resetAllStats(td: ThreadData): void {
  const { pid, messages } = td.res;
  Object.assign(td.res, createJobResult(td.job, pid), { messages });
  td.acc.resetCounts();
  td.statStart = td.sim.now;
}

// backend.c: check_min_rate()
/** True when rate_min is not met: fio logs "<job>: rate_min=... not met" and ends the job with EIO. */
function checkMinRate(td: ThreadData, now: number): boolean {
  const { minRate, acc, start } = td;
  const secs = (now - start) / 1e6;
  const why = minRate.check(0, secs, acc.doneBytes[0] as number, acc.doneIos[0] as number) ?? minRate.check(1, secs, acc.doneBytes[1] as number, acc.doneIos[1] as number);
  if (why === undefined) return false;
  td.res.error = EIO;
  if (td.job.pace.exitallOnError) td.ctl.stopped = true;
  return true;
}

// io_u.c: get_io_u(): a verify_backlog read of a logged block, if one is due
function verifyBacklog(td: ThreadData, io: IoU): boolean {
  const back = td.data.backlogPiece();
  if (back === null) return false;
  io.ddir = 'read';
  td.data.verifyRead(io, back);
  io.fd = td.fds[io.fileIndex] as number;
  return true;
}

// io_u.c: fill_io_u(): the next piece's offset, length and direction
/** False when the io_u went back to the free list (a verify_only write, done without I/O). */
function fillIoU(td: ThreadData, io: IoU, piece: IoPiece): boolean {
  const gen = td.gen;
  io.ddir = piece.ddir;
  io.offset = piece.offset;
  io.len = piece.len;
  io.fileIndex = gen.fileIndex;
  io.fd = td.fds[io.fileIndex] as number;
  io.verifyRead = false;
  if (io.ddir === 'write' && td.job.data.verifyOnly) {
    // backend.c: do_dry_run(): verify_only walks the writes without doing them, logging each
    td.data.dryWrite(io.fileIndex, io.offset, io.len);
    td.res.write.totalIos++;
    td.res.write.ioBytes += io.len;
    td.q.free.push(io);
    return false;
  }
  if (io.ddir === 'write') td.writesSinceSync++;
  td.thinkPending = td.job.pace.thinktimeNs > 0;
  return true;
}
