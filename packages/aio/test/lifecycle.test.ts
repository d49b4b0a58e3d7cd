import { CallerPolicy, WorkqueuePolicy } from '@dio/iomap';
import { EAGAIN, EBADF, EINVAL, IOCB_AIO_RW, IOCB_DIO_CALLER_COMP, IOCB_HIPRI, IOCB_WRITE, type Kiocb, RWF_HIPRI } from '@dio/kiocb';
import { sleep, type Task } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { AIO_ISSUER, AIO_MAX_NR, aioRingEvents, ioDestroy, ioGetevents, ioPrepFsync, ioPrepPread, ioPrepPwrite, ioSetup, ioSubmit, type Kioctx } from '../src/index';
import { BS, spyFd, stack } from './stack';

describe('io_setup', () => {
  it('sizes the ring like ioctx_alloc + aio_setup_ring', () => {
    // max(nr, 4 per CPU) × 2 + 2 events, rounded up to whole 4 KiB pages of 32-byte events after a 32-byte header
    expect(aioRingEvents(1, 2)).toBe(127);
    expect(aioRingEvents(200, 2)).toBe(511);
    expect(aioRingEvents(64, 1)).toBe(255);
    expect(aioRingEvents(0x400000 + 1, 1)).toBe(-EINVAL);
  });

  it('rejects 0 and caps the total at aio-max-nr, which io_destroy gives back', () => {
    const st = stack(new WorkqueuePolicy());
    const out: unknown[] = [];
    st.sim.spawn('app', function* () {
      out.push(yield* ioSetup(0, st.files));
      out.push(yield* ioSetup(AIO_MAX_NR + 1, st.files));
      const a = yield* ioSetup(AIO_MAX_NR - 10, st.files);
      if (typeof a === 'number') throw new Error(`${a}`);
      out.push(yield* ioSetup(11, st.files));
      out.push(yield* ioDestroy(a));
      const b = yield* ioSetup(11, st.files);
      out.push(typeof b === 'number' ? b : 'ok');
    });
    st.sim.run();
    expect(out).toEqual([-EINVAL, -EAGAIN, -EAGAIN, 0, 'ok']);
  });
});

describe('io_submit', () => {
  it('aio_prep_rw: IOCB_AIO_RW, HIPRI cleared, never IOCB_DIO_CALLER_COMP, an async kiocb — even on the 6.6-rc1 policy', () => {
    const st = stack(new CallerPolicy());
    const seen: { kiocb: Kiocb; flags: number }[] = [];
    const fd = spyFd(st, st.fd, seen);
    let flagsAtIssue: number[] = [];
    st.sim.spawn('app', function* () {
      const ctx = yield* ioSetup(8, st.files);
      if (typeof ctx === 'number') return;
      const w = { ...ioPrepPwrite(fd, null, BS, 0), rwFlags: RWF_HIPRI };
      const r = { ...ioPrepPread(fd, new Uint8Array(BS), BS, BS), rwFlags: RWF_HIPRI };
      expect(yield* ioSubmit(ctx, [w, r])).toBe(2);
      const ev = yield* ioGetevents(ctx, 2, 2);
      expect(Array.isArray(ev) ? ev.map((e) => e.res) : ev).toEqual([BS, BS]);
    });
    st.sim.run();
    expect(seen).toHaveLength(2);
    for (const s of seen) expect(s.kiocb.kiComplete).not.toBeNull();
    flagsAtIssue = seen.map((s) => s.flags);
    expect(AIO_ISSUER.setsCallerComp).toBe(false);
    for (const f of flagsAtIssue) {
      expect(f & IOCB_HIPRI).toBe(0);
      expect(f & IOCB_DIO_CALLER_COMP).toBe(0);
      expect(f & IOCB_AIO_RW).toBe(IOCB_AIO_RW);
    }
    expect((flagsAtIssue[0] as number) & IOCB_WRITE).toBe(IOCB_WRITE);
    expect((flagsAtIssue[1] as number) & IOCB_WRITE).toBe(0);
  });

  it('stops at the first bad iocb (counting the good ones before it); I/O errors come back as events', () => {
    const st = stack(new WorkqueuePolicy());
    const out: unknown[] = [];
    let events: [bigint, number][] = [];
    st.sim.spawn('app', function* () {
      const ctx = yield* ioSetup(8, st.files);
      if (typeof ctx === 'number') return;
      const good = (i: number) => ({ ...ioPrepPwrite(st.fd, null, BS, i * BS), data: BigInt(i) });
      out.push(yield* ioSubmit(ctx, [good(0), good(1), ioPrepPwrite(77, null, BS, 0), good(2)]));
      out.push(yield* ioSubmit(ctx, [{ ...good(3), lioOpcode: 6 /* IOCB_CMD_NOOP */ }]));
      out.push(yield* ioSubmit(ctx, [{ ...good(3), offset: -BS }]));
      out.push(yield* ioSubmit(ctx, [{ ...good(3), nbytes: -1 }]));
      out.push(yield* ioSubmit(ctx, [{ ...ioPrepFsync(st.fd), nbytes: 1 }]));
      // misaligned O_DIRECT: accepted by io_submit, the -EINVAL comes back in the event
      out.push(yield* ioSubmit(ctx, [{ ...ioPrepPwrite(st.fd, null, 100, 0), data: 9n }]));
      const ev = yield* ioGetevents(ctx, 3, 8);
      if (typeof ev !== 'number') events = ev.map((e) => [e.data, e.res]);
      expect(ctx.inflight).toBe(0);
    });
    st.sim.run();
    expect(out).toEqual([2, -EINVAL, -EINVAL, -EINVAL, -EINVAL, 1]);
    expect(new Map(events)).toEqual(new Map([[0n, BS], [1n, BS], [9n, -EINVAL]]));
  });

  it('-EAGAIN once every request slot (nr_events - 1) is held by in-flight or unreaped events', () => {
    const st = stack(new WorkqueuePolicy());
    const out: number[] = [];
    st.sim.spawn('app', function* () {
      const ctx = yield* ioSetup(1, st.files); // 127-entry ring on 2 CPUs: 126 slots
      if (typeof ctx === 'number') return;
      const cbs = Array.from({ length: 127 }, (_, i) => ioPrepPwrite(st.fd, null, BS, (i % 64) * BS));
      out.push(yield* ioSubmit(ctx, cbs.slice(0, 100)));
      out.push(yield* ioSubmit(ctx, cbs.slice(100)));
      out.push(yield* ioSubmit(ctx, cbs.slice(0, 1)));
      // all complete but unreaped: still no slot
      let left = 126;
      while (ctx.inflight > 0) yield sleep(100_000);
      out.push(yield* ioSubmit(ctx, cbs.slice(0, 1)));
      const ev = yield* ioGetevents(ctx, 10, 10);
      if (typeof ev !== 'number') left -= ev.length;
      out.push(yield* ioSubmit(ctx, cbs.slice(0, 1)));
      out.push(left);
    });
    st.sim.run();
    expect(out).toEqual([100, 26, -EAGAIN, -EAGAIN, 1, 116]);
  });

  it('bad fd and a read-only file are -EBADF', () => {
    const st = stack(new WorkqueuePolicy());
    const out: number[] = [];
    st.sim.spawn('app', function* () {
      const ctx = yield* ioSetup(4, st.files);
      if (typeof ctx === 'number') return;
      out.push(yield* ioSubmit(ctx, [ioPrepPwrite(-1, null, BS, 0)]));
      const ro = st.fs.open('/f', 0o40000 /* O_RDONLY | O_DIRECT */);
      if (typeof ro === 'number') throw new Error('open');
      out.push(yield* ioSubmit(ctx, [ioPrepPwrite(st.files.install(ro), null, BS, 0)]));
    });
    st.sim.run();
    expect(out).toEqual([-EBADF, -EBADF]);
  });
});

describe('io_destroy', () => {
  it('with I/O in flight: wakes io_getevents sleepers (-EINVAL), waits in D for every request, then the context is gone', () => {
    const st = stack(new WorkqueuePolicy());
    let ctxRef: Kioctx | null = null;
    let destroyedAt = 0;
    let destroyRet = -1;
    let waiterRet: unknown = null;
    let appState = '';
    const after: number[] = [];
    let app: Task | null = null;
    st.sim.spawn('reaper', function* () {
      while (ctxRef === null) yield 1_000;
      waiterRet = yield* ioGetevents(ctxRef, 10, 10); // never satisfied: only 4 writes
    }, { cpusAllowed: [1] });
    app = st.sim.spawn('app', function* () {
      const ctx = yield* ioSetup(8, st.files);
      if (typeof ctx === 'number') return;
      ctxRef = ctx;
      yield 5_000; // let the reaper go to sleep
      expect(yield* ioSubmit(ctx, Array.from({ length: 4 }, (_, i) => ioPrepPwrite(st.fd, null, BS, i * BS)))).toBe(4);
      expect(ctx.inflight).toBe(4);
      destroyRet = yield* ioDestroy(ctx);
      destroyedAt = st.sim.now;
      after.push(yield* ioSubmit(ctx, [ioPrepPwrite(st.fd, null, BS, 0)]));
      const g = yield* ioGetevents(ctx, 0, 1);
      after.push(typeof g === 'number' ? g : g.length);
      after.push(yield* ioDestroy(ctx));
    }, { cpusAllowed: [0] });
    st.sim.spawn('probe', function* () {
      for (let i = 0; i < 200 && appState !== 'D'; i++) {
        yield 500;
        if (app?.state === 'D') appState = 'D';
      }
    }, { cpusAllowed: [1] });
    const r = st.sim.run();
    expect(r.hung).toEqual([]);
    expect(destroyRet).toBe(0);
    expect(waiterRet).toBe(-EINVAL);
    expect(appState).toBe('D');
    const posted = st.sim.tracer.records.filter((x) => x.name === 'aio_complete').map((x) => x.ts);
    expect(posted).toHaveLength(4);
    expect(destroyedAt).toBeGreaterThanOrEqual(Math.max(...posted));
    expect((ctxRef as Kioctx | null)?.inflight).toBe(0);
    expect(after).toEqual([-EINVAL, -EINVAL, -EINVAL]);
  });
});
