import { InlinePolicy } from '@dio/iomap';
import { type KGen, sleep, spend } from '@dio/sim';
import { allocWorkqueue, WQ_MEM_RECLAIM, WQ_UNBOUND } from '@dio/workqueue';
import { describe, expect, it } from 'vitest';
import {
  cqeSeen,
  getEvents,
  getSqe,
  IORING_SETUP_COOP_TASKRUN,
  IORING_SETUP_DEFER_TASKRUN,
  IORING_SETUP_SINGLE_ISSUER,
  IORING_SETUP_TASKRUN_FLAG,
  IORING_SQ_TASKRUN,
  type IoUring,
  peekCqe,
  prepWrite,
  queueInitParams,
  sqeSetData64,
  submit,
  submitAndWait,
} from '../src/index';
import { makeStack, type Stack } from './harness';

const BS = 4096;
const DEFER = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;

function* ring(st: Stack, flags: number): KGen<IoUring> {
  const r = yield* queueInitParams(16, { flags }, st.env);
  if (typeof r === 'number') throw new Error(`setup ${r}`);
  return r;
}

function queueWrites(r: IoUring, fd: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const s = getSqe(r);
    if (s === null) throw new Error('SQ full');
    prepWrite(s, fd, null, BS, i * BS);
    sqeSetData64(s, i);
  }
}

describe('IORING_SETUP_TASKRUN_FLAG', () => {
  it.each([
    ['COOP_TASKRUN', IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG],
    ['DEFER_TASKRUN', DEFER | IORING_SETUP_TASKRUN_FLAG],
  ])('%s: IORING_SQ_TASKRUN is set while completion work waits for the app, cleared when it runs', (_n, flags) => {
    // completions on an unbound kworker on CPU 1 while the app computes on CPU 0: the task_work is
    // added from the other CPU, and neither NO_IPI nor DEFER_TASKRUN interrupts the app
    const st = makeStack({ dioWq: (sim, name) => allocWorkqueue(sim, name, WQ_UNBOUND | WQ_MEM_RECLAIM, 0) });
    const fd = st.file('/t', 64 * BS);
    const seen: { taskrun: boolean; cqes: number }[] = [];
    st.sim.spawn(
      'app',
      function* () {
        const r = yield* ring(st, flags);
        queueWrites(r, fd, 2);
        yield* submit(r);
        seen.push({ taskrun: (r.ctx.sq.flags & IORING_SQ_TASKRUN) !== 0, cqes: r.ctx.cq.ready });
        yield spend(300_000); // user mode: the I/O completes meanwhile, no syscall
        seen.push({ taskrun: (r.ctx.sq.flags & IORING_SQ_TASKRUN) !== 0, cqes: r.ctx.cq.ready });
        yield* getEvents(r); // what liburing does when it sees the flag
        seen.push({ taskrun: (r.ctx.sq.flags & IORING_SQ_TASKRUN) !== 0, cqes: r.ctx.cq.ready });
      },
      { cpusAllowed: [0] },
    );
    st.sim.run();
    expect(seen).toEqual([
      { taskrun: false, cqes: 0 },
      { taskrun: true, cqes: 0 },
      { taskrun: false, cqes: 2 },
    ]);
  });

  it('without TASKRUN_FLAG the flag is never set', () => {
    const st = makeStack({ policy: new InlinePolicy() });
    const fd = st.file('/t', 64 * BS);
    let flag = -1;
    st.sim.spawn('app', function* () {
      const r = yield* ring(st, DEFER);
      queueWrites(r, fd, 2);
      yield* submit(r);
      yield spend(300_000);
      flag = r.ctx.sq.flags & IORING_SQ_TASKRUN;
    }, { cpusAllowed: [0] });
    st.sim.run();
    expect(flag).toBe(0);
  });
});

describe('completion wake-ups: normal task_work vs DEFER_TASKRUN LAZY_WAKE', () => {
  /** Submit `n` writes (completions in the interrupt, 6.19 policy) and wait for all: how often was the app woken? */
  function wakeups(flags: number, n: number): { wakes: number; reaped: number; taskWork: number; ret: number } {
    const st = makeStack({ policy: new InlinePolicy(), sim: { trace: true }, dev: { completion_nsec: 20_000 } });
    const fd = st.file('/w', 64 * BS);
    let reaped = 0;
    let from = 0;
    let to = 0;
    let taskWork = 0;
    let ret = -1;
    st.sim.spawn(
      'app',
      function* () {
        const r = yield* ring(st, flags);
        for (let i = 0; i < n; i++) {
          queueWrites(r, fd, 1);
          yield* submit(r);
          yield spend(2_000); // spread the completions out
        }
        from = st.sim.now;
        ret = yield* submitAndWait(r, n);
        to = st.sim.now;
        for (let c = peekCqe(r); c !== null; c = peekCqe(r)) {
          reaped++;
          cqeSeen(r, c);
        }
        taskWork = r.ctx.stats.taskWorkItems;
        yield sleep(1);
      },
      { cpusAllowed: [0] },
    );
    st.sim.run();
    const wakes = st.sim.tracer.records.filter((x) => x.name === 'sched_wakeup' && x.args?.comm === 'app' && x.ts >= from && x.ts <= to).length;
    return { wakes, reaped, taskWork, ret };
  }

  it('DEFER_TASKRUN wakes the waiter once, when the n-th completion arrives (nr_tw >= cq_wait_nr)', () => {
    const d = wakeups(DEFER, 4);
    expect(d.reaped).toBe(4);
    expect(d.taskWork).toBe(4);
    expect(d.wakes).toBe(1);
    expect(d.ret).toBe(0);
  });

  it('normal task_work (TWA_SIGNAL) wakes the waiter for each batch of completions', () => {
    const n = wakeups(0, 4);
    expect(n.reaped).toBe(4); // and no -EINTR from the task_work wake-ups
    expect(n.wakes).toBeGreaterThan(1);
    expect(n.ret).toBe(0); // a task_work wake-up is not a signal: no -EINTR
  });
});
