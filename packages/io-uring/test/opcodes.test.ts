import { EBADF, EBUSY, EFAULT, EINVAL, EOPNOTSUPP, IOCB_DSYNC, IOCB_NOWAIT, RWF_DSYNC, RWF_HIPRI, type Kiocb } from '@dio/kiocb';
import { type KGen } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import {
  type Cqe,
  cqeSeen,
  getSqe,
  IORING_FSYNC_DATASYNC,
  IORING_OP_FSYNC,
  IORING_SETUP_IOPOLL,
  IOSQE_FIXED_FILE,
  type IoUring,
  prepFsync,
  prepNop,
  prepRead,
  prepReadFixed,
  prepReadv,
  prepWrite,
  prepWriteFixed,
  prepWritev,
  prepWritev2,
  queueInitParams,
  registerBuffersUser,
  registerFilesUser,
  type Sqe,
  sqeSetData64,
  sqeSetFlags,
  submitAndWait,
  waitCqe,
} from '../src/index';
import { makeStack, pattern, spyFd, type Stack } from './harness';

const BS = 4096;

function* ring(st: Stack, flags = 0): KGen<IoUring> {
  const r = yield* queueInitParams(16, { flags }, st.env);
  if (typeof r === 'number') throw new Error(`setup: ${r}`);
  return r;
}

/** Queue SQEs (each `fill` preps one; user_data = its index), submit, wait for all; CQE res by user_data. */
function* run(r: IoUring, fills: ((s: Sqe) => void)[]): KGen<Map<number, number>> {
  fills.forEach((fill, i) => {
    const s = getSqe(r);
    if (s === null) throw new Error('SQ full');
    fill(s);
    sqeSetData64(s, i);
  });
  yield* submitAndWait(r, fills.length);
  const out = new Map<number, number>();
  while (out.size < fills.length) {
    const c = yield* waitCqe(r);
    if (typeof c === 'number') throw new Error(`wait ${c}`);
    expect(out.has(Number(c.userData))).toBe(false);
    out.set(Number(c.userData), (c as Cqe).res);
    cqeSeen(r, c);
  }
  return out;
}

describe('opcodes', () => {
  it('WRITEV gathers, READV scatters; res is the total length', () => {
    const st = makeStack();
    const fd = st.file('/v', 64 * BS);
    const a = pattern(BS, 1);
    const b = pattern(2 * BS, 2);
    const outA = new Uint8Array(2 * BS);
    const outB = new Uint8Array(BS);
    let res = new Map<number, number>();
    let res2 = new Map<number, number>();
    st.sim.spawn('app', function* () {
      const r = yield* ring(st);
      res = yield* run(r, [
        (s) =>
          prepWritev(
            s,
            fd,
            [
              { addr: 0x10000, buf: a, len: BS },
              { addr: 0x20000, buf: b, len: 2 * BS },
            ],
            4 * BS,
          ),
      ]);
      res2 = yield* run(r, [
        (s) =>
          prepReadv(
            s,
            fd,
            [
              { addr: 0x30000, buf: outA, len: 2 * BS },
              { addr: 0x40000, buf: outB, len: BS },
            ],
            4 * BS,
          ),
      ]);
    });
    st.sim.run();
    expect(res.get(0)).toBe(3 * BS);
    expect(res2.get(0)).toBe(3 * BS);
    const all = new Uint8Array([...outA, ...outB]);
    expect(all).toEqual(new Uint8Array([...a, ...b]));
  });

  it('READV/WRITEV: a misaligned segment is -EINVAL, a vector that does not match len is -EFAULT', () => {
    const st = makeStack();
    const fd = st.file('/v', 64 * BS);
    let res = new Map<number, number>();
    st.sim.spawn('app', function* () {
      const r = yield* ring(st);
      res = yield* run(r, [
        (s) => prepWritev(s, fd, [{ addr: 0x10000, buf: null, len: BS }, { addr: 0x20100, buf: null, len: BS }], 0),
        (s) => {
          prepReadv(s, fd, [{ addr: 0x10000, buf: null, len: BS }], 0);
          s.len = 2;
        },
      ]);
    });
    st.sim.run();
    expect(res).toEqual(new Map([[0, -EINVAL], [1, -EFAULT]]));
  });

  it('READ_FIXED / WRITE_FIXED on registered buffers, at an offset inside one', () => {
    const st = makeStack();
    const fd = st.file('/x', 64 * BS);
    const base = 0x7000_0000;
    const regA = new Uint8Array(4 * BS);
    regA.set(pattern(2 * BS, 3), BS);
    const regB = new Uint8Array(2 * BS);
    let res = new Map<number, number>();
    let reg = -1;
    st.sim.spawn('app', function* () {
      const r = yield* ring(st);
      reg = registerBuffersUser(r, [
        { addr: base, buf: regA, len: regA.length },
        { addr: base + 0x100000, buf: regB, len: regB.length },
      ]);
      res = yield* run(r, [(s) => prepWriteFixed(s, fd, null, 2 * BS, 10 * BS, 0, base + BS)]);
      const more = yield* run(r, [(s) => prepReadFixed(s, fd, null, 2 * BS, 10 * BS, 1, base + 0x100000)]);
      for (const [k, v] of more) res.set(k + 10, v);
      expect(registerBuffersUser(r, [{ addr: base, buf: null, len: BS }])).toBe(-EBUSY);
    });
    st.sim.run();
    expect(reg).toBe(0);
    expect(res).toEqual(new Map([[0, 2 * BS], [10, 2 * BS]]));
    expect(regB).toEqual(regA.subarray(BS, 3 * BS));
  });

  it('fixed files: IOSQE_FIXED_FILE indexes the registered table; a hole or an index past it is -EBADF', () => {
    const st = makeStack();
    const fd = st.file('/ff', 64 * BS);
    const seen: { kiocb: Kiocb; flags: number }[] = [];
    const spy = spyFd(st, fd, seen);
    let res = new Map<number, number>();
    let regs: number[] = [];
    st.sim.spawn('app', function* () {
      const r = yield* ring(st);
      const f = st.env.files.get(spy);
      if (f === undefined) throw new Error('fd');
      regs = [registerFilesUser(r, [null, f]), registerFilesUser(r, [f])];
      res = yield* run(r, [
        (s) => {
          prepWrite(s, 1, pattern(BS, 4), BS, 0);
          sqeSetFlags(s, IOSQE_FIXED_FILE);
        },
        (s) => {
          prepWrite(s, 0, pattern(BS, 4), BS, 0);
          sqeSetFlags(s, IOSQE_FIXED_FILE);
        },
        (s) => {
          prepWrite(s, 2, pattern(BS, 4), BS, 0);
          sqeSetFlags(s, IOSQE_FIXED_FILE);
        },
        (s) => prepWrite(s, 1, pattern(BS, 4), BS, 0), // fd 1 of the process is not open
      ]);
    });
    st.sim.run();
    expect(regs).toEqual([0, -EBUSY]);
    expect(res).toEqual(new Map([[0, BS], [1, -EBADF], [2, -EBADF], [3, -EBADF]]));
    expect(seen).toHaveLength(1); // only the good one reached the file
  });

  it('FSYNC (and DATASYNC) completes with 0 after io-wq runs it; stray fields or flags are -EINVAL', () => {
    const st = makeStack();
    const fd = st.file('/s', 64 * BS);
    let res = new Map<number, number>();
    let punts = 0;
    st.sim.spawn('app', function* () {
      const r = yield* ring(st);
      res = yield* run(r, [
        (s) => prepFsync(s, fd),
        (s) => prepFsync(s, fd, true),
        (s) => {
          prepFsync(s, fd);
          s.opFlags = 0x80;
        },
      ]);
      punts = r.ctx.stats.iowqPunts;
    });
    st.sim.run();
    expect(res).toEqual(new Map([[0, 0], [1, 0], [2, -EINVAL]]));
    expect(punts).toBe(2); // fsync always needs a blocking context
    expect(IORING_FSYNC_DATASYNC).toBe(1);
  });

  it('NOP completes with 0 without touching a file; an IOPOLL ring refuses FSYNC but takes NOP', () => {
    const st = makeStack({ dev: { poll_queues: 1 } });
    const fd = st.file('/n', 64 * BS);
    let res = new Map<number, number>();
    st.sim.spawn('app', function* () {
      const r = yield* ring(st, IORING_SETUP_IOPOLL);
      res = yield* run(r, [(s) => prepNop(s), (s) => prepFsync(s, fd)]);
    });
    st.sim.run();
    expect(res).toEqual(new Map([[0, 0], [1, -EINVAL]]));
    expect(IORING_OP_FSYNC).toBe(3);
  });

  it('rw_flags: RWF_DSYNC reaches the kiocb as IOCB_DSYNC; RWF_HIPRI on a non-IOPOLL ring is -EINVAL; unknown RWF bits are -EOPNOTSUPP', () => {
    const st = makeStack();
    const fd = st.file('/r', 64 * BS);
    const seen: { kiocb: Kiocb; flags: number }[] = [];
    const spy = spyFd(st, fd, seen);
    let res = new Map<number, number>();
    st.sim.spawn('app', function* () {
      const r = yield* ring(st);
      res = yield* run(r, [
        (s) => prepWritev2(s, spy, [{ addr: 0, buf: null, len: BS }], 0, RWF_DSYNC),
        (s) => prepWritev2(s, spy, [{ addr: 0, buf: null, len: BS }], BS, RWF_HIPRI),
        (s) => prepWritev2(s, spy, [{ addr: 0, buf: null, len: BS }], 2 * BS, 0x4000),
        (s) => prepRead(s, spy, null, BS, 0),
      ]);
    });
    st.sim.run();
    expect(res).toEqual(new Map([[0, BS], [1, -EINVAL], [2, -EOPNOTSUPP], [3, BS]]));
    expect(seen).toHaveLength(2);
    expect((seen[0]?.flags ?? 0) & IOCB_DSYNC).toBe(IOCB_DSYNC);
    expect((seen[0]?.flags ?? 0) & IOCB_NOWAIT).toBe(IOCB_NOWAIT); // inline issue is non-blocking
  });
});
