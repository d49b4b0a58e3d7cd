import { pwrite } from '@dio/fs';
import { CallerPolicy } from '@dio/iomap';
import { IOCB_DIO_CALLER_COMP, IOCB_HIPRI, IovIter, type Kiocb } from '@dio/kiocb';
import { type KGen, sleep } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import {
  type Cqe,
  getEvents,
  getSqe,
  IORING_SETUP_CQSIZE,
  IORING_SETUP_DEFER_TASKRUN,
  IORING_SETUP_IOPOLL,
  IORING_SETUP_SINGLE_ISSUER,
  IORING_SQ_CQ_OVERFLOW,
  type IoUring,
  peekCqe,
  prepRead,
  prepWrite,
  queueInitParams,
  sqeSetData64,
  submit,
  submitAndWait,
} from '../src/index';
import { makeStack, reapN, spyFd, type Stack } from './harness';

const BS = 4096;
const DEFER = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;

function* ring(st: Stack, flags: number, entries = 8, cqEntries?: number): KGen<IoUring> {
  const r = yield* queueInitParams(entries, { flags, ...(cqEntries ? { cqEntries } : {}) }, st.env);
  if (typeof r === 'number') throw new Error(`setup ${r}`);
  return r;
}


describe('IOPOLL', () => {
  it('reaps by polling the device: no hardirq or softirq on any CPU, no task_work, no io-wq', () => {
    const st = makeStack({ dev: { poll_queues: 1 } });
    const fd = st.file('/p', 64 * BS);
    const cqes: Cqe[] = [];
    let stats = { taskWorkItems: -1, iowqPunts: -1 };
    st.sim.spawn(
      'app',
      function* () {
        const r = yield* ring(st, IORING_SETUP_IOPOLL);
        for (let i = 0; i < 10; i++) {
          for (let j = 0; j < 2; j++) {
            const s = getSqe(r);
            if (!s) return;
            prepRead(s, fd, new Uint8Array(BS), BS, (2 * i + j) * BS);
            sqeSetData64(s, 2 * i + j);
          }
          yield* submitAndWait(r, 2);
          cqes.push(...(yield* reapN(r, 2)));
        }
        stats = { taskWorkItems: r.ctx.stats.taskWorkItems, iowqPunts: r.ctx.stats.iowqPunts };
      },
      { cpusAllowed: [0] },
    );
    expect(st.sim.run().hung).toEqual([]);
    expect(cqes.map((c) => c.res)).toEqual(new Array(20).fill(BS));
    expect(cqes.map((c) => Number(c.userData)).sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    for (const cpu of st.sim.cpus) {
      expect(cpu.times.hardirq).toBe(0);
      expect(cpu.times.softirq).toBe(0);
    }
    expect(stats).toEqual({ taskWorkItems: 0, iowqPunts: 0 });
  });
});

describe('CQ overflow', () => {
  it.each([
    ['normal task_work', 0],
    ['DEFER_TASKRUN', DEFER],
  ])('%s: nothing is lost, IORING_SQ_CQ_OVERFLOW is raised, CQEs come out in posting order', (_n, flags) => {
    const st = makeStack({ sim: { trace: true } });
    const fd = st.file('/o', 64 * BS);
    const uds: bigint[] = [];
    let overflowed = 0;
    let flagSeen = false;
    let flagAfter = -1;
    st.sim.spawn('app', function* () {
      const r = yield* ring(st, flags | IORING_SETUP_CQSIZE, 8, 8);
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < 8; i++) {
          const s = getSqe(r);
          if (!s) return;
          prepWrite(s, fd, null, BS, i * BS);
          sqeSetData64(s, round * 8 + i);
        }
        yield* submit(r);
        yield sleep(200_000); // everything completes meanwhile; nobody reaps
        yield* getEvents(r); // entering the kernel runs the pending completion work: CQEs beyond 8 overflow
        flagSeen ||= (r.ctx.sq.flags & IORING_SQ_CQ_OVERFLOW) !== 0;
      }
      overflowed = r.ctx.stats.cqesOverflowed;
      for (const c of yield* reapN(r, 32)) uds.push(c.userData);
      flagAfter = r.ctx.sq.flags & IORING_SQ_CQ_OVERFLOW;
      expect(peekCqe(r)).toBeNull();
    });
    expect(st.sim.run().hung).toEqual([]);
    expect(overflowed).toBe(24);
    expect(flagSeen).toBe(true);
    expect(flagAfter).toBe(0);
    expect(uds).toHaveLength(32);
    const posted = st.sim.tracer.records.filter((x) => x.name === 'io_uring_complete').map((x) => BigInt(String(x.args?.user_data)));
    expect(uds).toEqual(posted);
  });
});

describe('IOCB_DIO_CALLER_COMP is set only on non-polled writes, and only when the kernel profile says so', () => {
  function flagsSeen(callerComp: boolean, flags: number, read: boolean): { flags: number[]; declared: boolean | null } {
    let declared: boolean | null = null;
    const st = makeStack({ policy: new CallerPolicy(), callerComp, dev: { poll_queues: 1 } });
    const fd = st.file('/c', 64 * BS);
    const seen: { kiocb: Kiocb; flags: number }[] = [];
    const spy = spyFd(st, fd, seen);
    st.sim.spawn('app', function* () {
      const r = yield* ring(st, flags);
      declared = r.ctx.issuer.setsCallerComp;
      const s = getSqe(r);
      if (!s) return;
      if (read) prepRead(s, spy, null, BS, 0);
      else prepWrite(s, spy, null, BS, 0);
      yield* submitAndWait(r, 1);
      const [c] = yield* reapN(r, 1);
      expect(c?.res).toBe(BS);
    });
    expect(st.sim.run().hung).toEqual([]);
    return { flags: seen.map((x) => x.kiocb.kiFlags | x.flags), declared };
  }

  it.each([
    ['6.6-rc1, non-polled write', true, DEFER, false, true],
    ['6.6-rc1, normal task_work write', true, 0, false, true],
    ['6.6-rc1, IOPOLL (HIPRI) write', true, IORING_SETUP_IOPOLL, false, false],
    ['6.6-rc1, read', true, DEFER, true, false],
    ['released 6.6, non-polled write', false, DEFER, false, false],
  ])('%s', (_n, callerComp, flags, read, expected) => {
    const { flags: f, declared } = flagsSeen(callerComp, flags, read);
    expect(f).toHaveLength(1);
    // The ring's Issuer descriptor says what its writes carry.
    if (!read) expect(declared).toBe(expected);
    expect(((f[0] ?? 0) & IOCB_DIO_CALLER_COMP) !== 0).toBe(expected);
    if (flags & IORING_SETUP_IOPOLL) expect((f[0] ?? 0) & IOCB_HIPRI).toBe(IOCB_HIPRI);
  });
});

describe('released-kernel profile: io_uring vs the sync path', () => {
  it('io_uring writes complete on a kworker via s_dio_done_wq; sync pwrite completes in the caller, never on the workqueue', () => {
    const st = makeStack({ policy: new CallerPolicy(), callerComp: false, sim: { trace: true } });
    const fd = st.file('/r', 64 * BS);
    const f = st.env.files.get(fd);
    if (f === undefined) throw new Error('fd');
    let split = 0;
    st.sim.spawn('app', function* () {
      const r = yield* ring(st, DEFER);
      for (let i = 0; i < 4; i++) {
        const s = getSqe(r);
        if (!s) return;
        prepWrite(s, fd, null, BS, i * BS);
      }
      yield* submitAndWait(r, 4);
      yield* reapN(r, 4);
      split = st.sim.tracer.records.length;
      for (let i = 0; i < 4; i++) expect(yield* pwrite(f, IovIter.ubuf(null, BS, 0), (8 + i) * BS)).toBe(BS);
    });
    expect(st.sim.run().hung).toEqual([]);
    const recs = st.sim.tracer.records;
    const done = (from: number, to: number) => recs.slice(from, to).filter((x) => x.name === 'iomap_dio_complete');
    const queued = (from: number, to: number) => recs.slice(from, to).filter((x) => x.name === 'workqueue_queue_work');
    const uring = done(0, split);
    expect(uring).toHaveLength(4);
    for (const x of uring) {
      expect(x.args?.via).toBe('workqueue');
      expect(x.ctx).toMatch(/^kworker/);
    }
    expect(queued(0, split)).toHaveLength(4);
    const sync = done(split, recs.length);
    expect(sync).toHaveLength(4);
    for (const x of sync) {
      expect(x.args?.via).toBe('sync');
      expect(x.ctx).toBe('app');
    }
    expect(queued(split, recs.length)).toHaveLength(0);
  });
});
