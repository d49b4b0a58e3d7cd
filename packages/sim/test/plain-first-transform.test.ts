/**
 * scripts/plain-first.mjs against the untransformed source: each snippet of
 * kernel code is loaded twice (as written, and with its plain-first twins),
 * runs the same scenario on the engine, and must log the same lines at the
 * same virtual times.
 */
import { transform } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transformPlainFirst } from '../../../scripts/plain-first.mjs';
import * as sim from '../src/index';

type Module = Record<string, unknown>;
type Scenario = (log: (s: string) => void) => void;

/** Suspended as the transformed module sees it: counts the twins' own suspensions (stepCall's instances still pass `instanceof`). */
function countingSim(): { mod: Module; count: () => number } {
  let n = 0;
  class CountingSuspended extends sim.Suspended {
    constructor(req: sim.Request) {
      super(req);
      n++;
    }

    static override [Symbol.hasInstance](x: unknown): boolean {
      return x instanceof sim.Suspended;
    }
  }
  return { mod: { ...sim, Suspended: CountingSuspended }, count: () => n };
}

/** `src` compiled to CommonJS and evaluated, '@dio/sim' being `simModule`. */
async function load(src: string, simModule: Module): Promise<Module> {
  const { code } = await transform(src, { loader: 'ts', format: 'cjs', target: 'es2022', sourcefile: 'snippet.ts' });
  const mod: { exports: Module } = { exports: {} };
  const req = (id: string): Module => {
    if (id === '@dio/sim') return simModule;
    throw new Error(`snippet requires ${id}`);
  };
  const run = new Function('require', 'module', 'exports', code) as (r: typeof req, m: typeof mod, e: Module) => void;
  run(req, mod, mod.exports);
  return mod.exports;
}

/** The log of the module's `scenario`, ending with what it threw, if it did (its message's first line). */
function runScenario(m: Module, name = 'scenario'): string[] {
  const lines: string[] = [];
  const scenario = m[name] as Scenario;
  try {
    scenario((s) => lines.push(s));
  } catch (e) {
    lines.push(`threw ${e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e)}`);
  }
  return lines;
}

interface Pair {
  plain: Module;
  twin: Module;
  out: string;
  log: string[];
  twinLog: string[];
  suspensions: number;
}

/** Both forms of `src`, their logs, and how many times twins suspended. */
async function both(src: string, name = 'scenario'): Promise<Pair> {
  const out = transformPlainFirst(src, 'snippet.ts', '@dio/sim');
  if (out === null) throw new Error('the transform left the snippet alone');
  const plain = await load(src, sim);
  const counting = countingSim();
  const twin = await load(out, counting.mod);
  const log = runScenario(plain, name);
  const twinLog = runScenario(twin, name);
  return { plain, twin, out, log, twinLog, suspensions: counting.count() };
}

/** The two logs are the same, and long enough to mean something. */
function expectSame(p: Pair, minLines: number): void {
  expect(p.twinLog).toEqual(p.log);
  expect(p.log.length).toBeGreaterThanOrEqual(minLines);
  expect(p.log.some((l) => l.startsWith('threw'))).toBe(false);
}

function hasTwin(m: Module, path: string): boolean {
  let o: unknown = m;
  for (const k of path.split('.')) o = (o as Record<string, unknown>)[k];
  return typeof (o as { plainForm?: unknown }).plainForm === 'function';
}

const HEAD = `import { charge, currentSim, Mutex, mutexLock, mutexUnlock, returned, runNoSleep, Simulator, sleep, type KGen, WaitQueue, wait, waitEvent } from '@dio/sim';
const now = (): number => currentSim().now;
`;

describe('plain-first transform: same requests, same order, same results', () => {
  it('1. straight-line generators nested three deep: charge, spend, a sleep in the middle, values returned up', async () => {
    const src = `${HEAD}
let shared = 0;
export function* c(n: number): KGen<number> {
  charge(50);
  yield 100;
  const before = n * 2 + shared;
  if (n % 2 === 1) yield sleep(1000 + n * 7);
  const after = before + 1;
  shared++;
  return before * 10 + after;
}
export function* b(n: number, log: (s: string) => void): KGen<number> {
  const x = n + 10;
  yield 30;
  const r = yield* c(n);
  const y = r + x;
  log(\`\${now()} b(\${n}) r=\${r} x=\${x} y=\${y}\`);
  return y * 2;
}
export function* a(n: number, log: (s: string) => void): KGen<number> {
  const pre = n * 3;
  const r = yield* b(n, log);
  const mid = r - pre;
  log(\`\${now()} a(\${n}) r=\${r} pre=\${pre}\`);
  const r2 = yield* b(n + 1, log);
  return r + r2 + mid;
}
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 7, cpus: 2, trace: false });
  for (let t = 0; t < 3; t++) {
    s.spawn(\`t\${t}\`, function* (): KGen<void> {
      for (let i = 0; i < 4; i++) {
        const v = yield* a(t * 10 + i, log);
        log(\`\${s.now} t\${t} got \${v}\`);
      }
    }, { cpusAllowed: [t % 2] });
  }
  s.run({ until: 1e9 });
  log(\`end \${s.now} shared=\${shared}\`);
}
`;
    const p = await both(src);
    expectSame(p, 40);
    for (const f of ['a', 'b', 'c']) expect(hasTwin(p.twin, f)).toBe(true);
    expect(p.suspensions).toBeGreaterThan(0);
  });

  it('2. loops: while and for (let i…) with a call that sleeps on some iterations, break, continue, a labelled continue, do…while, a sum carried across', async () => {
    const src = `${HEAD}
export function* maybeSleep(i: number): KGen<number> {
  yield 10;
  if (i % 3 === 0) yield sleep(500 + i);
  return i * i;
}
export function* loops(n: number, log: (s: string) => void): KGen<number> {
  let acc = 0;
  let i = 0;
  while (i < n) {
    i++;
    if (i === 2) continue;
    const v = yield* maybeSleep(i);
    acc += v;
    if (acc > 200) break;
  }
  log(\`\${now()} while n=\${n} i=\${i} acc=\${acc}\`);
  for (let j = 0; j < n; j++) {
    if (j % 4 === 1) continue;
    const w = yield* maybeSleep(j + 1);
    acc = acc * 2 + w;
    if (j === 7) break;
    log(\`\${now()} for j=\${j} acc=\${acc}\`);
  }
  outer: for (let p = 0; p < 3; p++) {
    let q = 0;
    while (q < 3) {
      q++;
      const z = yield* maybeSleep(p + q);
      acc = (acc + z) % 100003;
      if (z > 4) continue outer;
    }
    log(\`\${now()} outer p=\${p} q=\${q}\`);
  }
  let k = 0;
  do {
    const d = yield* maybeSleep(k + n);
    acc = (acc + d) % 100003;
    k++;
  } while (k < 3);
  return acc + i + k;
}
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 3, cpus: 2, trace: false });
  for (let t = 0; t < 3; t++) {
    s.spawn(\`t\${t}\`, function* (): KGen<void> {
      for (const n of [3, 6, 10]) {
        const r = yield* loops(n + t, log);
        log(\`\${s.now} t\${t} loops(\${n + t}) = \${r}\`);
      }
    }, { cpusAllowed: [t % 2] });
  }
  s.run({ until: 1e9 });
  log(\`end \${s.now}\`);
}
`;
    const p = await both(src);
    expectSame(p, 50);
    expect(hasTwin(p.twin, 'loops')).toBe(true);
    expect(hasTwin(p.twin, 'maybeSleep')).toBe(true);
    expect(p.suspensions).toBeGreaterThan(0);
  });

  it('3. conditional terms: x = c ? yield* a() : yield* b(), return c ? yield* a() : 0, (yield wait(wq)) as string, unbraced if/else (and a dangling else)', async () => {
    const src = `${HEAD}
export function* slow(x: number, log: (s: string) => void): KGen<number> {
  log(\`\${now()} slow(\${x})\`);
  yield sleep(300);
  return x + 1;
}
export function* fast(x: number, log: (s: string) => void): KGen<number> {
  log(\`\${now()} fast(\${x})\`);
  yield 20;
  return x * 3;
}
export function* pick(n: number, log: (s: string) => void): KGen<number> {
  return n % 2 === 1 ? yield* slow(n, log) : 0;
}
export function* terms(n: number, wq: WaitQueue, log: (s: string) => void): KGen<string> {
  let x = 0;
  x = n % 2 === 0 ? yield* slow(n, log) : yield* fast(n, log);
  const r = (yield wait(wq, { timeout: n % 2 === 0 ? 5000 : 150 })) as string;
  let y = 0;
  if (n % 3 === 0) yield* slow(x, log); else yield* fast(x, log);
  if (n > 1) if (n % 2 === 0) y = yield* slow(n, log); else y = yield* fast(n, log);
  if (n > 2) yield* slow(y, log);
  else if (n > 1) yield* fast(y, log);
  else y = yield* fast(100, log);
  const z = yield* pick(n, log);
  return \`x=\${x} r=\${r} y=\${y} z=\${z}\`;
}
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 5, cpus: 2, trace: false });
  const wq = new WaitQueue('wq');
  for (let t = 0; t < 2; t++) {
    s.spawn(\`t\${t}\`, function* (): KGen<void> {
      for (let n = t; n < 7; n += 2) {
        const r = yield* terms(n, wq, log);
        log(\`\${s.now} t\${t} terms(\${n}) \${r}\`);
      }
    }, { cpusAllowed: [t] });
  }
  s.spawn('waker', function* (): KGen<void> {
    for (let i = 0; i < 20; i++) {
      yield sleep(650);
      log(\`\${s.now} waker woke \${wq.wakeUpAll()}\`);
    }
  }, { cpusAllowed: [1] });
  s.run({ until: 1e9 });
  log(\`end \${s.now}\`);
}
`;
    const p = await both(src);
    expectSame(p, 50);
    for (const f of ['terms', 'pick', 'slow', 'fast']) expect(hasTwin(p.twin, f)).toBe(true);
    expect(p.log.some((l) => l.includes('r=timeout'))).toBe(true);
    expect(p.log.some((l) => l.includes('r=woken'))).toBe(true);
    expect(p.suspensions).toBeGreaterThan(0);
  });

  it('4. block-scoped locals of one name in several blocks, renamed apart, used after a sleep', async () => {
    const src = `${HEAD}
export function* sub(v: number): KGen<number> {
  yield sleep(40 + v);
  return v + 1;
}
export function* blocks(n: number): KGen<number> {
  let total = 0;
  if (n % 2 === 0) {
    const v = n * 2;
    yield sleep(100);
    total += v;
  } else {
    const v = n * 3;
    yield sleep(70);
    total += v * 10;
  }
  {
    let v = 5;
    const w = yield* sub(v);
    v += w;
    total += v * 100;
  }
  for (let i = 0; i < 2; i++) {
    const v = yield* sub(i + n);
    total += v * 1000;
  }
  return total;
}
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 11, cpus: 2, trace: false });
  for (let t = 0; t < 2; t++) {
    s.spawn(\`t\${t}\`, function* (): KGen<void> {
      for (let n = 0; n < 5; n++) {
        const r = yield* blocks(n + t);
        log(\`\${s.now} t\${t} blocks(\${n + t}) = \${r}\`);
      }
    }, { cpusAllowed: [t] });
  }
  s.run({ until: 1e9 });
  log(\`end \${s.now}\`);
}
`;
    const p = await both(src);
    expectSame(p, 10);
    expect(hasTwin(p.twin, 'blocks')).toBe(true);
    expect(p.out).toMatch(/\bv\$2\b/);
    expect(p.suspensions).toBeGreaterThan(0);
  });

  it('4b. a block-scoped local named like a module-level function that the same function calls outside that block', async () => {
    const src = `${HEAD}
export function* step(n: number): KGen<number> {
  yield sleep(50);
  return n + 1;
}
export function* shadow(n: number): KGen<number> {
  if (n > 100) {
    const step = n * 2;
    yield 10;
    return step;
  }
  return yield* step(n);
}
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 1, cpus: 1, trace: false });
  s.spawn('t', function* (): KGen<void> {
    for (const n of [1, 200, 3]) log(\`\${s.now} shadow(\${n}) = \${yield* shadow(n)}\`);
  });
  s.run({ until: 1e9 });
  log(\`end \${s.now}\`);
}
`;
    const p = await both(src);
    expectSame(p, 4);
  });

  it('4c. two for (let i…) loops in one function, each with a call that sleeps', async () => {
    const src = `${HEAD}
export function* sub(v: number): KGen<number> {
  yield sleep(v * 100);
  return v;
}
export function* twoLoops(n: number): KGen<number> {
  let total = n;
  for (let i = 0; i < 2; i++) {
    const r = yield* sub(i + 1);
    total += r;
  }
  for (let i = 0; i < 2; i++) {
    total = total * 10 + i;
    yield* sub(i + 1);
  }
  return total;
}
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 1, cpus: 1, trace: false });
  s.spawn('t', function* (): KGen<void> {
    for (let n = 0; n < 3; n++) {
      const r = yield* twoLoops(n);
      log(\`\${s.now} twoLoops(\${n}) = \${r}\`);
    }
  });
  s.run({ until: 1e9 });
  log(\`end \${s.now}\`);
}
`;
    const p = await both(src);
    expect(hasTwin(p.twin, 'twoLoops')).toBe(true);
    expectSame(p, 4);
  });

  it('5. try/catch (no finally) around a call that sleeps, then throws: the catch sees the error after the sleep', async () => {
    const src = `${HEAD}
export function* failing(n: number): KGen<number> {
  yield sleep(200 + n);
  if (n % 2 === 1) throw new Error(\`bad \${n} at \${now()}\`);
  return n;
}
export function* guarded(n: number): KGen<string> {
  let r = 'none';
  const before = n * 5;
  try {
    const v = yield* failing(n);
    r = \`ok \${v}\`;
  } catch (e) {
    r = \`caught \${(e as Error).message} in catch at \${now()}\`;
  }
  yield 50;
  return \`\${r} before=\${before}\`;
}
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 2, cpus: 2, trace: false });
  for (let t = 0; t < 2; t++) {
    s.spawn(\`t\${t}\`, function* (): KGen<void> {
      for (let n = t; n < 6; n++) log(\`\${s.now} t\${t} \${yield* guarded(n)}\`);
    }, { cpusAllowed: [t] });
  }
  s.run({ until: 1e9 });
  log(\`end \${s.now}\`);
}
`;
    const p = await both(src);
    expectSame(p, 10);
    expect(hasTwin(p.twin, 'guarded')).toBe(true);
    expect(p.log.some((l) => l.includes('caught bad'))).toBe(true);
    expect(p.suspensions).toBeGreaterThan(0);
  });

  it('5b. try/catch around `return yield* f()` where f sleeps, then throws', async () => {
    const src = `${HEAD}
export function* failing(n: number): KGen<number> {
  yield sleep(200);
  if (n % 2 === 1) throw new Error(\`bad \${n}\`);
  return n;
}
export function* guardedReturn(n: number): KGen<number> {
  try {
    return yield* failing(n);
  } catch {
    return -1;
  }
}
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 2, cpus: 1, trace: false });
  s.spawn('t', function* (): KGen<void> {
    for (let n = 0; n < 4; n++) log(\`\${s.now} guardedReturn(\${n}) = \${yield* guardedReturn(n)}\`);
  });
  s.run({ until: 1e9 });
  log(\`end \${s.now}\`);
}
`;
    const p = await both(src);
    expectSame(p, 5);
  });

  it('6. a class generator method and an object-literal generator method using this, suspended and resumed', async () => {
    const src = `${HEAD}
export class Dev {
  count = 0;
  constructor(readonly name: string, readonly lat: number) {}
  *io(n: number): KGen<number> {
    this.count++;
    yield 40;
    if (n % 2 === 0) yield sleep(this.lat * n);
    return this.count * 100 + n;
  }
  *twice(n: number): KGen<number> {
    const a = yield* this.io(n);
    const b = yield* this.io(n + 1);
    return a + b + this.lat;
  }
  static *create(name: string): KGen<Dev> {
    yield sleep(5);
    return new Dev(name, 30);
  }
}
export const ops = {
  base: 3,
  calls: 0,
  *run(d: Dev, n: number): KGen<number> {
    this.calls++;
    const v = yield* d.twice(n);
    yield sleep(this.base * 10);
    return v + this.base + this.calls;
  },
};
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 9, cpus: 2, trace: false });
  for (let t = 0; t < 2; t++) {
    s.spawn(\`t\${t}\`, function* (): KGen<void> {
      const d = yield* Dev.create(\`d\${t}\`);
      for (let n = 0; n < 4; n++) log(\`\${s.now} t\${t} run(\${n}) = \${yield* ops.run(d, n)} count=\${d.count}\`);
    }, { cpusAllowed: [t] });
  }
  s.run({ until: 1e9 });
  log(\`end \${s.now} calls=\${ops.calls}\`);
}
`;
    const p = await both(src);
    expectSame(p, 8);
    expect(hasTwin(p.twin, 'Dev.prototype.io')).toBe(true);
    expect(hasTwin(p.twin, 'Dev.prototype.twice')).toBe(true);
    expect(hasTwin(p.twin, 'Dev.create')).toBe(true);
    expect(hasTwin(p.twin, 'ops.run')).toBe(true);
    expect(p.suspensions).toBeGreaterThan(0);
  });

  it('6b. an object-literal generator method named like the module-level function it calls, run as a generator', async () => {
    // the caller is a generator not declared KGen (left as written): it runs the method's generator itself
    const src = `${HEAD}
export function* submit(n: number): KGen<number> {
  yield sleep(10);
  return n * 2;
}
export const ops = {
  *submit(n: number): KGen<number> {
    yield 5;
    const r = yield* submit(n);
    return r + 1;
  },
};
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 1, cpus: 1, trace: false });
  s.spawn('t', function* () {
    for (let n = 0; n < 3; n++) log(\`\${s.now} ops.submit(\${n}) = \${yield* ops.submit(n)}\`);
  });
  s.run({ until: 1e6 });
  log(\`end \${s.now}\`);
}
`;
    const p = await both(src);
    expect(hasTwin(p.twin, 'ops.submit')).toBe(true);
    expectSame(p, 4);
  });

  it('6c. a class with a static and an instance generator method of one name', async () => {
    const src = `${HEAD}
export class Q {
  *run(n: number): KGen<number> {
    yield sleep(10);
    return n + 1;
  }
  static *run(n: number): KGen<number> {
    yield sleep(20);
    return n + 2;
  }
}
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 1, cpus: 1, trace: false });
  s.spawn('t', function* (): KGen<void> {
    const a = yield* new Q().run(1);
    const b = yield* Q.run(1);
    log(\`\${s.now} a=\${a} b=\${b}\`);
  });
  s.run({ until: 1e9 });
  log(\`end \${s.now}\`);
}
`;
    const p = await both(src);
    expectSame(p, 2);
  });

  it('7. a plain function returning KGen (cond ? g() : returned(0)) and an arrow (a): KGen<number> => g(a), via yield*', async () => {
    const src = `${HEAD}
export function* g(n: number): KGen<number> {
  yield 15;
  if (n % 3 !== 0) yield sleep(n);
  return n + 1;
}
export function maybe(n: number): KGen<number> {
  if (n < 0) return returned(-1);
  return n % 2 === 0 ? g(n * 10) : returned(0);
}
export const viaArrow = (a: number): KGen<number> => g(a + 7);
export function* user(n: number): KGen<number> {
  const x = yield* maybe(n);
  const y = yield* viaArrow(n);
  const z = yield* maybe(-n - 1);
  return x * 1000 + y * 10 + z;
}
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 4, cpus: 2, trace: false });
  for (let t = 0; t < 2; t++) {
    s.spawn(\`t\${t}\`, function* (): KGen<void> {
      for (let n = t; n < 8; n++) log(\`\${s.now} t\${t} user(\${n}) = \${yield* user(n)}\`);
    }, { cpusAllowed: [t] });
  }
  s.run({ until: 1e9 });
  log(\`end \${s.now}\`);
}
`;
    const p = await both(src);
    expectSame(p, 15);
    for (const f of ['g', 'maybe', 'viaArrow', 'user']) expect(hasTwin(p.twin, f)).toBe(true);
    expect(hasTwin(p.plain, 'maybe')).toBe(false);
    expect(p.suspensions).toBeGreaterThan(0);
  });

  it('7b. a plain function returning KGen that calls a generator inside try/catch: the generator\'s throw is not the function\'s to catch', async () => {
    const src = `${HEAD}
export function* check(n: number): KGen<number> {
  if (n > 1) throw new Error(\`too big \${n}\`);
  yield sleep(10);
  return n;
}
export function guardedCall(n: number): KGen<number> {
  try {
    return check(n);
  } catch {
    return returned(-1);
  }
}
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 1, cpus: 1, trace: false });
  s.spawn('t', function* (): KGen<void> {
    for (let n = 0; n < 4; n++) {
      try {
        const r = yield* guardedCall(n);
        log(\`\${s.now} guardedCall(\${n}) = \${r}\`);
      } catch (e) {
        log(\`\${s.now} guardedCall(\${n}) threw \${(e as Error).message}\`);
      }
    }
  });
  s.run({ until: 1e9 });
  log(\`end \${s.now}\`);
}
`;
    const p = await both(src);
    // a return inside a try keeps only the plain function: its twin would run the callee's body inside that try
    expect(hasTwin(p.twin, 'guardedCall')).toBe(false);
    expectSame(p, 5);
  });

  it('8. a mutex contended by tasks on two CPUs, and a WaitQueue wake-up from another task: who holds the lock when', async () => {
    const src = `${HEAD}
const m = new Mutex('m');
const wq = new WaitQueue('ready');
let ready = 0;
export function* critical(who: string, n: number, log: (s: string) => void): KGen<number> {
  yield mutexLock(m);
  log(\`\${now()} \${who} holds m (n=\${n})\`);
  yield 200;
  yield sleep(n % 2 === 1 ? 3000 : 1000);
  const held = now();
  mutexUnlock(m);
  log(\`\${now()} \${who} released m\`);
  return held;
}
export function* waitReady(who: string, want: number, log: (s: string) => void): KGen<string> {
  while (ready < want) {
    const why = (yield wait(wq)) as string;
    log(\`\${now()} \${who} \${why} ready=\${ready}\`);
  }
  return 'ready';
}
export function* worker(who: string, log: (s: string) => void): KGen<number> {
  let sum = 0;
  for (let n = 0; n < 5; n++) {
    const t = yield* critical(who, n, log);
    sum += t % 1000;
    yield 150;
  }
  const r = yield* waitReady(who, 2, log);
  yield* waitEvent(wq, () => ready >= 3);
  log(\`\${now()} \${who} \${r}, saw ready=\${ready}\`);
  return sum;
}
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 6, cpus: 2, trace: false });
  for (let t = 0; t < 2; t++) {
    s.spawn(\`w\${t}\`, function* (): KGen<void> {
      const sum = yield* worker(\`w\${t}\`, log);
      log(\`\${s.now} w\${t} sum=\${sum}\`);
    }, { cpusAllowed: [t] });
  }
  s.spawn('waker', function* (): KGen<void> {
    for (let i = 0; i < 3; i++) {
      yield sleep(40000);
      ready++;
      log(\`\${s.now} waker ready=\${ready} woke \${wq.wakeUpAll()}\`);
    }
  }, { cpusAllowed: [1] });
  s.run({ until: 1e9 });
  log(\`end \${s.now}\`);
}
`;
    const p = await both(src);
    expectSame(p, 25);
    for (const f of ['critical', 'waitReady', 'worker']) expect(hasTwin(p.twin, f)).toBe(true);
    // the lock is really contended: a holder right after the other's release on the other CPU
    expect(p.log.filter((l) => l.includes('holds m')).length).toBe(10);
    expect(p.log.some((l) => l.includes('woken'))).toBe(true);
    expect(p.suspensions).toBeGreaterThan(0);
  });

  it('9. runNoSleep(g(args)) from plain code: same result where g only charges and spends; the same InvalidContextError where g would sleep', async () => {
    const src = `${HEAD}
export function* cheap(n: number): KGen<number> {
  charge(30);
  yield 100;
  yield 50;
  return n * 2;
}
export function* sleepy(n: number): KGen<number> {
  yield 10;
  yield sleep(100);
  return n;
}
export function plainUser(n: number): number {
  return runNoSleep(cheap(n)) + 1;
}
export function plainBad(n: number): number {
  return runNoSleep(sleepy(n));
}
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 8, cpus: 1, trace: false });
  s.spawn('t', function* (): KGen<void> {
    for (let n = 0; n < 3; n++) {
      log(\`\${s.now} plainUser(\${n}) = \${plainUser(n)}\`);
      yield 10;
      try {
        log(\`\${s.now} plainBad(\${n}) = \${plainBad(n)}\`);
      } catch (e) {
        log(\`\${s.now} plainBad(\${n}) threw \${(e as Error).name}: \${(e as Error).message.split('\\n')[0]}\`);
      }
    }
  });
  s.run({ until: 1e9 });
  log(\`end \${s.now}\`);
}
`;
    const p = await both(src);
    expectSame(p, 7);
    expect(p.out).toContain('runNoSleep(__dioT)');
    expect(p.log.filter((l) => l.includes('threw InvalidContextError')).length).toBe(3);
  });

  it('10b. a switch resumed at its case: fall-through, default, break inside a loop, requests before and inside it', async () => {
    const src = `${HEAD}
const A = 1;
export function* nap(n: number): KGen<number> {
  yield 3;
  if (n % 2 === 1) yield sleep(40 + n);
  return n;
}
export function* dispatch(n: number, log: (s: string) => void): KGen<number> {
  let acc = yield* nap(n);
  for (let round = 0; round < 3; round++) {
    switch ((n + round) % 4) {
      case 0:
        acc += 1;
      // falls through
      case A: {
        const got = yield* nap(acc + round);
        acc = acc * 3 + got;
        break;
      }
      case -2:
        const back = yield* nap(round + 1);
        acc -= back;
        log(\`\${now()} case -2 (unreachable) acc=\${acc}\`);
        break;
      default:
        yield sleep(25);
        acc = (acc * 7) % 1009;
    }
    log(\`\${now()} n=\${n} round=\${round} acc=\${acc}\`);
  }
  return acc;
}
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 4, cpus: 2, trace: false });
  for (let t = 0; t < 2; t++) {
    s.spawn(\`t\${t}\`, function* (): KGen<void> {
      for (let n = t; n < 8; n += 2) log(\`\${s.now} t\${t} dispatch(\${n}) = \${yield* dispatch(n, log)}\`);
    });
  }
  s.run({ until: 1e9 });
  log(\`end \${s.now}\`);
}
`;
    const p = await both(src);
    expect(hasTwin(p.twin, 'dispatch')).toBe(true);
    expect(p.suspensions).toBeGreaterThan(10);
    expectSame(p, 30);
  });

  it('10. a switch with requests in its cases; unsupported forms (x += yield* g(), for…of, try…finally) keep only their generator, and twins calling them give the same log', async () => {
    const src = `${HEAD}
export function* sub(n: number): KGen<number> {
  yield 7;
  if (n % 2 === 0) yield sleep(n + 20);
  return n;
}
export function* withSwitch(n: number): KGen<number> {
  switch (n % 3) {
    case 0:
      return yield* sub(100 + n);
    case 1: {
      const v = yield* sub(50 + n);
      return v + 1;
    }
    default:
      return 7;
  }
}
export function* compound(n: number): KGen<number> {
  let x = 1;
  x += yield* sub(n);
  x += yield* sub(2 * n);
  return x;
}
export function* forOf(ns: number[]): KGen<number> {
  let s = 0;
  for (const n of ns) s = s * 3 + (yield* sub(n));
  return s;
}
export function* withFinally(n: number, log: (s: string) => void): KGen<number> {
  try {
    return yield* sub(n);
  } finally {
    log(\`\${now()} finally \${n}\`);
  }
}
export function* caller(n: number, log: (s: string) => void): KGen<number> {
  const a = yield* withSwitch(n);
  const b = yield* compound(n);
  const c = yield* forOf([n, n + 1, n + 2]);
  const d = yield* withFinally(n, log);
  log(\`\${now()} caller(\${n}) a=\${a} b=\${b} c=\${c} d=\${d}\`);
  return a + b + c + d;
}
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 10, cpus: 2, trace: false });
  for (let t = 0; t < 2; t++) {
    s.spawn(\`t\${t}\`, function* (): KGen<void> {
      for (let n = t; n < 6; n++) log(\`\${s.now} t\${t} \${yield* caller(n, log)}\`);
    }, { cpusAllowed: [t] });
  }
  s.run({ until: 1e9 });
  log(\`end \${s.now}\`);
}
`;
    const p = await both(src);
    expectSame(p, 20);
    // a switch is resumed at its case (see the switch test); the others keep only their generator
    expect(hasTwin(p.twin, 'withSwitch')).toBe(true);
    for (const f of ['compound', 'forOf', 'withFinally']) expect(hasTwin(p.twin, f)).toBe(false);
    expect(hasTwin(p.twin, 'caller')).toBe(true);
    expect(hasTwin(p.twin, 'sub')).toBe(true);
    expect(p.out).toContain('__dioNoTwin(withSwitch)');
    expect(p.suspensions).toBeGreaterThan(0);
  });
});

// ---- 11: random programs ----------------------------------------------------

type St =
  | { k: 'spend'; n: number }
  | { k: 'sleep'; n: number }
  | { k: 'call'; f: number; c: number }
  | { k: 'callDecl'; f: number; c: number }
  | { k: 'choose'; f: number; g: number; c: number }
  | { k: 'acc'; c: number }
  | { k: 'compound'; f: number; c: number }
  | { k: 'log' }
  | { k: 'if'; c: number; a: St[]; b: St[] }
  | { k: 'for'; n: number; body: St[]; brk: number }
  | { k: 'while'; n: number; body: St[]; cont: number };

const leaf: fc.Arbitrary<St> = fc.oneof(
  fc.record({ k: fc.constant('spend' as const), n: fc.integer({ min: 1, max: 500 }) }),
  fc.record({ k: fc.constant('sleep' as const), n: fc.integer({ min: 1, max: 2000 }) }),
  fc.record({ k: fc.constant('call' as const), f: fc.nat(7), c: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ k: fc.constant('callDecl' as const), f: fc.nat(7), c: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ k: fc.constant('choose' as const), f: fc.nat(7), g: fc.nat(7), c: fc.integer({ min: 2, max: 4 }) }),
  fc.record({ k: fc.constant('acc' as const), c: fc.integer({ min: 1, max: 9 }) }),
  fc.constant({ k: 'log' as const }),
  fc.record({ k: fc.constant('compound' as const), f: fc.nat(7), c: fc.integer({ min: 0, max: 3 }) }),
);

const stmt: fc.Memo<St> = fc.memo((d) =>
  d <= 1
    ? leaf
    : fc.oneof(
        { weight: 4, arbitrary: leaf },
        { weight: 1, arbitrary: fc.record({ k: fc.constant('if' as const), c: fc.integer({ min: 2, max: 5 }), a: fc.array(stmt(d - 1), { maxLength: 3 }), b: fc.array(stmt(d - 1), { maxLength: 3 }) }) },
        { weight: 1, arbitrary: fc.record({ k: fc.constant('for' as const), n: fc.integer({ min: 0, max: 3 }), body: fc.array(stmt(d - 1), { maxLength: 3 }), brk: fc.integer({ min: 2, max: 7 }) }) },
        { weight: 1, arbitrary: fc.record({ k: fc.constant('while' as const), n: fc.integer({ min: 0, max: 3 }), body: fc.array(stmt(d - 1), { maxLength: 3 }), cont: fc.integer({ min: 2, max: 7 }) }) },
      ),
);

interface Program {
  fns: St[][];
  tasks: number;
  seed: number;
}

/** A program: up to four functions, each calling only the ones after it (no recursion). */
const program: fc.Arbitrary<Program> = fc.record({
  fns: fc.array(fc.array(stmt(3), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
  tasks: fc.integer({ min: 1, max: 3 }),
  seed: fc.nat(1000),
});

/** The TypeScript source of a program: fN(v) generators over locals acc and v, and a scenario running f0 in a few tasks on two CPUs. */
function render(p: Program): string {
  let uid = 0;
  const fns = p.fns.map((body, self) => {
    const later = p.fns.length - self - 1;
    const callee = (f: number): string | null => (later === 0 ? null : `f${self + 1 + (f % later)}`);
    const st = (s: St, loopVar: string | null): string => {
      switch (s.k) {
        case 'spend':
          return `yield ${s.n};`;
        case 'sleep':
          return `yield sleep(${s.n});`;
        case 'call': {
          const g = callee(s.f);
          return g === null ? `yield ${Math.abs(s.c) + 1};` : `v = yield* ${g}(v + ${s.c});`;
        }
        case 'callDecl': {
          const g = callee(s.f);
          const t = `t${uid++}`;
          return g === null ? `acc = acc + ${s.c};` : `const ${t} = yield* ${g}(acc % 7 + ${s.c}); acc = (acc * 5 + ${t}) % 1000003;`;
        }
        case 'choose': {
          const a = callee(s.f);
          const b = callee(s.g);
          return a === null || b === null ? `yield sleep(${s.c * 10});` : `v = (acc + v) % ${s.c} === 0 ? yield* ${a}(v) : yield* ${b}(acc % 11);`;
        }
        case 'compound': {
          // x += yield* g(): a form without a twin, so callers' twins step this function's generator
          const g = callee(s.f);
          return g === null ? `yield sleep(${s.c + 1});` : `acc += yield* ${g}(${s.c});`;
        }
        case 'acc':
          return `acc = (acc * ${s.c} + v + shared) % 1000003; shared = (shared + acc) % 97;`;
        case 'log':
          return `log(\`\${now()} f${self} acc=\${acc} v=\${v}${loopVar === null ? '' : ` ${loopVar}=\${${loopVar}}`}\`);`;
        case 'if':
          return `if ((acc + v) % ${s.c} === 0) { ${s.a.map((x) => st(x, loopVar)).join(' ')} } else { ${s.b.map((x) => st(x, loopVar)).join(' ')} }`;
        case 'for': {
          const i = `i${uid++}`;
          return `for (let ${i} = 0; ${i} < ${s.n}; ${i}++) { ${s.body.map((x) => st(x, i)).join(' ')} if ((acc + ${i}) % ${s.brk} === 0) break; }`;
        }
        case 'while': {
          const w = `w${uid++}`;
          return `let ${w} = 0; while (${w} < ${s.n}) { ${w}++; if ((acc + ${w}) % ${s.cont} === 1) continue; ${s.body.map((x) => st(x, w)).join(' ')} }`;
        }
      }
    };
    return `export function* f${self}(v: number): KGen<number> {\n  let acc = v;\n  ${body.map((s) => st(s, null)).join('\n  ')}\n  return (acc + v) % 1000003;\n}`;
  });
  return `${HEAD}
let log: (s: string) => void = () => {};
let shared = 0;
${fns.join('\n')}
export function scenario(l: (s: string) => void): void {
  log = l;
  shared = 0;
  const s = new Simulator({ seed: ${p.seed}, cpus: 2, trace: false });
  for (let t = 0; t < ${p.tasks}; t++) {
    s.spawn(\`t\${t}\`, function* (): KGen<void> {
      for (let n = 0; n < 2; n++) log(\`\${s.now} t\${t} f0 = \${yield* f0(t * 3 + n)}\`);
    }, { cpusAllowed: [t % 2] });
  }
  s.run({ until: 1e10 });
  log(\`end \${s.now} shared=\${shared}\`);
}
`;
}

describe('plain-first transform: random programs', () => {
  it('12. calls as frames: an exception passes a frame not started (its code after the call never runs) to a catch two frames down; task_work injected by IPI runs above a call\'s frames', async () => {
    const src = `${HEAD}
export function* inner(n: number): KGen<number> {
  yield sleep(300 + n);
  if (n % 3 === 1) throw new Error(\`bad \${n}\`);
  yield 40;
  return n * 2;
}
export function* mid(n: number, log: (s: string) => void): KGen<number> {
  const v = yield* inner(n);
  log(\`\${now()} mid(\${n}) after inner: \${v}\`);
  return v + 1;
}
export function* outer(n: number, log: (s: string) => void): KGen<string> {
  try {
    return \`ok \${yield* mid(n, log)}\`;
  } catch (e) {
    return \`caught \${(e as Error).message} at \${now()}\`;
  }
}
export function* userSpin(n: number): KGen<number> {
  yield 20_000 + n; // a user-mode spend an IPI lands in: the task_work runs above this call's frames
  return n;
}
export function* looped(log: (s: string) => void): KGen<number> {
  let sum = 0;
  for (let i = 0; i < 3; i++) sum += yield* userSpin(i);
  log(\`\${now()} looped sum=\${sum}\`);
  return sum;
}
export function scenario(log: (s: string) => void): void {
  const s = new Simulator({ seed: 3, cpus: 2, trace: false });
  const app = s.spawn('app', function* (): KGen<void> {
    for (let n = 0; n < 5; n++) log(\`\${s.now} outer(\${n}) = \${yield* outer(n, log)}\`);
    log(\`\${s.now} looped = \${yield* looped(log)}\`);
  }, { cpusAllowed: [1] });
  s.spawn('waker', function* (): KGen<void> {
    for (const at of [3_000, 9_000, 15_000]) {
      yield sleep(at - s.now);
      s.taskWorkAdd(app, { name: 'tw', fn: function* (): KGen<void> { log(\`\${s.now} task_work runs\`); yield 100; } }, 'TWA_SIGNAL');
    }
  }, { cpusAllowed: [0] });
  s.run({ until: 1e9 });
  log(\`end \${s.now}\`);
}
`;
    const p = await both(src);
    expectSame(p, 10);
    expect(p.log.filter((l) => l.includes('caught bad'))).toHaveLength(2);
    expect(p.log.some((l) => l.includes('mid(1) after inner'))).toBe(false);
    expect(p.log.filter((l) => l.includes('task_work runs')).length).toBeGreaterThanOrEqual(2);
    expect(p.suspensions).toBeGreaterThan(0);
  });

  it('11. random straight-line/loop programs log the same with and without the twins', async () => {
    let suspended = 0;
    let twins = 0;
    let without = 0;
    await fc.assert(
      fc.asyncProperty(program, async (p) => {
        const src = render(p);
        const r = await both(src);
        expect(r.twinLog, src).toEqual(r.log);
        expect(r.log.some((l) => l.startsWith('threw')), src).toBe(false);
        suspended += r.suspensions;
        for (let i = 0; i < p.fns.length; i++) {
          if (hasTwin(r.twin, `f${i}`)) twins++;
          else without++;
        }
      }),
      { seed: 20240611, numRuns: 100, endOnFailure: true },
    );
    expect(twins).toBeGreaterThan(100);
    expect(without).toBeGreaterThan(10);
    expect(suspended).toBeGreaterThan(100);
  }, 30_000);
});
