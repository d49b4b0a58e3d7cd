import { IovIter } from '@dio/kiocb';
import { pread } from '@dio/fs';
import { CallerPolicy } from '@dio/iomap';
import { type KGen, sleep, spend, type Task } from '@dio/sim';
import { allocWorkqueue, WQ_MEM_RECLAIM, WQ_UNBOUND } from '@dio/workqueue';
import { describe, expect, it } from 'vitest';
import {
  type Cqe,
  cqeSeen,
  getSqe,
  IORING_SETUP_COOP_TASKRUN,
  IORING_SETUP_DEFER_TASKRUN,
  IORING_SETUP_SINGLE_ISSUER,
  IORING_SETUP_SQ_AFF,
  IORING_SETUP_SQPOLL,
  IORING_SETUP_IOPOLL,
  IORING_SQ_NEED_WAKEUP,
  queueExit,
  IORING_SETUP_TASKRUN_FLAG,
  type IoUring,
  peekCqe,
  prepFsync,
  prepNop,
  prepWrite,
  queueInitParams,
  sqeSetData64,
  submit,
  submitAndWait,
  waitCqe,
} from '../src/index';
import { makeStack, pattern, reapN, type Stack } from './harness';

const BS = 4096;

function* ring(st: Stack, entries: number, flags: number, cqEntries?: number): KGen<IoUring> {
  const r = yield* queueInitParams(entries, { flags, ...(cqEntries ? { cqEntries } : {}) }, st.env);
  if (typeof r === 'number') throw new Error(`setup: ${r}`);
  return r;
}


describe('every SQE gets exactly one CQE', () => {
  it.each([
    ['normal task_work', 0],
    ['COOP_TASKRUN', IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG],
    ['DEFER_TASKRUN', IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN],
  ])('%s', (_n, flags) => {
    const st = makeStack();
    const fd = st.file('/f', 64 * BS);
    const data = pattern(8 * BS, 1);
    let cqes: Cqe[] = [];
    st.sim.spawn('app', function* () {
      const r = yield* ring(st, 16, flags);
      for (let i = 0; i < 8; i++) {
        const s = getSqe(r);
        if (s === null) throw new Error('sq full');
        prepWrite(s, fd, data.subarray(i * BS, (i + 1) * BS), BS, i * BS);
        sqeSetData64(s, 100 + i);
      }
      const n = getSqe(r);
      if (n) {
        prepNop(n);
        sqeSetData64(n, 7);
      }
      const f = getSqe(r);
      if (f) {
        prepFsync(f, fd);
        sqeSetData64(f, 8);
      }
      yield* submitAndWait(r, 10);
      cqes = yield* reapN(r, 10);
      yield sleep(1_000_000);
      expect(peekCqe(r)).toBeNull();
    });
    const res = st.sim.run();
    expect(res.hung).toEqual([]);
    const byUd = new Map(cqes.map((c) => [c.userData, c.res]));
    expect(cqes).toHaveLength(10);
    expect(byUd.size).toBe(10);
    for (let i = 0; i < 8; i++) expect(byUd.get(BigInt(100 + i))).toBe(BS);
    expect(byUd.get(7n)).toBe(0);
    expect(byUd.get(8n)).toBe(0);
  });
});

describe('task_work timing', () => {
  /** Submit one write, then burn user CPU for 200 µs, checking the CQ ring without entering the kernel. */
  function visibleWithoutEnter(flags: number): { seenAt: number; completedAt: number } {
    // Completions run on an unbound kworker on the idle CPU 1 while the app computes on CPU 0,
    // so the task_work is added from another CPU: only TWA_SIGNAL sends the IPI.
    const st = makeStack({ dioWq: (sim, name) => allocWorkqueue(sim, name, WQ_UNBOUND | WQ_MEM_RECLAIM, 0) });
    const fd = st.file('/f', 64 * BS);
    let seenAt = -1;
    let completedAt = -1;
    st.sim.spawn('app', function* () {
      const r = yield* ring(st, 8, flags);
      const s = getSqe(r);
      if (!s) return;
      prepWrite(s, fd, pattern(BS, 3), BS, 0);
      yield* submit(r);
      for (let i = 0; i < 200; i++) {
        yield spend(1_000); // user mode
        if (seenAt < 0 && peekCqe(r) !== null) seenAt = st.sim.now;
      }
      const c = yield* waitCqe(r);
      completedAt = st.sim.now;
      expect(typeof c === 'number' ? c : c.res).toBe(BS);
    }, { cpusAllowed: [0] });
    st.sim.run();
    return { seenAt, completedAt };
  }

  it('normal (TWA_SIGNAL): the IPI runs task_work while the app is in user mode', () => {
    const t = visibleWithoutEnter(0);
    expect(t.seenAt).toBeGreaterThan(0);
    expect(t.seenAt).toBeLessThan(100_000);
  });

  it('COOP_TASKRUN (TWA_SIGNAL_NO_IPI): nothing runs until the app enters the kernel', () => {
    const t = visibleWithoutEnter(IORING_SETUP_COOP_TASKRUN);
    expect(t.seenAt).toBe(-1);
    expect(t.completedAt).toBeGreaterThanOrEqual(200_000);
  });

  it('DEFER_TASKRUN: the work runs only inside io_uring_enter(GETEVENTS)', () => {
    const t = visibleWithoutEnter(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
    expect(t.seenAt).toBe(-1);
    expect(t.completedAt).toBeGreaterThanOrEqual(200_000);
  });
});

describe('IOCB_DIO_CALLER_COMP setter', () => {
  it.each([
    [true, true],
    [false, false],
  ])('kernel sets it: %s → completion handed back: %s', (setter, handedBack) => {
    const st = makeStack({ policy: new CallerPolicy(), callerComp: setter, sim: { trace: true } });
    const fd = st.file('/c', 64 * BS);
    st.sim.spawn('app', function* () {
      const r = yield* ring(st, 8, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
      const s = getSqe(r);
      if (!s) return;
      prepWrite(s, fd, pattern(BS, 5), BS, 0);
      yield* submitAndWait(r, 1);
      yield* reapN(r, 1);
    });
    st.sim.run();
    const done = st.sim.tracer.records.find((x) => x.name === 'iomap_dio_complete');
    expect(done?.kind === 'task' && done.ctx === 'app').toBe(handedBack);
    if (!handedBack) expect(done?.ctx).toMatch(/^kworker/);
  });

  it('data written through io_uring reads back', () => {
    const st = makeStack({ policy: new CallerPolicy(), callerComp: true });
    const fd = st.file('/d', 64 * BS, 'hole');
    const data = pattern(4 * BS, 6);
    const back = new Uint8Array(4 * BS);
    st.sim.spawn('app', function* () {
      const r = yield* ring(st, 8, 0);
      const s = getSqe(r);
      if (!s) return;
      prepWrite(s, fd, data, 4 * BS, 8 * BS);
      yield* submitAndWait(r, 1);
      yield* reapN(r, 1);
      const f = st.env.files.get(fd);
      if (f) yield* pread(f, IovIter.ubuf(back, back.length), 8 * BS);
    });
    st.sim.run();
    expect(back).toEqual(data);
  });
});

describe('SQPOLL', () => {
  it('a kernel thread on sq_thread_cpu submits for the app; it sleeps when idle and is woken by SQ_WAKEUP', () => {
    const st = makeStack({ sim: { trace: true } });
    const fd = st.file('/q', 64 * BS);
    const res: number[] = [];
    let submitter = '';
    let needWakeupSeen = false;
    let sqTask: Task | null = null;
    st.sim.spawn(
      'app',
      function* () {
        const r = yield* queueInitParams(8, { flags: IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF, sqThreadCpu: 1, sqThreadIdle: 1 }, st.env);
        if (typeof r === 'number') throw new Error(`setup ${r}`);
        for (let round = 0; round < 2; round++) {
          const s = getSqe(r);
          if (!s) return;
          prepWrite(s, fd, pattern(BS, round), BS, round * BS);
          yield* submit(r);
          const c = yield* waitCqe(r);
          if (typeof c !== 'number') {
            res.push(c.res);
            cqeSeen(r, c);
          }
          yield sleep(3_000_000); // longer than sq_thread_idle: the thread goes to sleep
          needWakeupSeen ||= (r.ctx.sq.flags & IORING_SQ_NEED_WAKEUP) !== 0;
        }
        submitter = r.ctx.sqThread?.name ?? '';
        sqTask = r.ctx.sqThread;
        queueExit(r);
      },
      { cpusAllowed: [0] },
    );
    const out = st.sim.run();
    expect(out.hung).toEqual([]);
    expect(res).toEqual([BS, BS]);
    expect(needWakeupSeen).toBe(true);
    expect(submitter).toMatch(/^iou-sqp-/);
    const t = sqTask as Task | null;
    expect(t?.kind).toBe('kthread');
    expect(t?.cpusAllowed).toEqual([1]);
    // every SQE was consumed by the SQPOLL thread, on CPU 1
    const subs = st.sim.tracer.records.filter((x) => x.name === 'io_uring_submit_req');
    expect(subs).toHaveLength(2);
    for (const x of subs) expect([x.ctx, x.cpu]).toEqual([submitter, 1]);
  });

  it('with IOPOLL too, the SQ thread polls and the app sleeps in io_cqring_wait (ctx->syscall_iopoll is off)', () => {
    const st = makeStack({ dev: { poll_queues: 1 } });
    const fd = st.file('/q', 64 * BS);
    const res: number[] = [];
    const app = st.sim.spawn(
      'app',
      function* () {
        const r = yield* queueInitParams(8, { flags: IORING_SETUP_SQPOLL | IORING_SETUP_IOPOLL | IORING_SETUP_SQ_AFF, sqThreadCpu: 1 }, st.env);
        if (typeof r === 'number') throw new Error(`setup ${r}`);
        for (let i = 0; i < 4; i++) {
          const s = getSqe(r);
          if (!s) return;
          prepWrite(s, fd, pattern(BS, i), BS, i * BS);
          yield* submit(r);
          const c = yield* waitCqe(r);
          if (typeof c !== 'number') {
            res.push(c.res);
            cqeSeen(r, c);
          }
        }
        queueExit(r);
      },
      { cpusAllowed: [0] },
    );
    const out = st.sim.run();
    expect(out.hung).toEqual([]);
    expect(res).toEqual([BS, BS, BS, BS]);
    // four 10 µs writes: the app slept through them (its CPU time is set-up and system calls: 14 µs) instead of
    // polling them in io_uring_enter (76 µs before the fix)
    expect(app.stime + app.utime).toBeLessThan(25_000);
  });

  it('the thread sleeps at once if its first pass finds nothing (timeout starts at 0); sq_thread_idle 0 means one second', () => {
    const st = makeStack({});
    const fd = st.file('/q', 64 * BS);
    const seen: boolean[] = [];
    let res = 0;
    st.sim.spawn(
      'app',
      function* () {
        const r = yield* queueInitParams(8, { flags: IORING_SETUP_SQPOLL, sqThreadIdle: 0 }, st.env);
        if (typeof r === 'number') throw new Error(`setup ${r}`);
        yield sleep(10_000);
        seen.push((r.ctx.sq.flags & IORING_SQ_NEED_WAKEUP) !== 0, r.ctx.sqThread?.state === 'S');
        const s = getSqe(r);
        if (!s) return;
        prepWrite(s, fd, pattern(BS, 1), BS, 0);
        yield* submit(r); // sees NEED_WAKEUP: io_uring_enter(IORING_ENTER_SQ_WAKEUP)
        const c = yield* waitCqe(r);
        if (typeof c !== 'number') res = c.res;
        yield sleep(5_000_000); // well under the 1 s default idle: still polling
        seen.push((r.ctx.sq.flags & IORING_SQ_NEED_WAKEUP) !== 0);
        queueExit(r);
      },
      { cpusAllowed: [0] },
    );
    expect(st.sim.run().hung).toEqual([]);
    expect(res).toBe(BS);
    expect(seen).toEqual([true, true, false]);
  });
});
