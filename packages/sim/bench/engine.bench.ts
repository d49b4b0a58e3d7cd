/**
 * Engine throughput: events per wall-second for a representative workload
 * (tasks spending and sleeping, interrupts, wake-ups), and — measured in the
 * same run — a bare binary-heap event loop doing the same schedule/pop work.
 * Prints figures and the ratio; asserts nothing (machines are noisy).
 *
 * Run: pnpm --filter @dio/sim bench
 */
import { EventQueue, Simulator, sleep, WaitQueue, waitEvent } from '../src/index';

/** A minimal (time, seq) binary heap: the floor any event loop pays. */
class BareHeap {
  private t: number[] = [];
  private s: number[] = [];
  private f: (() => void)[] = [];
  private seq = 0;
  get size(): number {
    return this.t.length;
  }
  push(time: number, fn: () => void): void {
    let i = this.t.length;
    const seq = this.seq++;
    this.t.push(time);
    this.s.push(seq);
    this.f.push(fn);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((this.t[p] as number) < time || ((this.t[p] as number) === time && (this.s[p] as number) < seq)) break;
      this.t[i] = this.t[p] as number;
      this.s[i] = this.s[p] as number;
      this.f[i] = this.f[p] as () => void;
      i = p;
    }
    this.t[i] = time;
    this.s[i] = seq;
    this.f[i] = fn;
  }
  pop(): [number, () => void] | undefined {
    const n = this.t.length;
    if (n === 0) return undefined;
    const top: [number, () => void] = [this.t[0] as number, this.f[0] as () => void];
    const lt = this.t.pop() as number;
    const ls = this.s.pop() as number;
    const lf = this.f.pop() as () => void;
    if (n > 1) {
      let i = 0;
      const m = n - 1;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= m) break;
        let c = l;
        if (l + 1 < m && ((this.t[l + 1] as number) < (this.t[l] as number) || ((this.t[l + 1] as number) === (this.t[l] as number) && (this.s[l + 1] as number) < (this.s[l] as number)))) c = l + 1;
        if (lt < (this.t[c] as number) || (lt === (this.t[c] as number) && ls < (this.s[c] as number))) break;
        this.t[i] = this.t[c] as number;
        this.s[i] = this.s[c] as number;
        this.f[i] = this.f[c] as () => void;
        i = c;
      }
      this.t[i] = lt;
      this.s[i] = ls;
      this.f[i] = lf;
    }
    return top;
  }
}

/** The same pattern of schedule/pop work: N self-rescheduling timers with pseudo-random delays. */
function scheduleWork(push: (t: number, fn: () => void) => void, now: () => number, timers: number, events: number): void {
  let fired = 0;
  let x = 12345;
  const tick = (): void => {
    if (++fired >= events) return;
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    push(now() + 1 + (x % 10_000), tick);
  };
  for (let i = 0; i < timers; i++) push(i, tick);
}

function bare(events: number): number {
  const h = new BareHeap();
  let now = 0;
  scheduleWork((t, fn) => h.push(t, fn), () => now, 64, events);
  const t0 = performance.now();
  let n = 0;
  for (let e = h.pop(); e !== undefined; e = h.pop()) {
    now = e[0];
    e[1]();
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

/** The engine's EventQueue alone, driven exactly like the bare heap. */
function eventQueue(events: number): number {
  const q = new EventQueue();
  let now = 0;
  scheduleWork((t, fn) => q.push(t, fn), () => now, 64, events);
  const t0 = performance.now();
  let n = 0;
  for (let e = q.pop(); e !== undefined; e = q.pop()) {
    now = e.time;
    (e.fn as () => void)();
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

/** The same work through the Simulator's public API: `sim.at` + `sim.run`. */
function engineQueue(events: number): number {
  const sim = new Simulator();
  scheduleWork((t, fn) => sim.at(t, fn), () => sim.now, 64, events);
  const t0 = performance.now();
  const r = sim.run();
  return r.events / ((performance.now() - t0) / 1000);
}

function engineWorkload(simNs: number): { eps: number; events: number } {
  const sim = new Simulator({ seed: 1, cpus: 4 });
  const rng = sim.rng.fork('bench');
  const wq = new WaitQueue('done');
  let pending = 0;
  for (let i = 0; i < 8; i++) {
    sim.spawn(`app${i}`, function* () {
      for (;;) {
        yield rng.int(200, 2_000);
        pending++;
        const cpu = sim.cpus[i % 4];
        if (cpu) sim.after(rng.int(2_000, 20_000), () => sim.raiseIrq(cpu, 'dev', function* () { yield 300; pending--; wq.wakeUpAll(); }));
        if (pending > 16) yield* waitEvent(wq, () => pending <= 16, { state: 'S' });
        if (rng.chance(0.1)) yield sleep(rng.int(1_000, 50_000));
      }
    });
  }
  const t0 = performance.now();
  const r = sim.run({ until: simNs });
  return { eps: r.events / ((performance.now() - t0) / 1000), events: r.events };
}

const N = 2_000_000;
for (let i = 0; i < 3; i++) {
  // warm up all three loops so the JIT has settled before measuring
  bare(N / 4);
  eventQueue(N / 4);
  engineQueue(N / 4);
}
const b = bare(N);
const e = eventQueue(N);
const q = engineQueue(N);
const w = engineWorkload(200_000_000);
const f = (x: number): string => `${(x / 1e6).toFixed(2)}M`;
console.log(`bare binary heap (schedule/pop):    ${f(b)} events/s`);
console.log(`engine EventQueue (same work):      ${f(e)} events/s   ratio ${(e / b).toFixed(2)} (target >= 0.5)`);
console.log(`engine sim.at + sim.run (same):     ${f(q)} events/s   ratio ${(q / b).toFixed(2)}`);
console.log(`engine (8 tasks, 4 CPUs, IRQs, waits): ${f(w.eps)} events/s over ${w.events} events`);
