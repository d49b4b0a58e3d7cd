import { describe, expect, it } from 'vitest';
import type { KGen } from './context';
import { runNoSleep } from './requests';
import { returned } from './returned';
import { Simulator } from './simulator';

// a kernel function that may sleep only in its last call: plain, handing back that call's generator or `returned`
function* slowPath(ns: number): KGen<number> {
  yield ns;
  return -11;
}
function mayReturnAtOnce(fast: boolean, value: number): KGen<number> {
  if (fast) return returned(value);
  return slowPath(500);
}

describe('returned()', () => {
  it('is a finished call: yield* gives its value without a step, the other branch runs its generator', () => {
    const sim = new Simulator({ costs: { contextSwitch: 0, idleExit: 0 } });
    const got: [number, number][] = [];
    sim.spawn('t', function* () {
      got.push([yield* mayReturnAtOnce(true, 7), sim.now]);
      got.push([yield* mayReturnAtOnce(false, 7), sim.now]);
      got.push([yield* mayReturnAtOnce(true, 0), sim.now]);
    });
    sim.run();
    expect(got).toEqual([
      [7, 0],
      [-11, 500],
      [0, 500],
    ]);
  });

  it('shares one object for the common results, and steps like a generator that returned', () => {
    expect(returned(0)).toBe(returned(0));
    expect(returned(undefined)).toBe(returned(undefined));
    const r = returned('queued');
    expect(r[Symbol.iterator]()).toBe(r);
    expect(r.next()).toEqual({ done: true, value: 'queued' });
    expect(r.next()).toEqual({ done: true, value: 'queued' });
    expect(r.return('x')).toEqual({ done: true, value: 'x' });
    expect(() => r.throw(new Error('boom'))).toThrow('boom');
  });

  it('runs under runNoSleep (plain code calling a function that may sleep elsewhere)', () => {
    const sim = new Simulator();
    let v = -1;
    sim.spawn('t', function* () {
      v = runNoSleep(mayReturnAtOnce(true, 42));
      yield 1;
    });
    sim.run();
    expect(v).toBe(42);
  });
});
