import { charge, downWrite, type KGen, sleep, upWrite } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { makeStack, pattern } from '../test/harness';
import { cqeSeen, getSqe, IORING_SETUP_IOPOLL, prepWrite, queueInitParams, sqeSetData64, submit, waitCqe } from './index';

const BS = 4096;

describe('io_uring_wait_cqe', () => {
  it('on an IOPOLL ring whose only request sits in io-wq behind a lock another CPU holds, spins in user mode until that CPU lets go (fuzz seed 1623)', () => {
    // The write's NOWAIT issue finds i_rwsem taken (a truncate on CPU 1), so it is
    // punted: the iou-wrk worker sleeps on i_rwsem and the poll list stays empty,
    // so every io_uring_enter returns at once with no CQE, and nothing is left in
    // the event queue. The holder is in a long plain section and the app's wait
    // starts nested inside it: the wait's loop must yield its user-mode time, or
    // CPU 1 never finishes the section nor releases the lock (before the fix:
    // SoftLockupError after 1 s of simulated spinning).
    const st = makeStack({ dev: { irqmode: 'softirq', poll_queues: 1 } });
    const fd = st.file('/f', 16 * BS);
    const file = st.env.files.get(fd);
    if (file === undefined) throw new Error('no file');
    const lock = file.fInode.iRwsem;
    let releasedAt = -1;
    st.sim.spawn(
      'holder',
      (function* (): KGen<void> {
        yield downWrite(lock);
        charge(200_000); // a 200 µs plain section under i_rwsem (a truncate's transaction)
        releasedAt = st.sim.now;
        upWrite(lock);
      })(),
      { cpusAllowed: [1] },
    );
    let res: number | null = null;
    let reapedAt = -1;
    st.sim.spawn(
      'app',
      (function* (): KGen<void> {
        yield 1_000; // the holder takes i_rwsem first
        const r = yield* queueInitParams(4, { flags: IORING_SETUP_IOPOLL }, st.env);
        if (typeof r === 'number') throw new Error(`setup ${r}`);
        const s = getSqe(r);
        if (s === null) throw new Error('SQ full');
        prepWrite(s, fd, pattern(BS, 1), BS, 0);
        sqeSetData64(s, 7);
        yield* submit(r);
        expect(r.ctx.stats.iowqPunts).toBe(1);
        expect(r.ctx.iopollList).toHaveLength(0);
        yield sleep(10_000); // the worker runs and sleeps on i_rwsem; the wait below starts inside CPU 1's section
        const c = yield* waitCqe(r);
        if (typeof c === 'number') throw new Error(`wait ${c}`);
        res = c.res;
        reapedAt = st.sim.now;
        cqeSeen(r, c);
      })(),
      { cpusAllowed: [0] },
    );
    const run = st.sim.run({ until: 1e8 });
    expect(run.reason).toBe('idle');
    expect(run.hung).toEqual([]);
    expect(res).toBe(BS);
    expect(releasedAt).toBeGreaterThan(200_000);
    expect(reapedAt).toBeGreaterThan(releasedAt);
    expect(reapedAt).toBeLessThan(releasedAt + 50_000_000); // the worker gets the CPU within a CFS slice or two
  });
});
