/**
 * Run one fuzz case and check every invariant on it.
 * @module
 */
import { NullBlk } from '@dio/blockdev';
import { CALIBRATED_COSTS, policyFor, LINUX_6_5 } from '@dio/fio';
import { DioFs, FALLOC_FL_KEEP_SIZE, fallocate, fsync, ftruncate } from '@dio/fs';
import { iomapFileOperations } from '@dio/iomap';
import { FdTable, type File, O_DIRECT, O_DSYNC, O_RDWR, O_SYNC } from '@dio/kiocb';
import { DeadlockError, type DistSpec, InvalidContextError, type KGen, Simulator, sleep, toFtraceText } from '@dio/sim';
import { buildsDeadlock, describeCase, drawCase, type FuzzCase } from './case';
import { checkCompletions, checkContexts, checkCrash, checkTime, INVARIANTS } from './checks';
import { issuer, type IssuerStats, type WriteRecord } from './driver';
import type { FsyncCall } from './fs-oracle';
import { readBack, type TruncateCall, expectedContent } from './readback';
import { type LoggedIo, sectorId, spyDevice } from './spy';

export { INVARIANTS } from './checks';

/** Simulated time a case may take; every workload needs a few ms. */
const RUN_LIMIT_NS = 1_000_000_000;

/** The outcome of one seed. */
export interface FuzzResult {
  readonly seed: number;
  readonly case: string;
  readonly failures: string[];
  /** FNV-1a of the run's ftrace text: the same seed gives the same hash. */
  readonly traceHash: string;
  readonly writes: number;
  readonly deadlock: boolean;
  /** What the seed exercised, for the campaign's coverage line. */
  readonly covered: Coverage;
}

/** What one seed exercised. */
export interface Coverage {
  readonly engine: string;
  readonly powerCut: boolean;
  /** Crash images enumerated and checked (0 without a cut, or with > 8 undecided writes or tearing). */
  readonly crashImages: number;
  readonly cqesOverflowed: number;
  readonly eio: number;
  /** Blocks read back and compared. */
  readonly blocksRead: number;
  /** Bio completions reaped by IOPOLL polling (end_io in the polling task). */
  readonly polled: number;
}

function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

function latency(c: FuzzCase): DistSpec {
  if (!c.spikes) return { kind: 'lognormal', mean: 20_000, stddev: 5_000 };
  const samples = [12_000, 15_000, 18_000, 20_000, 22_000, 25_000, 30_000, 1_000_000];
  return { kind: 'empirical', samples };
}

/** Run seed `seed`. */
export function runCase(seed: number): FuzzResult {
  const c = drawCase(seed);
  const failures: string[] = [];
  const fail = (inv: number, msg: string): void => {
    failures.push(`[${INVARIANTS[inv]?.split(' (')[0]?.split(';')[0] ?? inv}] ${msg}`);
  };
  const sim = new Simulator({ seed, cpus: 2, costs: CALIBRATED_COSTS, sched: { ...LINUX_6_5.sched, fair: c.fair }, trace: true });
  const dev = new NullBlk(sim, {
    gb: 1,
    irqmode: c.irqmode,
    memory_backed: true,
    write_cache: c.writeCache,
    fua: c.fua,
    write_latency: latency(c),
    read_latency: latency(c),
    poll_queues: c.engine === 'uring-iopoll' ? 1 : 0,
    scheduler: c.scheduler,
  });
  const log: LoggedIo[] = [];
  const policy = policyFor({ ...LINUX_6_5, policy: c.policy });
  const fs = new DioFs(sim, spyDevice(sim, dev, log), { fops: iomapFileOperations(policy) });
  const ino = fs.create('/f', c.fileBlocks * c.bs, c.layout);
  const flags = O_RDWR | O_DIRECT | (c.sync === 'dsync' ? O_DSYNC : c.sync === 'sync' ? O_SYNC : 0);
  const file = fs.open('/f', flags);
  if (typeof file === 'number') throw new Error('open');
  const files = new FdTable();
  const fd = files.install(file);
  // a bad fs block inside the file's first extent
  let badFileBlock = -1;
  if (c.badBlock && c.layout !== 'hole') {
    const rng = sim.rng.fork('fuzz/bad');
    badFileBlock = rng.int(0, c.fileBlocks - 1);
    const l = ino.extents.lookup((badFileBlock * c.bs) / 4096);
    if (l.kind === 'extent') {
      const sector = (l.ext.diskBlock + (l.fileBlock - l.ext.fileBlock)) * 8;
      dev.badblocks.store(`+${sector}-${sector + 7}`);
    } else badFileBlock = -1;
  }
  const recs: WriteRecord[] = [];
  const stats: IssuerStats = { cqesOverflowed: 0 };
  let issuerDone = false;
  const env = { files, kernel: { dioCallerComp: c.callerComp } };
  sim.spawn(
    'issuer',
    (function* (): KGen<void> {
      yield* issuer(sim, c, fd, files, env, recs, sim.rng.fork('fuzz/issuer'), stats);
      issuerDone = true;
    })(),
    { cpusAllowed: [0] },
  );
  const fsyncs: FsyncCall[] = [];
  const truncs: TruncateCall[] = [];
  const racerResults: string[] = [];
  let racerDone = c.racer === 'none';
  if (c.racer !== 'none') {
    const rr = sim.rng.fork('fuzz/racer');
    sim.spawn(
      'racer',
      (function* (): KGen<void> {
        for (let k = 0; k < 3 && !issuerDone; k++) {
          yield sleep(rr.int(1_000, 60_000));
          let ret: number;
          if (c.racer === 'truncate') ret = yield* ftruncate(fs, file, (c.fileBlocks + c.writes + 2 + k) * c.bs); // grow past every write
          else if (c.racer === 'shrink') {
            const call: TruncateCall = { start: sim.now, end: null, size: rr.int(1, c.fileBlocks) * c.bs, ret: null };
            truncs.push(call);
            ret = call.ret = yield* ftruncate(fs, file, call.size);
            call.end = sim.now;
          } else if (c.racer === 'fallocate') ret = yield* fallocate(file, FALLOC_FL_KEEP_SIZE, rr.int(0, c.fileBlocks - 1) * c.bs, c.bs);
          else {
            const call: FsyncCall = { start: sim.now, end: null, ret: null };
            fsyncs.push(call);
            ret = call.ret = yield* fsync(file);
            call.end = sim.now;
          }
          if (ret !== 0) racerResults.push(`${c.racer} #${k + 1} returned ${ret}`);
        }
        racerDone = true;
      })(),
      { cpusAllowed: [1] },
    );
  }
  let cutAt = Number.POSITIVE_INFINITY;
  if (c.powerCutAt !== null) {
    const t = Math.max(1_000, Math.round(c.powerCutAt * (c.writes / c.qd) * 40_000));
    sim.at(t, () => {
      cutAt = t;
      dev.powerCut({ tear: c.tear });
      sim.stop();
    });
  }
  let deadlock = false;
  let hung: readonly { task: string; waitingOn: string }[] = [];
  try {
    const r = sim.run({ until: RUN_LIMIT_NS });
    hung = r.hung;
    if (r.reason === 'until') {
      const busy = sim.tasks().filter((t) => t.state !== 'S' || t.name === 'issuer').map((t) => `${t.name}:${t.state}`);
      fail(2, `still running after ${RUN_LIMIT_NS / 1e9} s of simulated time (livelock?): ${busy.join(' ')}`);
    }
  } catch (e) {
    if (e instanceof DeadlockError) deadlock = true;
    else if (e instanceof InvalidContextError) fail(3, `invalid context: ${e.message.split('\n')[0]}`);
    else fail(0, `the simulation threw: ${(e as Error).message.split('\n')[0]}`);
  }
  const cut = cutAt !== Number.POSITIVE_INFINITY;
  // the deliberate case: the issuer waits in fallocate (inode_dio_wait) for completions only its own task_work can run
  const deadlockBuilt = buildsDeadlock(c);
  if (deadlock && !deadlockBuilt) fail(2, 'DeadlockError outside the caller-comp fallocate case');
  if (deadlockBuilt && !deadlock && !cut && failures.length === 0) fail(2, 'the caller-comp fallocate case finished without the DeadlockError it must report');
  const finished = !deadlock && !cut && failures.length === 0;
  if (finished) {
    if (hung.length > 0) fail(2, `hung: ${hung.map((h) => `${h.task} on ${h.waitingOn}`).join(', ')}`);
    // the hung-task report sees D state only; a workload task asleep in S forever is just as stuck
    if (!issuerDone || !racerDone) fail(2, `left asleep at the end: ${sim.tasks().filter((t) => (t.name === 'issuer' && !issuerDone) || (t.name === 'racer' && !racerDone)).map((t) => `${t.name}:${t.state}`).join(' ')}`);
    for (const m of racerResults) fail(0, m);
    if (ino.iDioCount !== 0) fail(1, `i_dio_count ${ino.iDioCount}`);
  }
  checkCompletions(c, recs, badFileBlock, finished, fail);
  const completed = recs.filter((r) => r.results.length > 0).length;
  checkContexts(c, sim.tracer.records, ino.iIno, completed, finished, fail);
  checkTime(sim.tracer.records, sim.now, RUN_LIMIT_NS, recs, log, fail);
  let crashImages = 0;
  if (cut) crashImages = checkCrash({ c, recs, log, cutAt, fsyncs, media: (s) => sectorId(dev.readDurable(s, 1), 0) }, fail);
  let blocksRead = 0;
  if (finished && failures.length === 0) blocksRead = checkData(sim, c, file, ino.iSize, recs, truncs, badFileBlock, fail);
  const eio = recs.filter((r) => r.results[0] === -5).length;
  const polled = c.engine === 'uring-iopoll' && c.irqmode !== 'none' ? sim.tracer.records.filter((r) => r.name === 'iomap_dio_done' && r.args?.ctx === 'task').length : 0;
  const covered: Coverage = { engine: c.engine, powerCut: cut, crashImages, cqesOverflowed: stats.cqesOverflowed, eio, blocksRead, polled };
  return { seed, case: describeCase(c), failures, traceHash: fnv(toFtraceText(sim.tracer.records)), writes: recs.length, deadlock, covered };
}

/** i_size covers every acknowledged write (issued after the last shrink); then read everything back. Returns the blocks read. */
function checkData(sim: Simulator, c: FuzzCase, file: File, size: number, recs: readonly WriteRecord[], truncs: readonly TruncateCall[], badBlock: number, fail: (inv: number, msg: string) => void): number {
  const lastShrink = Math.max(0, ...truncs.map((t) => t.end ?? Number.POSITIVE_INFINITY));
  const end = Math.max(0, ...recs.filter((r) => r.results[0] === c.bs && r.submittedAt >= lastShrink).map((r) => (r.block + 1) * c.bs));
  if (size < end) fail(5, `i_size ${size} is short of the last acknowledged write's end ${end}`);
  const blocks = Math.ceil(size / c.bs);
  const expect = expectedContent(recs, truncs, c.bs);
  for (const m of readBack(sim, file, { bs: c.bs, blocks, badBlock }, expect)) fail(5, m);
  return blocks;
}
