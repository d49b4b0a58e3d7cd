import { describe, expect, it } from 'vitest';
import type { KGen } from './context';
import { noTwin, stepCall, Suspended, withPlainForm } from './plain-first';
import { returned } from './returned';

/** Step `it` to its end as the engine would, answering each request with `answer(req)`; the requests and the result. */
function drive<R>(it: KGen<R>, answer: (req: unknown) => unknown): { reqs: unknown[]; value: R } {
  const reqs: unknown[] = [];
  let r = it.next();
  while (r.done !== true) {
    reqs.push(r.value);
    r = it.next(answer(r.value));
  }
  return { reqs, value: r.value };
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

  it('stepCall: a call that yields is a Suspended that yields the same requests and passes every answer on', () => {
    const s = stepCall(sleeper(5));
    expect(s).toBeInstanceOf(Suspended);
    const { reqs, value } = drive(s as Suspended, (req) => `answer to ${String(req)}`);
    expect(reqs).toEqual([100, 5]);
    expect(value).toBe('answer to 100+answer to 5');
  });

  it('a Suspended is delegated to as yield* would a generator', () => {
    function* caller(): KGen<string> {
      const s = stepCall(sleeper(9));
      const v = s instanceof Suspended ? ((yield* s) as string) : s;
      return `got ${v}`;
    }
    expect(drive(caller(), (req) => `a${String(req)}`)).toEqual({ reqs: [100, 9], value: 'got a100+a9' });
  });

  it('throw() reaches the continuation once the request is out', () => {
    function* catcher(): KGen<string> {
      try {
        yield 1;
      } catch (e) {
        return `caught ${String(e)}`;
      }
      return 'no';
    }
    const s = stepCall(catcher()) as Suspended;
    expect(s.next().value).toBe(1);
    expect(s.throw('boom')).toEqual({ value: 'caught boom', done: true });
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
