import { describe, expect, it } from 'vitest';
import type { KGen, Request } from './context';
import { answer, type Call, type FrameFault, isCall, noTwin, pushCall, stepCall, stepTop, Suspended, withPlainForm } from './plain-first';
import { returned } from './returned';

/**
 * Step call `c` to its end as the engine does (its frames on a stack, a call
 * yielded pushes its frames, a frame's value or exception goes to the one
 * below), answering each request with `reply(req)`: the requests and the result.
 */
function drive(c: Call, reply: (req: unknown) => unknown): { reqs: unknown[]; value: unknown } {
  const reqs: unknown[] = [];
  const stack: KGen<unknown>[] = [];
  const fault: FrameFault = { frameThrew: false, frameError: undefined };
  let req: Request | Call | undefined = c;
  let value: unknown;
  for (;;) {
    while (typeof req === 'object' && isCall(req)) req = pushCall(stack, req);
    if (req !== undefined) {
      reqs.push(req);
      value = reply(req);
      if (value instanceof Error) [fault.frameThrew, fault.frameError] = [true, value];
    }
    const r = stepTop(stack, 0, value, fault);
    req = undefined;
    if (r === null) continue;
    if (r.done === true) {
      stack.pop();
      if (stack.length === 0) return { reqs, value: r.value };
      value = r.value;
      continue;
    }
    req = r.value;
  }
}

function* sleeper(n: number): KGen<string> {
  const a = (yield 100) as string;
  const b = (yield n) as string;
  return `${a}+${b}`;
}

describe('plain-first runtime', () => {
  it('stepCall: a call that does not yield is its value, with no Suspended', () => {
    function* quick(): KGen<number> {
      return 7;
    }
    expect(stepCall(quick())).toBe(7);
    expect(stepCall(returned(3))).toBe(3);
  });

  it('stepCall: a call that yields is a Suspended of its request and its frame, which takes every answer', () => {
    const s = stepCall(sleeper(5));
    expect(s).toBeInstanceOf(Suspended);
    expect((s as Suspended).value).toBe(100);
    const { reqs, value } = drive(s as Suspended, (req) => `answer to ${String(req)}`);
    expect(reqs).toEqual([100, 5]);
    expect(value).toBe('answer to 100+answer to 5');
  });

  it('a generator that yields a call gets what the call returned, as from yield*', () => {
    function* caller(): KGen<string> {
      const s = stepCall(sleeper(9));
      const v = s instanceof Suspended ? ((yield s as unknown as Request) as string) : s;
      const w = (yield sleeper(1) as unknown as Request) as string; // an iterator yielded is a call too
      return `got ${v}, ${w}`;
    }
    expect(drive(caller(), (req) => `a${String(req)}`)).toEqual({ reqs: [100, 9, 100, 1], value: 'got a100+a9, a100+a1' });
  });

  it('resumeIn: a frame not started takes its value from answer.v at its first step; frames run innermost first', () => {
    const log: string[] = [];
    function* outer(): KGen<string> {
      const v = answer.v as string; // what a resume generator reads at its place
      log.push(`outer got ${v}`);
      const w = (yield 7) as string;
      return `outer(${v}, ${w})`;
    }
    const s = stepCall(sleeper(2)) as Suspended;
    expect(s.resumeIn(outer())).toBe(s);
    expect(log).toEqual([]);
    expect(drive(s, (req) => `r${String(req)}`)).toEqual({ reqs: [100, 2, 7], value: 'outer(r100+r2, r7)' });
    expect(log).toEqual(['outer got r100+r2']);
  });

  it('resumeInTry starts its frame at once: an exception from the frame above is thrown at its place, inside its try', () => {
    function* thrower(): KGen<never> {
      yield 1;
      throw new Error('boom');
    }
    const log: string[] = [];
    function* catcher(): KGen<string> {
      log.push('skipped to its place');
      try {
        yield 0; // its place: where it stands once started
      } catch (e) {
        return `caught ${(e as Error).message}`;
      }
      return 'no';
    }
    const s = (stepCall(thrower()) as Suspended).resumeInTry(catcher());
    expect(log).toEqual(['skipped to its place']);
    expect(drive(s, () => undefined)).toEqual({ reqs: [1], value: 'caught boom' });
    // a frame not started is not entered by an exception: it goes on below it
    const t = (stepCall(thrower()) as Suspended).resumeIn(catcher());
    expect(() => drive(t, () => undefined)).toThrow('boom');
    expect(() => drive(stepCall(thrower()) as Suspended, () => undefined)).toThrow('boom');
  });

  it('isCall tells calls from requests', () => {
    expect(isCall(5)).toBe(false);
    expect(isCall({ op: 'cond_resched' })).toBe(false);
    expect(isCall(new Suspended(5))).toBe(true);
    expect(isCall(sleeper(1))).toBe(true);
  });

  it('noTwin: one stand-in per function, calling it with its this and stepping what it returns', () => {
    const o = {
      n: 4,
      *m(this: { n: number }, k: number): KGen<number> {
        yield this.n;
        return this.n * k;
      },
    };
    const w = noTwin(o.m as never);
    expect(noTwin(o.m as never)).toBe(w);
    const s = w.call(o, 3 as never);
    expect(s).toBeInstanceOf(Suspended);
    expect(drive(s as Suspended, () => undefined)).toEqual({ reqs: [4], value: 12 });
  });

  it('withPlainForm attaches the twin and hands back the function', () => {
    const f = (): number => 1;
    const twin = (): number => 2;
    expect(withPlainForm(f, twin)).toBe(f);
    expect((f as typeof f & { plainForm: unknown }).plainForm).toBe(twin);
  });
});
