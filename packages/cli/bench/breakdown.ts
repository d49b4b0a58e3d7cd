/**
 * What one simulated I/O is made of, for the bench job (io_uring, QD16,
 * 4 KiB randwrite, linux-6.5, tracing off): calls into the engine per I/O
 * (CPU-cost charges and how many ran events nested, timed spends, spends
 * cut short with time left, context switches, interrupts, wake-ups, heap
 * events) and the JavaScript bytes allocated per I/O. The table in
 * docs/performance.md comes from here.
 *
 * The counts wrap the engine's methods for one run (so that run is slower;
 * the rates are measured by `pnpm bench`, not here). The allocation figure
 * comes from V8's sampling heap profiler, including objects already
 * collected, over a second run.
 *
 * Run: pnpm --filter @dio/cli bench:breakdown
 */
import { Session } from 'node:inspector';
import { setFlagsFromString } from 'node:v8';
import { LINUX_6_5, parseFioArgs, runJobs } from '@dio/fio';
import { Simulator } from '@dio/sim';
import { seriesJobArgs } from '../src/compare';

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Engine methods to count: the label printed, and the method (internal names, so a rename shows up as missing). */
const COUNTED: readonly (readonly [string, string])[] = [
  ['CPU-cost charges', 'charge'],
  ['…of which ran events nested (an interrupt falls inside the charge)', 'chargeNested'],
  ['timed spends through the event queue', 'startSpend'],
  ['spends cut short (preempted with time left)', 'suspend'],
  ['context switches (__schedule)', 'reschedule'],
  ['interrupt entries (hardirq and softirq)', 'enterIrq'],
  ['task wake-ups', 'wakeUpTask'],
];

/** `--engine psync|libaio`: break down another ioengine's I/O (default io_uring). */
const engineArg = process.argv.indexOf('--engine');
const job = parseFioArgs([...seriesJobArgs(16, engineArg >= 0 ? (process.argv[engineArg + 1] ?? 'io_uring') : 'io_uring', '100ms')]).jobs;

function countCalls(): void {
  const proto = Simulator.prototype as unknown as Record<string, Method | undefined>;
  const counts = new Map<string, number>();
  const originals: [string, Method][] = [];
  for (const [, name] of COUNTED) {
    const orig = proto[name];
    if (typeof orig !== 'function') {
      console.log(`(engine method ${name} not found: not counted)`);
      continue;
    }
    originals.push([name, orig]);
    proto[name] = function (this: unknown, ...args: unknown[]): unknown {
      // suspend() is called on every switch away from a context; it cuts a spend short only when one is pending
      if (name !== 'suspend' || (args[0] as { spendEv: unknown }).spendEv !== null) counts.set(name, (counts.get(name) ?? 0) + 1);
      return orig.apply(this, args);
    };
  }
  let out;
  try {
    out = runJobs(job, LINUX_6_5, { seed: 1 });
  } finally {
    for (const [name, orig] of originals) proto[name] = orig;
  }
  const per = (n: number): string => (n / out.ios).toFixed(2).padStart(6);
  console.log(`${out.ios.toLocaleString('en-US')} I/Os in ${job[0]?.runtimeNs ?? 0} ns simulated; per I/O:`);
  for (const [label, name] of COUNTED) {
    const n = counts.get(name);
    if (n === undefined) continue;
    console.log(`  ${per(n)}  ${label}`);
  }
  console.log(`  ${per(out.stack.sim.eventsRun)}  engine events (heap pops)`);
}

interface SamplingNode {
  selfSize: number;
  callFrame: { functionName: string; lineNumber: number };
  children: SamplingNode[];
}

/** `--top N`: also list the N functions that allocate the most, bytes per I/O each. */
const topArg = process.argv.indexOf('--top');
const top = topArg >= 0 ? Number(process.argv[topArg + 1] ?? 20) : 0;

async function bytesPerIo(): Promise<void> {
  const session = new Session();
  session.connect();
  const post = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
  await post('HeapProfiler.enable');
  await post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  const out = runJobs(job, LINUX_6_5, { seed: 1 });
  const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: { head: SamplingNode } };
  session.disconnect();
  const total = (n: SamplingNode): number => n.selfSize + n.children.reduce((s, c) => s + total(c), 0);
  console.log(`  ${Math.round(total(profile.head) / out.ios).toLocaleString('en-US')} bytes allocated (V8 sampling heap profiler, collected objects included)`);
  if (top <= 0) return;
  const by = new Map<string, number>();
  // a builtin (line 0: a generator's `next`, `push`) is named with the function that called it
  const walk = (n: SamplingNode, caller: string): void => {
    const name = `${n.callFrame.functionName || '(anonymous)'}:${n.callFrame.lineNumber + 1}`;
    const k = n.callFrame.lineNumber < 0 ? `${name} in ${caller}` : name;
    by.set(k, (by.get(k) ?? 0) + n.selfSize);
    for (const c of n.children) walk(c, name);
  };
  walk(profile.head, '');
  console.log(`  the ${top} functions allocating the most (bundle line numbers), bytes per I/O:`);
  for (const [k, b] of [...by].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`    ${Math.round(b / out.ios).toString().padStart(6)}  ${k}`);
}

/**
 * `--generators`: the generator functions whose objects a run creates, per
 * I/O each (every generator object resumed at least once, by the function it
 * came from, through V8's %GeneratorGetFunction).
 */
function generatorsByFunction(): void {
  setFlagsFromString('--allow-natives-syntax');
  const fnOf = new Function('g', 'return %GeneratorGetFunction(g)') as (g: object) => { name: string };
  const proto = Object.getPrototypeOf(function* () {}).prototype as { next: (this: object, v: unknown) => unknown };
  const next = proto.next;
  const seen = new WeakSet<object>();
  const by = new Map<string, number>();
  proto.next = function (this: object, v: unknown): unknown {
    if (!seen.has(this)) {
      seen.add(this);
      const name = fnOf(this).name || '(anonymous)';
      by.set(name, (by.get(name) ?? 0) + 1);
    }
    return next.call(this, v);
  };
  let out;
  try {
    out = runJobs(job, LINUX_6_5, { seed: 1 });
  } finally {
    proto.next = next;
  }
  const total = [...by.values()].reduce((a, b) => a + b, 0);
  console.log(`  ${(total / out.ios).toFixed(2)} generators created per I/O, by function:`);
  for (const [k, n] of [...by].sort((a, b) => b[1] - a[1])) if (n / out.ios >= 0.01) console.log(`    ${(n / out.ios).toFixed(2).padStart(6)}  ${k}`);
}

runJobs(job, LINUX_6_5, { seed: 1 }); // warm up
countCalls();
if (process.argv.includes('--generators')) generatorsByFunction();
await bytesPerIo();
