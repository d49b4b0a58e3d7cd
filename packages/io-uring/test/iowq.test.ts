import { EAGAIN, FdTable, File, FMODE_NOWAIT, FMODE_READ, FMODE_WRITE, type FileOperations, Inode, IOCB_NOWAIT, type IovIter, type Kiocb, O_DIRECT, O_RDWR, RWF_NOWAIT } from '@dio/kiocb';
import { type KGen, Simulator } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import {
  cqeSeen,
  getSqe,
  IORING_SETUP_DEFER_TASKRUN,
  IORING_SETUP_SINGLE_ISSUER,
  IOSQE_ASYNC,
  type IoUring,
  prepWrite,
  prepWritev2,
  queueInitParams,
  sqeSetData64,
  sqeSetFlags,
  submitAndWait,
  waitCqe,
} from '../src/index';
import { makeStack, pattern, type Stack } from './harness';

const BS = 4096;

function* oneWrite(r: IoUring, prep: (s: NonNullable<ReturnType<typeof getSqe>>) => void): KGen<number> {
  const s = getSqe(r);
  if (s === null) throw new Error('SQ full');
  prep(s);
  sqeSetData64(s, 42);
  yield* submitAndWait(r, 1);
  const c = yield* waitCqe(r);
  if (typeof c === 'number') return c;
  expect(c.userData).toBe(42n);
  cqeSeen(r, c);
  return c.res;
}

function* ring(st: Stack | { env: Stack['env'] }, flags = 0): KGen<IoUring> {
  const r = yield* queueInitParams(8, { flags }, st.env);
  if (typeof r === 'number') throw new Error(`setup ${r}`);
  return r;
}

describe('io-wq', () => {
  it('-EAGAIN from the NOWAIT inline issue is reissued blocking by an iou-wrk kernel thread', () => {
    const st = makeStack({ sim: { trace: true } });
    const fd = st.file('/h', 16 * BS, 'hole'); // allocation needs a transaction: NOWAIT refuses it
    let res = 0;
    let punts = 0;
    st.sim.spawn('app', function* () {
      const r = yield* ring(st);
      res = yield* oneWrite(r, (s) => prepWrite(s, fd, pattern(BS, 4), BS, 4 * BS));
      punts = r.ctx.stats.iowqPunts;
    });
    expect(st.sim.run().hung).toEqual([]);
    expect(res).toBe(BS);
    expect(punts).toBe(1);
    const wrk = st.sim.tasks().filter((t) => t.name.startsWith('iou-wrk-'));
    expect(wrk).toHaveLength(1);
    expect(wrk[0]?.kind).toBe('kthread');
    // the write that succeeded was issued from the worker
    const issue = st.sim.tracer.records.filter((x) => x.name === 'block_rq_issue');
    expect(issue.length).toBeGreaterThan(0);
    expect(issue.every((x) => x.ctx.startsWith('iou-wrk-'))).toBe(true);
  });

  it('RWF_NOWAIT: -EAGAIN is final, no io-wq', () => {
    const st = makeStack();
    const fd = st.file('/h', 16 * BS, 'hole');
    let res = 0;
    let punts = -1;
    st.sim.spawn('app', function* () {
      const r = yield* ring(st);
      res = yield* oneWrite(r, (s) => prepWritev2(s, fd, [{ addr: 0, buf: null, len: BS }], 4 * BS, RWF_NOWAIT));
      punts = r.ctx.stats.iowqPunts;
    });
    st.sim.run();
    expect(res).toBe(-EAGAIN);
    expect(punts).toBe(0);
  });

  it('IOSQE_ASYNC goes straight to io-wq', () => {
    const st = makeStack();
    const fd = st.file('/a', 16 * BS);
    let res = 0;
    let punts = -1;
    st.sim.spawn('app', function* () {
      const r = yield* ring(st, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
      res = yield* oneWrite(r, (s) => {
        prepWrite(s, fd, null, BS, 0);
        sqeSetFlags(s, IOSQE_ASYNC);
      });
      punts = r.ctx.stats.iowqPunts;
    });
    expect(st.sim.run().hung).toEqual([]);
    expect(res).toBe(BS);
    expect(punts).toBe(1);
  });
});

describe('short writes continue in io-wq (bytes_done)', () => {
  /** A file whose ->write_iter writes at most `chunk` bytes per call, synchronously, like a partial DIO. */
  function shortFile(chunk: number, log: { pos: number; len: number; nowait: boolean; data: Uint8Array | null }[]): File {
    const ops: FileOperations = {
      *writeIter(k: Kiocb, from: IovIter): KGen<number> {
        const n = Math.min(chunk, from.remaining);
        log.push({ pos: k.kiPos, len: n, nowait: (k.kiFlags & IOCB_NOWAIT) !== 0, data: from.slice(n)?.slice() ?? null });
        yield 1_000;
        from.advance(n);
        k.kiPos += n;
        return n;
      },
      *readIter(): KGen<number> {
        return 0;
      },
      *fsync(): KGen<number> {
        return 0;
      },
    };
    return new File(new Inode(900), O_RDWR | O_DIRECT, FMODE_READ | FMODE_WRITE | FMODE_NOWAIT, ops, '/short');
  }

  function runShort(chunk: number, off: number): { res: number; punts: number; log: { pos: number; len: number; nowait: boolean; data: Uint8Array | null }[]; fPos: number; data: Uint8Array } {
    const sim = new Simulator({ seed: 5, cpus: 2 });
    const files = new FdTable();
    const log: { pos: number; len: number; nowait: boolean; data: Uint8Array | null }[] = [];
    const file = shortFile(chunk, log);
    file.fPos = 8 * BS;
    const fd = files.install(file);
    const data = pattern(3 * BS, 8);
    let res = 0;
    let punts = 0;
    sim.spawn('app', function* () {
      const r = yield* ring({ env: { files, kernel: { dioCallerComp: false } } });
      res = yield* oneWrite(r, (s) => prepWrite(s, fd, data, 3 * BS, off));
      punts = r.ctx.stats.iowqPunts;
    });
    expect(sim.run().hung).toEqual([]);
    return { res, punts, log, fPos: file.fPos, data };
  }

  it.each([
    ['at a file offset', 8 * BS],
    ['at the file position (off = -1)', -1],
  ])('inline (NOWAIT) writes 2 of 3 blocks; io-wq (blocking) writes the rest; res = 3 blocks (%s)', (_n, off) => {
    const { res, punts, log, fPos, data } = runShort(2 * BS, off);
    expect(res).toBe(3 * BS);
    expect(punts).toBe(1);
    expect(log.map((l) => [l.pos, l.len, l.nowait])).toEqual([
      [8 * BS, 2 * BS, true],
      [10 * BS, BS, false],
    ]);
    expect(new Uint8Array(log.flatMap((l) => [...(l.data ?? [])]))).toEqual(data);
    expect(fPos).toBe(off === -1 ? 11 * BS : 8 * BS); // REQ_F_CUR_POS: f_pos follows ki_pos
  });

  it('a second short write in io-wq ends the request with the bytes done so far (io_rw_fail)', () => {
    const { res, punts, log } = runShort(BS, 8 * BS);
    expect(punts).toBe(1);
    expect(log.map((l) => [l.pos, l.len, l.nowait])).toEqual([
      [8 * BS, BS, true],
      [9 * BS, BS, false],
    ]);
    expect(res).toBe(2 * BS);
  });
});
