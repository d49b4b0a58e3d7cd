import { WorkqueuePolicy } from '@dio/iomap';
import { EINVAL } from '@dio/kiocb';
import { type KGen, sleep } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { type IoEvent, ioGetevents, ioPrepPwrite, ioSetup, ioSubmit, type Kioctx } from '../src/index';
import { type AioStack, BS, stack } from './stack';

/** Run `body` as the app task with a fresh context; return the simulation's end state. */
function runApp(st: AioStack, body: (ctx: Kioctx) => KGen<void>): void {
  st.sim.spawn('app', function* () {
    const ctx = yield* ioSetup(16, st.files);
    if (typeof ctx === 'number') throw new Error(`io_setup ${ctx}`);
    yield* body(ctx);
  });
  const r = st.sim.run();
  expect(r.hung).toEqual([]);
}

const writes = (fd: number, n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ ...ioPrepPwrite(fd, null, BS, (from + i) * BS), data: BigInt(from + i) }));

/** Times at which aio events were posted (the aio_complete trace). */
const postedAt = (st: AioStack) => st.sim.tracer.records.filter((r) => r.name === 'aio_complete').map((r) => r.ts);

describe('io_getevents min_nr / nr', () => {
  it('min_nr = nr = 4 returns only once all four completed, with all four', () => {
    const st = stack(new WorkqueuePolicy());
    let got: IoEvent[] | number = -1;
    let at = 0;
    runApp(st, function* (ctx) {
      expect(yield* ioSubmit(ctx, writes(st.fd, 4))).toBe(4);
      got = yield* ioGetevents(ctx, 4, 4);
      at = st.sim.now;
    });
    expect(Array.isArray(got) ? got.map((e) => e.data).sort() : got).toEqual([0n, 1n, 2n, 3n]);
    const posted = postedAt(st);
    expect(posted).toHaveLength(4);
    expect(at).toBeGreaterThanOrEqual(Math.max(...posted));
  });

  it('min_nr = 1 returns with the first event; never more than nr; the rest stay for the next call', () => {
    const st = stack(new WorkqueuePolicy());
    const lens: number[] = [];
    let firstAt = 0;
    runApp(st, function* (ctx) {
      yield* ioSubmit(ctx, writes(st.fd, 1));
      const a = yield* ioGetevents(ctx, 1, 2);
      firstAt = st.sim.now;
      lens.push(Array.isArray(a) ? a.length : a);
      yield* ioSubmit(ctx, writes(st.fd, 5, 1));
      yield sleep(1_000_000); // all five complete, nobody reaps
      for (let i = 0; i < 3; i++) {
        const b = yield* ioGetevents(ctx, 1, 2);
        lens.push(Array.isArray(b) ? b.length : b);
      }
      const c = yield* ioGetevents(ctx, 0, 4, 0);
      lens.push(Array.isArray(c) ? c.length : c);
    });
    const posted = postedAt(st);
    expect(posted).toHaveLength(6);
    expect(firstAt).toBeGreaterThanOrEqual(posted[0] as number);
    expect(firstAt).toBeLessThan(posted[0] as number + 10_000);
    expect(lens).toEqual([1, 2, 2, 1, 0]);
  });

  it('min_nr = 0 never sleeps; bad min_nr / nr / timeout are -EINVAL', () => {
    const st = stack(new WorkqueuePolicy());
    const out: unknown[] = [];
    let before = 0;
    let after = 0;
    runApp(st, function* (ctx) {
      before = st.sim.now;
      const none = yield* ioGetevents(ctx, 0, 4);
      after = st.sim.now;
      out.push(Array.isArray(none) ? none.length : none);
      out.push(yield* ioGetevents(ctx, 3, 2));
      out.push(yield* ioGetevents(ctx, -1, 2));
      out.push(yield* ioGetevents(ctx, 1, 2, -5));
    });
    expect(out).toEqual([0, -EINVAL, -EINVAL, -EINVAL]);
    expect(after - before).toBeLessThan(10_000); // a syscall, no device wait
  });
});

describe('io_getevents timeout', () => {
  it('returns the events that arrived before the deadline, fewer than min_nr, at the deadline', () => {
    const st = stack(new WorkqueuePolicy());
    let got: IoEvent[] | number = -1;
    let start = 0;
    let at = 0;
    runApp(st, function* (ctx) {
      yield* ioSubmit(ctx, writes(st.fd, 1));
      start = st.sim.now;
      got = yield* ioGetevents(ctx, 2, 4, 200_000); // only one will ever come
      at = st.sim.now;
    });
    expect(Array.isArray(got) ? got.length : got).toBe(1);
    // the one completion woke the sleeper; the deadline stayed absolute
    expect(at - start).toBeGreaterThanOrEqual(200_000);
    expect(at - start).toBeLessThan(210_000);
  });

  it('with nothing in flight it times out empty; timeout 0 only polls', () => {
    const st = stack(new WorkqueuePolicy());
    const res: unknown[] = [];
    const times: number[] = [];
    runApp(st, function* (ctx) {
      let t = st.sim.now;
      res.push(yield* ioGetevents(ctx, 1, 1, 50_000));
      times.push(st.sim.now - t);
      t = st.sim.now;
      res.push(yield* ioGetevents(ctx, 1, 1, 0));
      times.push(st.sim.now - t);
    });
    expect(res).toEqual([[], []]);
    expect(times[0]).toBeGreaterThanOrEqual(50_000);
    expect(times[1]).toBeLessThan(10_000);
  });
});
