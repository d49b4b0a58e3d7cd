/**
 * Run one fuzz case and check every invariant on it.
 * @module
 */
import { NullBlk } from '@dio/blockdev';
import { CALIBRATED_COSTS, policyFor, LINUX_6_5 } from '@dio/fio';
import { DioFs, FALLOC_FL_KEEP_SIZE, fallocate, fsync, ftruncate } from '@dio/fs';
import { iomapFileOperations } from '@dio/iomap';
import { FdTable, O_DIRECT, O_DSYNC, O_RDWR, O_SYNC } from '@dio/kiocb';
import { DeadlockError, type DistSpec, type KGen, Simulator, sleep, toFtraceText } from '@dio/sim';
import { describeCase, drawCase, type FuzzCase } from './case';
import { issuer, type WriteRecord } from './driver';
import { imageIsPermissible, permissible } from './oracle';
import { type LoggedIo, sectorId, spyDevice } from './spy';

/** The invariants every run checks (some only with / without a power cut). */
export const INVARIANTS = [
  'exactly-once completion with the right result (no lost or duplicated CQE/event, CQ overflow included)',
  'i_dio_count back to 0',
  'no hung task; DeadlockError only for the deliberate caller-comp fallocate case',
  'completions only in contexts the policy allows',
  'virtual time monotonic and within the run',
  'read-back returns the last acknowledged write of every block',
  'after a power cut: durable writes intact, nothing invented (dm-log-writes rule)',
  'after a power cut with ≤ 8 unordered writes: the image is one of the enumerated permissible images',
] as const;

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
    failures.push(`[${INVARIANTS[inv]?.split(' (')[0] ?? inv}] ${msg}`);
  };
  const sim = new Simulator({ seed, cpus: 2, costs: CALIBRATED_COSTS, sched: LINUX_6_5.sched, trace: true });
  const dev = new NullBlk(sim, {
    gb: 1,
    irqmode: 'hardirq',
    memory_backed: true,
    write_cache: c.writeCache,
    fua: c.fua,
    write_latency: latency(c),
    read_latency: latency(c),
    poll_queues: c.engine === 'uring-iopoll' ? 1 : 0,
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
  let issuerDone = false;
  const env = { files, kernel: { dioCallerComp: c.callerComp } };
  sim.spawn(
    'issuer',
    (function* (): KGen<void> {
      yield* issuer(sim, c, fd, files, env, recs, sim.rng.fork('fuzz/issuer'));
      issuerDone = true;
    })(),
    { cpusAllowed: [0] },
  );
  if (c.racer !== 'none') {
    const rr = sim.rng.fork('fuzz/racer');
    sim.spawn(
      'racer',
      (function* (): KGen<void> {
        for (let k = 0; k < 3 && !issuerDone; k++) {
          yield sleep(rr.int(1_000, 60_000));
          if (c.racer === 'truncate') yield* ftruncate(fs, file, (c.fileBlocks + c.writes + 2 + k) * c.bs); // grow past every write
          else if (c.racer === 'fallocate') yield* fallocate(file, FALLOC_FL_KEEP_SIZE, rr.int(0, c.fileBlocks - 1) * c.bs, c.bs);
          else yield* fsync(file);
        }
      })(),
      { cpusAllowed: [1] },
    );
  }
  let cutAt = Number.POSITIVE_INFINITY;
  if (c.powerCutAt !== null) {
    const t = Math.max(1_000, Math.round(c.powerCutAt * (c.writes / c.qd) * 40_000));
    sim.at(t, () => {
      cutAt = t;
      dev.powerCut({ tear: false });
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
    else fail(0, `the simulation threw: ${(e as Error).message.split('\n')[0]}`);
  }
  const cut = cutAt !== Number.POSITIVE_INFINITY;
  const expectDeadlockPossible = c.selfFallocate && c.policy === 'caller' && c.callerComp;
  if (deadlock && !expectDeadlockPossible) fail(2, 'DeadlockError outside the caller-comp fallocate case');
  const finished = !deadlock && !cut && failures.length === 0;
  if (finished) {
    if (hung.length > 0) fail(2, `hung: ${hung.map((h) => `${h.task} on ${h.waitingOn}`).join(', ')}`);
    if (recs.length !== c.writes) fail(0, `${recs.length} of ${c.writes} writes issued`);
    if (ino.iDioCount !== 0) fail(1, `i_dio_count ${ino.iDioCount}`);
  }
  // exactly once, right result
  const badSectorsHit = (r: WriteRecord): boolean => badFileBlock >= 0 && r.block * c.bs <= badFileBlock * c.bs && badFileBlock * c.bs < (r.block + 1) * c.bs;
  for (const r of recs) {
    if (r.results.length > 1) fail(0, `write ${r.id} completed ${r.results.length} times`);
    if (r.results.length === 0 && finished) fail(0, `write ${r.id} never completed`);
    const res = r.results[0];
    if (res !== undefined && res !== c.bs && !(res === -5 && badSectorsHit(r))) fail(0, `write ${r.id} (block ${r.block}) returned ${res}`);
    if (res === c.bs && badSectorsHit(r)) fail(0, `write ${r.id} covers a bad block but succeeded`);
  }
  // contexts: where each completion ran, given how it was reached
  for (const rec of sim.tracer.records) {
    if (rec.name !== 'iomap_dio_complete' || rec.args === undefined) continue;
    const where = rec.kind === 'task' ? rec.ctx : rec.kind;
    const via = String(rec.args.via);
    const submitter = where === 'issuer' || where.startsWith('iou-wrk-');
    const ok =
      ((via === 'submit' || via === 'sync') && submitter) ||
      (via === 'workqueue' && where.startsWith('kworker/')) ||
      (via === 'caller' && where === 'issuer' && c.policy === 'caller' && c.callerComp && c.engine.startsWith('uring')) ||
      // inline in bio end_io: the interrupt, or the polling task for IOPOLL
      (via === 'end_io' && c.policy === 'inline' && (where === 'hardirq' || (c.engine === 'uring-iopoll' && where === 'issuer')));
    if (!ok) fail(3, `a completion reached via '${via}' ran in '${where}'`);
  }
  // time
  let last = 0;
  for (const rec of sim.tracer.records) {
    if (rec.ph !== 'i') continue; // CPU slices are recorded when they end, with their start time
    if (rec.ts < last) {
      fail(4, `trace time went back from ${last} to ${rec.ts}`);
      break;
    }
    last = rec.ts;
  }
  if (sim.now > RUN_LIMIT_NS) fail(4, `ran past its end: ${sim.now}`);
  // data
  if (finished) {
    const lastByBlock = new Map<number, WriteRecord>();
    for (const r of recs) {
      if (r.results[0] !== c.bs) continue;
      const prev = lastByBlock.get(r.block);
      if (prev === undefined || (prev.completedAt as number) < (r.completedAt as number)) lastByBlock.set(r.block, r);
    }
    for (const [block, r] of lastByBlock) {
      const l = ino.extents.lookup((block * c.bs) / 4096);
      if (l.kind !== 'extent') {
        fail(5, `block ${block} unmapped after write ${r.id}`);
        continue;
      }
      const sector = (l.ext.diskBlock + (l.fileBlock - l.ext.fileBlock)) * 8;
      const got = sectorId(dev.readSectors(sector, 1), 0);
      if (got !== r.id) fail(5, `block ${block}: read write ${got}, last acknowledged was ${r.id}`);
    }
  }
  // power cut
  if (cut) {
    const allowed = permissible(log, cutAt);
    for (const [s, ids] of allowed) {
      const got = sectorId(dev.readDurable(s, 1), 0);
      if (!ids.has(got)) fail(6, `sector ${s} holds write ${got}; allowed ${[...ids].join('/')}`);
    }
    // acknowledged-durable writes (O_DSYNC / O_SYNC, completed before the cut) must read back intact,
    // unless a later write to the same block replaced them
    if (c.sync !== 'none') {
      for (const r of recs) {
        if (r.results[0] !== c.bs || r.completedAt === null || r.completedAt > cutAt) continue;
        const later = new Set(recs.filter((x) => x.block === r.block && x.submittedAt >= (r.completedAt as number)).map((x) => x.id));
        for (const e of log) {
          if (e.kind !== 'write' || e.ids[0] !== r.id) continue;
          for (let i = 0; i < e.sectors; i++) {
            const got = sectorId(dev.readDurable(e.sector + i, 1), 0);
            if (got !== r.id && !later.has(got)) fail(6, `O_${c.sync.toUpperCase()} write ${r.id} was acknowledged but sector ${e.sector + i} holds ${got} after the cut`);
          }
        }
      }
    }
    const img = imageIsPermissible(log, cutAt, (s) => sectorId(dev.readDurable(s, 1), 0));
    if (img === false) fail(7, 'the media image is not one of the permissible post-crash images');
  }
  return { seed, case: describeCase(c), failures, traceHash: fnv(toFtraceText(sim.tracer.records)), writes: recs.length, deadlock };
}
