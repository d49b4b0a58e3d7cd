/**
 * Engine throughput. Prints, from one run:
 * - engine events per wall-second on a fixed schedule of self-rescheduling
 *   timers, through the public API (`sim.at` + `sim.run`), and the ratio to a
 *   bare binary-heap event loop doing exactly the same schedule/pop work
 *   (target: ratio >= 0.5);
 * - the engine's `EventQueue` alone on the same work;
 * - the same schedule as tasks that yield spends, one per CPU, so every event
 *   also resumes a generator (what a layer's event costs);
 * - events per wall-second of a kernel-like workload (tasks spending and
 *   sleeping, interrupts, wake-ups, waits), for scale.
 *
 * Each figure is the median of several interleaved rounds, so a noisy,
 * shared machine skews all of them alike. Asserts nothing (timings are not
 * tests); prints the figures.
 *
 * Run: pnpm --filter @dio/sim bench
 */
import { EventQueue, Simulator, sleep, WaitQueue, waitEvent } from '../src/index';

/** A minimal (time, seq) binary heap in parallel arrays: the floor any event loop pays. */
class BareHeap {
  private readonly t: number[] = [];
  private readonly s: number[] = [];
  private readonly f: (() => void)[] = [];
  private seq = 0;

  private less(ta: number, sa: number, i: number): boolean {
    const tb = this.t[i] as number;
    return ta < tb || (ta === tb && sa < (this.s[i] as number));
  }

  private put(i: number, time: number, seq: number, fn: () => void): void {
    this.t[i] = time;
    this.s[i] = seq;
    this.f[i] = fn;
  }

  push(time: number, fn: () => void): void {
    const seq = this.seq++;
    let i = this.t.length;
    this.put(i, time, seq, fn);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(time, seq, p)) break;
      this.put(i, this.t[p] as number, this.s[p] as number, this.f[p] as () => void);
      i = p;
    }
    this.put(i, time, seq, fn);
  }

  /** Pop the earliest event: sets `time` and returns its callback, or undefined when empty. */
  pop(): (() => void) | undefined {
    const n = this.t.length;
    if (n === 0) return undefined;
    this.time = this.t[0] as number;
    const top = this.f[0] as () => void;
    const lt = this.t.pop() as number;
    const ls = this.s.pop() as number;
    const lf = this.f.pop() as () => void;
    const m = n - 1;
    if (m === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= m) break;
      const c = l + 1 < m && this.less(this.t[l + 1] as number, this.s[l + 1] as number, l) ? l + 1 : l;
      if (this.less(lt, ls, c)) break;
      this.put(i, this.t[c] as number, this.s[c] as number, this.f[c] as () => void);
      i = c;
    }
    this.put(i, lt, ls, lf);
    return top;
  }

  /** Time of the last popped event. */
  time = 0;
}

const TIMERS = 64;

/** The schedule/pop work every loop below does: TIMERS self-rescheduling timers with pseudo-random delays. */
function scheduleWork(push: (t: number, fn: () => void) => void, now: () => number, events: number): void {
  let fired = 0;
  let x = 12345;
  const tick = (): void => {
    if (++fired >= events) return;
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    push(now() + 1 + (x % 10_000), tick);
  };
  for (let i = 0; i < TIMERS; i++) push(i, tick);
}

/** Events per wall-second of `events` pops of the bare heap. */
function bare(events: number): number {
  const h = new BareHeap();
  scheduleWork((t, fn) => h.push(t, fn), () => h.time, events);
  const t0 = performance.now();
  let n = 0;
  for (let fn = h.pop(); fn !== undefined; fn = h.pop()) {
    fn();
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

/** The engine's EventQueue alone, driven exactly like the bare heap. */
function eventQueue(events: number): number {
  const q = new EventQueue();
  let now = 0;
  scheduleWork((t, fn) => q.push(t, fn), () => now, events);
  const t0 = performance.now();
  let n = 0;
  for (let e = q.pop(); e !== undefined; e = q.pop()) {
    now = e.time;
    e.fn(e.arg);
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

/** The same work through the Simulator's public API: `sim.at` + `sim.run`. */
function engine(events: number): number {
  const sim = new Simulator();
  scheduleWork((t, fn) => sim.at(t, fn), () => sim.now, events);
  const t0 = performance.now();
  const r = sim.run();
  if (r.events !== events + TIMERS - 1) throw new Error(`engine ran ${r.events} events, expected ${events + TIMERS - 1}`);
  return r.events / ((performance.now() - t0) / 1000);
}

/**
 * The same schedule as generators: TIMERS kthreads, one per CPU, each
 * yielding spends of the same pseudo-random lengths. Another CPU's spend ends
 * inside almost every spend, so each is an event that ends it and resumes
 * the task's generator.
 */
function engineGenerators(events: number): { eps: number; events: number } {
  const sim = new Simulator({ cpus: TIMERS });
  let x = 12345;
  const per = Math.ceil(events / TIMERS);
  for (let i = 0; i < TIMERS; i++) {
    sim.spawn(
      `t${i}`,
      function* () {
        for (let k = 0; k < per; k++) {
          x = (x * 1103515245 + 12345) & 0x7fffffff;
          yield 1 + (x % 10_000);
        }
      },
      { cpusAllowed: [i], kind: 'kthread' },
    );
  }
  const t0 = performance.now();
  const r = sim.run();
  return { eps: r.events / ((performance.now() - t0) / 1000), events: r.events };
}

/** 8 tasks on 4 CPUs: spend, submit "I/O" completed by an IRQ, wait when 16 are in flight, sometimes sleep. */
function workload(simNs: number): { eps: number; events: number } {
  const sim = new Simulator({ seed: 1, cpus: 4 });
  const rng = sim.rng.fork('bench');
  const wq = new WaitQueue('done');
  let pending = 0;
  const irq = function* () {
    yield 300;
    pending--;
    wq.wakeUpAll();
  };
  for (let i = 0; i < 8; i++) {
    const cpu = sim.cpus[i % 4];
    if (cpu === undefined) throw new Error('no cpu');
    sim.spawn(`app${i}`, function* () {
      for (;;) {
        yield rng.int(200, 2_000);
        pending++;
        sim.after(rng.int(2_000, 20_000), () => sim.raiseIrq(cpu, 'dev', irq));
        if (pending > 16) yield* waitEvent(wq, () => pending <= 16, { state: 'S' });
        if (rng.chance(0.1)) yield sleep(rng.int(1_000, 50_000));
      }
    });
  }
  const t0 = performance.now();
  const r = sim.run({ until: simNs });
  return { eps: r.events / ((performance.now() - t0) / 1000), events: r.events };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

const N = 1_000_000;
const ROUNDS = 5;
for (let i = 0; i < 3; i++) {
  // warm up every loop so the JIT has settled before measuring
  bare(N / 4);
  eventQueue(N / 4);
  engine(N / 4);
  engineGenerators(N / 4);
}
const b: number[] = [];
const e: number[] = [];
const q: number[] = [];
const g: number[] = [];
let genEvents = 0;
for (let i = 0; i < ROUNDS; i++) {
  b.push(bare(N));
  e.push(eventQueue(N));
  q.push(engine(N));
  const r = engineGenerators(N);
  g.push(r.eps);
  genEvents = r.events;
}
const bm = median(b);
const em = median(e);
const qm = median(q);
const gm = median(g);
const w = workload(100_000_000);
const f = (x: number): string => `${(x / 1e6).toFixed(2)}M`.padStart(7);
console.log(`schedule/pop work: ${TIMERS} self-rescheduling timers, ${N} events, median of ${ROUNDS} interleaved rounds`);
console.log(`  bare binary heap:           ${f(bm)} events/s`);
console.log(`  engine (sim.at + sim.run):  ${f(qm)} events/s   ratio to bare heap ${(qm / bm).toFixed(2)} (target >= 0.5)`);
console.log(`  engine EventQueue alone:    ${f(em)} events/s   ratio to bare heap ${(em / bm).toFixed(2)}`);
console.log(`  engine, each event a spend ending in a generator resume (${TIMERS} tasks on ${TIMERS} CPUs, ${genEvents} events):`);
console.log(`                              ${f(gm)} events/s   ratio to bare heap ${(gm / bm).toFixed(2)}`);
console.log(`kernel-like workload (8 tasks, 4 CPUs, IRQs, waits): ${f(w.eps)} events/s over ${w.events} events`);
