import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue';
import { sleep } from './requests';
import { Simulator } from './simulator';
import { wait, WaitQueue } from './waitqueue';

function drain(q: EventQueue): void {
  for (let e = q.pop(); e !== undefined; e = q.pop()) e.fn(e.arg);
}

describe('EventQueue', () => {
  it('orders by time, then by scheduling order (same-time FIFO by seq)', () => {
    const q = new EventQueue();
    const out: string[] = [];
    const log = (s: unknown): void => void out.push(s as string);
    q.push(5, log, 'b');
    q.push(3, log, 'a');
    q.push(5, log, 'c');
    q.push(9, log, 'e');
    q.push(5, log, 'd');
    drain(q);
    expect(out).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('modify() moves a pending event exactly where a cancel and a new push would — property', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: -1, max: 40 }), fc.integer({ min: 0, max: 20 })), { maxLength: 200 }),
        (ops) => {
          // the same script on two queues: one moves events with modify(), the other cancels and pushes anew
          const a = new EventQueue();
          const b = new EventQueue();
          const outA: number[] = [];
          const outB: number[] = [];
          const ha: ReturnType<EventQueue['push']>[] = [];
          const hb: ReturnType<EventQueue['push']>[] = [];
          ops.forEach(([time, which, to], i) => {
            ha.push(a.push(time, (x) => outA.push(x as number), i));
            hb.push(b.push(time, (x) => outB.push(x as number), i));
            if (which < 0 || which >= ha.length) return;
            const moved = a.modify(ha[which] as ReturnType<EventQueue['push']>, to);
            const old = hb[which] as ReturnType<EventQueue['push']>;
            expect(moved).toBe(b.cancel(old));
            if (moved) hb[which] = b.push(to, (x) => outB.push(x as number), which);
            if (i % 7 === 0) {
              const ea = a.pop();
              ea?.fn(ea.arg);
              const eb = b.pop();
              eb?.fn(eb.arg);
            }
          });
          drain(a);
          drain(b);
          expect(outA).toEqual(outB);
        },
      ),
    );
  });

  it('modify() of an event that fired or was cancelled changes nothing', () => {
    const q = new EventQueue();
    const out: string[] = [];
    const h = q.push(5, (s) => out.push(s as string), 'a');
    q.cancel(h);
    expect(q.modify(h, 1)).toBe(false);
    expect(q.size).toBe(0);
    const g = q.push(2, (s) => out.push(s as string), 'b');
    drain(q);
    expect(q.modify(g, 9)).toBe(false);
    expect(out).toEqual(['b']);
  });

  it('pops any push sequence sorted by (time, seq) — property', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }), (times) => {
        const q = new EventQueue();
        const out: number[] = [];
        times.forEach((t, i) => q.push(t, (x) => out.push(x as number), i));
        drain(q);
        const expected = times.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[1]);
        expect(out).toEqual(expected);
      }),
    );
  });

  it('cancel: a cancelled event never runs; cancelling twice or after firing returns false', () => {
    const q = new EventQueue();
    const out: string[] = [];
    q.push(1, () => out.push('a'));
    const x = q.push(1, () => out.push('x'));
    const y = q.push(2, () => out.push('y'));
    expect(q.size).toBe(3);
    expect(q.cancel(x)).toBe(true);
    expect(x.pending).toBe(false);
    expect(q.cancel(x)).toBe(false);
    expect(q.size).toBe(2);
    expect(q.peekTime()).toBe(1);
    drain(q);
    expect(out).toEqual(['a', 'y']);
    expect(y.pending).toBe(false);
    expect(q.cancel(y)).toBe(false);
    expect(q.size).toBe(0);
    expect(q.peekTime()).toBeUndefined();
  });

  it('a cancelled head is skipped by peekTime and pop', () => {
    const q = new EventQueue();
    const h = q.push(1, () => {});
    q.push(7, () => {});
    q.cancel(h);
    expect(q.peekTime()).toBe(7);
    expect(q.pop()?.time).toBe(7);
    expect(q.pop()).toBeUndefined();
  });

  it('mass cancellation keeps the order of the survivors — property', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { minLength: 2000, maxLength: 4000 }), (items) => {
        const q = new EventQueue();
        const out: number[] = [];
        const hs = items.map(([t], i) => q.push(t, (v) => out.push(v as number), i));
        items.forEach(([, cancel], i) => {
          if (cancel) q.cancel(hs[i]!);
        });
        const kept = items.map(([t, c], i) => ({ t, c, i })).filter((x) => !x.c);
        expect(q.size).toBe(kept.length);
        drain(q);
        expect(out).toEqual(kept.sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.i));
      }),
      { numRuns: 20 },
    );
  });
  it('interleaved push, pop and cancel match a sorted reference, and size counts pending events — property', () => {
    type Op = { k: 'push'; t: number } | { k: 'pop' } | { k: 'cancel'; i: number };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ k: fc.constant('push' as const), t: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ k: fc.constant('pop' as const) }),
      fc.record({ k: fc.constant('cancel' as const), i: fc.nat(200) }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400 }), (ops) => {
        const q = new EventQueue();
        const handles: ReturnType<EventQueue['push']>[] = [];
        let ref: { t: number; id: number }[] = [];
        let floor = 0; // times never go backwards, as in the engine
        for (const op of ops) {
          if (op.k === 'push') {
            const id = handles.length;
            handles.push(q.push(floor + op.t, () => {}, id));
            ref.push({ t: floor + op.t, id });
          } else if (op.k === 'pop') {
            ref.sort((a, b) => a.t - b.t || a.id - b.id);
            const want = ref.shift();
            const got = q.pop();
            expect(got?.arg).toBe(want?.id);
            if (got !== undefined) floor = got.time;
          } else {
            const h = handles[op.i % Math.max(1, handles.length)];
            if (h === undefined) continue;
            const was = ref.some((x) => x.id === op.i % handles.length);
            expect(q.cancel(h)).toBe(was);
            ref = ref.filter((x) => x.id !== op.i % handles.length);
          }
          expect(q.size).toBe(ref.length);
          expect(q.peekTime()).toBe(ref.length === 0 ? undefined : Math.min(...ref.map((x) => x.t)));
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('EventQueue: events of no CPU', () => {
  it('peekNoCpuTime / popNoCpu find the first event of no CPU behind CPUs’ events, through push, modify, cancel and pop — property', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 30 }), fc.boolean()), { maxLength: 200 }),
        (ops) => {
          const q = new EventQueue();
          const cpu = { clock: 0 };
          const live: { h: ReturnType<EventQueue['push']>; noCpu: boolean; id: number }[] = [];
          const order = (x: { h: { time: number; seq: number } }, y: { h: { time: number; seq: number } }): number => x.h.time - y.h.time || x.h.seq - y.h.seq;
          ops.forEach(([op, time, noCpu], id) => {
            if (op === 0 || live.length === 0) live.push({ h: q.push(time, () => {}, id, noCpu ? null : cpu), noCpu, id });
            else if (op === 1) {
              const i = time % live.length;
              const e = live[i] as (typeof live)[number];
              q.modify(e.h, time);
            } else if (op === 2) {
              const i = time % live.length;
              q.cancel((live[i] as (typeof live)[number]).h);
              live.splice(i, 1);
            } else {
              const popped = (noCpu ? q.popNoCpu() : q.pop())?.arg;
              const from = noCpu ? live.filter((e) => e.noCpu) : live;
              const want = [...from].sort(order)[0];
              expect(popped).toBe(want?.id);
              if (want !== undefined) live.splice(live.indexOf(want), 1);
            }
            const first = live.filter((e) => e.noCpu).sort(order)[0];
            expect(q.peekNoCpuTime()).toBe(first?.h.time);
            expect(q.size).toBe(live.length);
          });
          // what is left pops in (time, seq) order
          const rest: unknown[] = [];
          for (let e = q.pop(); e !== undefined; e = q.pop()) rest.push(e.arg);
          expect(rest).toEqual([...live].sort(order).map((e) => e.id));
          expect(q.peekNoCpuTime()).toBeUndefined();
        },
      ),
    );
  });
});

describe('Simulator events', () => {
  it('same-time events scheduled from callbacks run after the ones already queued', () => {
    const sim = new Simulator();
    const out: number[] = [];
    sim.at(10, () => {
      out.push(1);
      sim.at(10, () => out.push(3));
    });
    sim.at(10, () => out.push(2));
    sim.run();
    expect(out).toEqual([1, 2, 3]);
  });

  it('run({until}) stops at the limit; step, peek, cancel', () => {
    const sim = new Simulator();
    let ran = false;
    sim.at(100, () => {});
    const h = sim.at(120, () => (ran = true));
    sim.at(200, () => {});
    expect(sim.peek()).toBe(100);
    expect(sim.cancel(h)).toBe(true);
    expect(sim.run({ until: 150 })).toMatchObject({ reason: 'until', now: 150, events: 1 });
    expect(sim.step()).toBe(true);
    expect(sim.now).toBe(200);
    expect(sim.step()).toBe(false);
    expect(ran).toBe(false);
  });

  it('stop() ends run after the current event', () => {
    const sim = new Simulator();
    sim.at(1, () => sim.stop());
    sim.at(2, () => {});
    expect(sim.run()).toMatchObject({ reason: 'stopped', now: 1, events: 1 });
    expect(sim.run()).toMatchObject({ reason: 'idle', now: 2 });
  });

  it('rejects events in the past and negative delays', () => {
    const sim = new Simulator();
    sim.at(50, () => {});
    sim.run();
    expect(() => sim.at(10, () => {})).toThrow(RangeError);
    expect(() => sim.after(-1, () => {})).toThrow(RangeError);
    expect(() => sim.after(Number.NaN, () => {})).toThrow(RangeError);
  });

  it('time is integer ns: fractional event times, delays, sleeps and wait timeouts are RangeErrors', () => {
    const sim = new Simulator();
    expect(() => sim.at(10.5, () => {})).toThrow(/integer number of ns/);
    expect(() => sim.after(0.25, () => {})).toThrow(/integer number of ns/);
    expect(() => sim.at(2 ** 53, () => {})).toThrow(RangeError);
    const errs: unknown[] = [];
    sim.spawn('t', function* () {
      try {
        yield sleep(1.5);
      } catch (e) {
        errs.push(e);
      }
      try {
        yield wait(new WaitQueue('q'), { timeout: 0.5 });
      } catch (e) {
        errs.push(e);
      }
    });
    sim.run();
    expect(errs).toHaveLength(2);
    for (const e of errs) expect(e).toBeInstanceOf(RangeError);
  });
});
