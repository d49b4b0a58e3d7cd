/**
 * Every SQE produces exactly one CQE, carrying its user_data and the result
 * its kind must get — over random mixes of good and bad SQEs, batch sizes,
 * ring modes, small CQs that overflow, and late reaping. Seeds are printed on
 * failure (the test name carries them).
 */
import { EBADF, EFAULT, EINVAL } from '@dio/kiocb';
import { Rng, sleep } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import {
  cqeSeen,
  getSqe,
  IORING_SETUP_COOP_TASKRUN,
  IORING_SETUP_CQSIZE,
  IORING_SETUP_DEFER_TASKRUN,
  IORING_SETUP_SINGLE_ISSUER,
  IORING_SETUP_SUBMIT_ALL,
  IORING_SETUP_TASKRUN_FLAG,
  peekCqe,
  prepFsync,
  prepNop,
  prepRead,
  prepWrite,
  prepWriteFixed,
  queueInitParams,
  registerBuffersUser,
  type Sqe,
  sqeSetData64,
  submit,
  waitCqe,
} from '../src/index';
import { makeStack } from './harness';

const BS = 4096;
const REG = 1 << 24;

/** SQE kinds: how to prep one, the CQE res it gets, and whether it ends a batch (io_init_req refusal). */
const KINDS: { prep: (s: Sqe, fd: number, blk: number) => void; res: number; stops: boolean }[] = [
  { prep: (s, fd, b) => prepWrite(s, fd, null, BS, b * BS), res: BS, stops: false },
  { prep: (s, fd, b) => prepWrite(s, fd, null, 2 * BS, b * BS), res: 2 * BS, stops: false },
  { prep: (s, fd, b) => prepRead(s, fd, null, BS, b * BS), res: BS, stops: false },
  { prep: (s, fd, b) => prepWriteFixed(s, fd, null, BS, b * BS, 0, REG), res: BS, stops: false },
  { prep: (s) => prepNop(s), res: 0, stops: false },
  { prep: (s, fd) => prepFsync(s, fd, true), res: 0, stops: false },
  { prep: (s, _fd, b) => prepWrite(s, 1000, null, BS, b * BS), res: -EBADF, stops: false },
  { prep: (s, fd, b) => prepWrite(s, fd, null, 1000, b * BS), res: -EINVAL, stops: false },
  { prep: (s, fd, b) => prepWriteFixed(s, fd, null, 2 * BS, b * BS, 0, REG), res: -EFAULT, stops: false },
  { prep: (s, fd, b) => prepWriteFixed(s, fd, null, BS, b * BS, 3, REG), res: -EFAULT, stops: true },
  { prep: (s) => { prepNop(s); s.opcode = 99; }, res: -EINVAL, stops: true },
];

const MODES = [
  ['normal', 0],
  ['COOP_TASKRUN', IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG],
  ['DEFER_TASKRUN', IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN],
  ['DEFER_TASKRUN | SUBMIT_ALL', IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SUBMIT_ALL],
] as const;

describe('every SQE gets exactly one CQE with its user_data and the right res', () => {
  const cases = MODES.flatMap(([name, flags]) => [1, 2, 3].map((seed) => [`${name}, seed ${seed}`, flags, seed] as const));
  it.each(cases)('%s', (_n, flags, seed) => {
    const rng = new Rng(seed * 7919 + flags);
    const st = makeStack({ sim: { seed } });
    const fd = st.file('/p', 64 * BS);
    const want = new Map<bigint, number>();
    const got = new Map<bigint, number[]>();
    let nextUd = 1n;
    const total = 60;
    st.sim.spawn('app', function* () {
      const r = yield* queueInitParams(8, { flags: flags | IORING_SETUP_CQSIZE, cqEntries: 8 }, st.env);
      if (typeof r === 'number') throw new Error(`setup ${r}`);
      expect(registerBuffersUser(r, [{ addr: REG, buf: null, len: BS }])).toBe(0);
      const reap = () => {
        for (let c = peekCqe(r); c !== null; c = peekCqe(r)) {
          got.set(c.userData, [...(got.get(c.userData) ?? []), c.res]);
          cqeSeen(r, c);
        }
      };
      let queued = 0;
      while (queued < total) {
        const batch = rng.int(1, 8);
        for (let i = 0; i < batch && queued < total; i++) {
          const s = getSqe(r);
          if (s === null) break;
          const k = KINDS[rng.int(0, KINDS.length - 1)] as (typeof KINDS)[number];
          k.prep(s, fd, rng.int(0, 60));
          sqeSetData64(s, nextUd);
          want.set(nextUd++, k.res);
          queued++;
        }
        // a refused SQE ends the batch; submit again until the SQ is drained
        while (r.ctx.sq.tail - r.ctx.sq.head > 0 || r.sqeTail !== r.ctx.sq.tail) {
          const n = yield* submit(r);
          if (n <= 0) throw new Error(`submit ${n}`);
        }
        if (rng.chance(0.5)) yield sleep(rng.int(1, 100) * 1_000); // reap late: the small CQ overflows
        if (rng.chance(0.5)) reap();
      }
      while ([...got.values()].reduce((a, v) => a + v.length, 0) < total) {
        const c = yield* waitCqe(r);
        if (typeof c === 'number') throw new Error(`wait ${c}`);
        reap();
      }
      yield sleep(1_000_000);
      reap();
    });
    expect(st.sim.run().hung).toEqual([]);
    expect(got.size).toBe(total);
    for (const [ud, res] of want) expect([ud, got.get(ud)]).toEqual([ud, [res]]);
    expect(KINDS.some((k) => k.stops)).toBe(true);
  });
});
