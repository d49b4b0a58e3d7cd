import { CallerPolicy, InlinePolicy, WorkqueuePolicy } from '@dio/iomap';
import { EBADF, EINVAL } from '@dio/kiocb';
import { describe, expect, it } from 'vitest';
import { type IoEvent, ioDestroy, ioGetevents, ioPrepFsync, ioPrepPread, ioPrepPwrite, ioSetup, ioSubmit, type Kioctx } from '../src/index';
import { BS, stack } from './stack';

describe('libaio', () => {
  it.each([
    ['workqueue', new WorkqueuePolicy(), /^task:kworker/],
    ['caller (6.6-rc1): aio never sets the flag, so still the workqueue', new CallerPolicy(), /^task:kworker/],
    ['inline (6.19)', new InlinePolicy(), /^hardirq$/],
  ])('%s', (_n, policy, where) => {
    const { sim, files, fd } = stack(policy);
    let events: IoEvent[] = [];
    let ctxRef: Kioctx | null = null;
    sim.spawn('app', function* () {
      const ctx = yield* ioSetup(32, files);
      if (typeof ctx === 'number') throw new Error(`io_setup ${ctx}`);
      ctxRef = ctx;
      const cbs = [0, 1, 2, 3].map((i) => ({ ...ioPrepPwrite(fd, new Uint8Array(BS).fill(i), BS, i * BS), data: BigInt(i) }));
      expect(yield* ioSubmit(ctx, cbs)).toBe(4);
      const got: IoEvent[] = [];
      while (got.length < 4) {
        const ev = yield* ioGetevents(ctx, 1, 4);
        if (typeof ev === 'number') throw new Error(`getevents ${ev}`);
        got.push(...ev);
      }
      events = got;
      expect(yield* ioDestroy(ctx)).toBe(0);
    });
    const r = sim.run();
    expect(r.hung).toEqual([]);
    expect(events.map((e) => e.res)).toEqual([BS, BS, BS, BS]);
    expect(new Set(events.map((e) => e.data))).toEqual(new Set([0n, 1n, 2n, 3n]));
    const completedIn = (ctxRef as Kioctx | null)?.completedIn ?? new Map<string, number>();
    expect([...completedIn.values()].reduce((a, b) => a + b, 0)).toBe(4);
    for (const w of completedIn.keys()) expect(w).toMatch(where);
  });

  it('reads back, fsyncs through system_wq, and rejects bad iocbs', () => {
    const { sim, files, fd } = stack(new WorkqueuePolicy());
    const out = new Uint8Array(BS);
    const results: number[] = [];
    sim.spawn('app', function* () {
      const ctx = yield* ioSetup(8, files);
      if (typeof ctx === 'number') return;
      yield* ioSubmit(ctx, [ioPrepPwrite(fd, new Uint8Array(BS).fill(9), BS, 0)]);
      yield* ioGetevents(ctx, 1, 1);
      yield* ioSubmit(ctx, [ioPrepPread(fd, out, BS, 0), ioPrepFsync(fd)]);
      const ev = yield* ioGetevents(ctx, 2, 2);
      if (typeof ev !== 'number') results.push(...ev.map((e) => e.res).sort((a, b) => b - a));
      results.push(yield* ioSubmit(ctx, [ioPrepPwrite(99, null, BS, 0)]));
      results.push(yield* ioSubmit(ctx, [{ ...ioPrepPwrite(fd, null, BS, 0), reserved2: 1 }]));
      const none = yield* ioGetevents(ctx, 0, 4, 0);
      results.push(typeof none === 'number' ? none : none.length);
    });
    sim.run();
    expect(out.every((b) => b === 9)).toBe(true);
    expect(results).toEqual([BS, 0, -EBADF, -EINVAL, 0]);
  });

  it('io_getevents times out', () => {
    const { sim, files } = stack(new WorkqueuePolicy());
    let got: unknown = null;
    let at = 0;
    sim.spawn('app', function* () {
      const ctx = yield* ioSetup(8, files);
      if (typeof ctx === 'number') return;
      got = yield* ioGetevents(ctx, 1, 1, 50_000);
      at = sim.now;
    });
    sim.run();
    expect(got).toEqual([]);
    expect(at).toBeGreaterThanOrEqual(50_000);
  });
});
