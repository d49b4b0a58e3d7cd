/**
 * The workload of a fuzz case: a user task issuing stamped writes through
 * the case's engine, never two in flight to the same block, recording every
 * submission and completion it sees.
 * @module
 */
import { ioGetevents, ioPrepPwrite, ioSetup, ioSubmit } from '@dio/aio';
import { fallocate, pwrite } from '@dio/fs';
import {
  cqeSeen,
  getSqe,
  IORING_SETUP_COOP_TASKRUN,
  IORING_SETUP_CQSIZE,
  IORING_SETUP_DEFER_TASKRUN,
  IORING_SETUP_IOPOLL,
  IORING_SETUP_SINGLE_ISSUER,
  IORING_SETUP_TASKRUN_FLAG,
  type IoUringEnv,
  peekCqe,
  prepWrite,
  queueInitParams,
  sqeSetData64,
  submit,
  waitCqe,
} from '@dio/io-uring';
import { FALLOC_FL_KEEP_SIZE } from '@dio/fs';
import { type FdTable, IovIter } from '@dio/kiocb';
import type { KGen, Rng, Simulator } from '@dio/sim';
import type { FuzzCase } from './case';

/** What the issuer saw of one write. */
export interface WriteRecord {
  readonly id: number;
  readonly block: number;
  submittedAt: number;
  /** Completion results seen (exactly one expected). */
  readonly results: number[];
  completedAt: number | null;
}

/** Stamp `buf`: every 512-byte sector starts with the write id and its sector index. */
export function stamp(buf: Uint8Array, id: number): Uint8Array {
  for (let s = 0; s < buf.length; s += 512) {
    buf[s] = id & 0xff;
    buf[s + 1] = (id >>> 8) & 0xff;
    buf[s + 2] = (id >>> 16) & 0xff;
    buf[s + 3] = (id >>> 24) & 0xff;
    buf[s + 4] = (s >> 9) & 0xff;
    for (let i = s + 8; i < s + 512; i++) buf[i] = (id * 31 + i) & 0xff;
  }
  return buf;
}

/** Pick the next block: extending past the file or inside it, never one in flight (callers keep fewer than fileBlocks in flight). */
function pickBlock(c: FuzzCase, rng: Rng, busy: ReadonlySet<number>, nextExtend: { b: number }): number {
  if (c.extendShare > 0 && rng.chance(c.extendShare)) return nextExtend.b++;
  for (;;) {
    const b = rng.int(0, c.fileBlocks - 1);
    if (!busy.has(b)) return b;
  }
}

/** What the issuer counted about its ring. */
export interface IssuerStats {
  /** CQEs that went through the CQ overflow list. */
  cqesOverflowed: number;
}

/** The issuing task's body. Fills `recs` (by id) and `stats`. */
export function* issuer(sim: Simulator, c: FuzzCase, fd: number, files: FdTable, env: IoUringEnv, recs: WriteRecord[], rng: Rng, stats: IssuerStats): KGen<void> {
  const file = files.get(fd);
  if (file === undefined) throw new Error('no file');
  const busy = new Set<number>();
  const byId = new Map<number, WriteRecord>();
  const nextExtend = { b: c.fileBlocks };
  let inflight = 0;
  const done = (id: number, res: number): void => {
    const r = byId.get(id);
    if (r === undefined) throw new Error(`completion for unknown user_data ${id}`);
    r.results.push(res);
    if (r.completedAt === null) r.completedAt = sim.now;
    busy.delete(r.block);
    inflight--;
  };
  const newWrite = (): { rec: WriteRecord; buf: Uint8Array } => {
    const id = recs.length + 1;
    const block = pickBlock(c, rng, busy, nextExtend);
    busy.add(block);
    const rec: WriteRecord = { id, block, submittedAt: sim.now, results: [], completedAt: null };
    recs.push(rec);
    byId.set(id, rec);
    inflight++;
    return { rec, buf: stamp(new Uint8Array(c.bs), id) };
  };
  const addr = (id: number): number => 0x7f00_0000_0000 + id * c.bs;

  if (c.engine === 'sync') {
    for (let i = 0; i < c.writes; i++) {
      const { rec, buf } = newWrite();
      done(rec.id, yield* pwrite(file, IovIter.ubuf(buf, c.bs, addr(rec.id)), rec.block * c.bs));
    }
    return;
  }
  if (c.engine === 'libaio') {
    const ctx = yield* ioSetup(c.qd, files);
    if (typeof ctx === 'number') throw new Error(`io_setup ${ctx}`);
    let issued = 0;
    while (issued < c.writes || inflight > 0) {
      while (issued < c.writes && inflight < Math.min(c.qd, c.fileBlocks)) {
        const { rec, buf } = newWrite();
        const cb = { ...ioPrepPwrite(fd, buf, c.bs, rec.block * c.bs, addr(rec.id)), data: BigInt(rec.id) };
        const r = yield* ioSubmit(ctx, [cb]);
        if (r !== 1) done(rec.id, r);
        issued++;
      }
      const evs = yield* ioGetevents(ctx, 1, c.qd);
      if (typeof evs === 'number') throw new Error(`io_getevents ${evs}`);
      for (const e of evs) done(Number(e.data), e.res);
    }
    return;
  }
  let flags = IORING_SETUP_CQSIZE;
  if (c.engine === 'uring-coop') flags |= IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
  if (c.engine === 'uring-defer') flags |= IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  if (c.engine === 'uring-iopoll') flags |= IORING_SETUP_IOPOLL;
  // SQ and CQ of `ringEntries` (often fewer than `qd`): a full SQ is submitted
  // and refilled, so more I/Os are in flight than the CQ holds and it overflows
  const ring = yield* queueInitParams(c.ringEntries, { flags, cqEntries: c.ringEntries }, env);
  if (typeof ring === 'number') throw new Error(`io_uring_setup ${ring}`);
  let issued = 0;
  let fellBehind = false;
  while (issued < c.writes || inflight > 0) {
    while (issued < c.writes && inflight < Math.min(c.qd, c.fileBlocks)) {
      let sqe = getSqe(ring);
      if (sqe === null) {
        yield* submit(ring);
        sqe = getSqe(ring);
      }
      if (sqe === null) break;
      const { rec, buf } = newWrite();
      prepWrite(sqe, fd, buf, c.bs, rec.block * c.bs, addr(rec.id));
      sqeSetData64(sqe, rec.id);
      issued++;
    }
    yield* submit(ring);
    if (c.selfFallocate && !fellBehind && issued >= Math.min(c.writes, c.qd)) {
      // the postgres shape: a sync fallocate while completions are still pending
      fellBehind = true;
      yield* fallocate(file, FALLOC_FL_KEEP_SIZE, 0, c.bs);
    }
    if (inflight === 0) continue;
    const cqe = yield* waitCqe(ring);
    if (typeof cqe === 'number') throw new Error(`wait_cqe ${cqe}`);
    for (let q = peekCqe(ring); q !== null; q = peekCqe(ring)) {
      done(Number(q.userData), q.res);
      cqeSeen(ring, q);
    }
  }
  stats.cqesOverflowed = ring.ctx.stats.cqesOverflowed;
}
