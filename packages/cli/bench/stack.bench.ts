/**
 * Full-stack throughput: simulated I/Os per wall-second and per CPU-second of
 * this process (the second is what one core delivers when the machine is
 * shared) for the series' job (QD16, 4 KiB randwrite, linux-6.5's workqueue
 * policy, tracing off) through io_uring, libaio and psync side by side, with
 * the engine events and the generators created per I/O and the garbage
 * collector's share of the time; and, in the same run, the engine's bare
 * event rate on a pure schedule/pop workload, so the ratio is
 * machine-independent.
 *
 * Memory: RSS after runs of growing length, and the process's peak RSS.
 * Then one run of each engine path (io_uring, libaio, psync, pvsync2,
 * SQPOLL, IOPOLL) of `--ios N` I/Os (default 10,000,000) and one traced run
 * of `--trace-runtime T` simulated (default 10s), each in a child process,
 * with its peak RSS (see ./memory.ts): memory must be flat in the number of
 * I/Os, under 256 MB. `--ios 100000 --trace-runtime 50ms` is a CI-size run;
 * `--memory-only` skips the throughput part, `--only io_uring,trace` picks runs.
 *
 * First, this design against the previous one side by side (./ab.ts;
 * `--against <git ref>` picks another, `--no-ab` skips it, `--ab-only` runs
 * only it, `--rounds N` sets its number of alternating rounds, default 3,
 * `--ab-runtime T` the simulated time of each run (default 1s: 300 ms runs,
 * the default before, read the ratio against ba0bc4d 3–5% lower than 1 s and
 * 3 s runs, which agree, and swing more),
 * `--engines a,b` its engines, `--stages` turns on the stage accounting of
 * `dio compare` in it).
 *
 * Run: pnpm --filter @dio/cli bench [-- --ios N] [--trace-runtime T] [--memory-only] [--only a,b] [--against REF] [--no-ab] [--ab-only] [--rounds N] [--ab-runtime T] [--engines a,b] [--stages]
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LINUX_6_5, parseFioArgs, runJobs } from '@dio/fio';
import { Simulator } from '@dio/sim';
import { seriesJobArgs } from '../src/compare';
import { abAgainst, PREVIOUS_DESIGN } from './ab';
import { memoryChild, memoryRuns } from './memory';

interface Rate {
  readonly perWallSec: number;
  readonly perCpuSec: number;
}

function timed<T>(f: () => T): { value: T; wallMs: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

function bareEngine(events: number): Rate {
  const sim = new Simulator();
  let fired = 0;
  let x = 1;
  const tick = (): void => {
    if (++fired >= events) return;
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    sim.after(1 + (x % 10_000), tick);
  };
  for (let i = 0; i < 64; i++) sim.at(i, tick);
  const r = timed(() => sim.run().events);
  return { perWallSec: r.value / (r.wallMs / 1000), perCpuSec: r.value / (r.cpuMs / 1000) };
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

type Engine = 'io_uring' | 'libaio' | 'psync';

async function stack(extra: readonly string[], runtime = '1h', engine: Engine = 'io_uring'): Promise<Rate & { eventsPerIo: number; ios: number; rssMb: number; heapMb: number; gcShare: number }> {
  const inv = parseFioArgs([...seriesJobArgs(16, engine, runtime), ...extra]);
  let gcMs = 0;
  const gcs = new PerformanceObserver((l) => {
    for (const e of l.getEntries()) gcMs += e.duration;
  });
  gcs.observe({ entryTypes: ['gc'] });
  const r = timed(() => runJobs(inv.jobs, LINUX_6_5, { seed: 1 }));
  await new Promise((resolve) => setTimeout(resolve, 20)); // GC entries are delivered once the run yields to the event loop
  gcs.disconnect();
  const out = r.value;
  // live heap with the finished run still referenced (its histograms, maps, queues)
  gc();
  const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
  return {
    heapMb,
    gcShare: gcMs / r.wallMs,
    perWallSec: out.ios / (r.wallMs / 1000),
    perCpuSec: out.ios / (r.cpuMs / 1000),
    eventsPerIo: out.stack.sim.eventsRun / Math.max(1, out.ios),
    ios: out.ios,
    rssMb: process.memoryUsage().rss / 2 ** 20,
  };
}

/**
 * Generators created per I/O by a short run of `engine`: every generator
 * resumed at least once, counted by a wrapper on the generators' shared
 * `next` (which `yield*` calls too), in place for that run only.
 */
function generatorsPerIo(engine: Engine): number {
  const proto = Object.getPrototypeOf(function* () {}).prototype as { next: (this: object, v: unknown) => unknown };
  const next = proto.next;
  const seen = new WeakSet<object>();
  let created = 0;
  proto.next = function (this: object, v: unknown): unknown {
    if (!seen.has(this)) {
      seen.add(this);
      created++;
    }
    return next.call(this, v);
  };
  try {
    const out = runJobs(parseFioArgs(seriesJobArgs(16, engine, '50ms')).jobs, LINUX_6_5, { seed: 1 });
    return created / Math.max(1, out.ios);
  } finally {
    proto.next = next;
  }
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const peakMb = (): number => process.resourceUsage().maxRSS / 1024;
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const ios = Number(arg('--ios') ?? 10_000_000);
const traceRuntime = arg('--trace-runtime') ?? '10s';
if (!Number.isInteger(ios) || ios < 1) throw new Error(`--ios: '${arg('--ios')}' must be a positive integer`);
const child = arg('--memory-child');
const only = arg('--only')?.split(',') ?? null;

if (child !== undefined) memoryChild(child, ios, traceRuntime);
else if (process.argv.includes('--memory-only')) process.exitCode = memoryRuns(process.argv[1] ?? '', ios, traceRuntime, only) ? 0 : 1;
else await throughput();

/** Simulated I/Os per second per engine against the bare engine, memory after runs of growing length, then the per-engine memory runs. */
async function throughput(): Promise<void> {
  if (!process.argv.includes('--no-ab')) abAgainst(arg('--against') ?? PREVIOUS_DESIGN, Number(arg('--rounds') ?? 3), arg('--ab-runtime') ?? '1s', process.argv.includes('--stages'), arg('--engines')?.split(','));
  if (process.argv.includes('--ab-only')) return;
  const ENGINES: readonly Engine[] = ['io_uring', 'libaio', 'psync'];
  for (const e of ENGINES) await stack([], '20ms', e); // warm up
  bareEngine(500_000);
  const bare = bareEngine(3_000_000);
  const runs: { e: Engine; s: Awaited<ReturnType<typeof stack>> }[] = [];
  for (const e of ENGINES) runs.push({ e, s: await stack([], '500ms', e) });
  const gens = ENGINES.map(generatorsPerIo); // after the timed runs: the wrapper slows what follows it
  const s = (runs[0] as (typeof runs)[number]).s;
  const ratio = s.perCpuSec / bare.perCpuSec;
  console.log('full stack, QD16 4 KiB randwrite, linux-6.5, tracing off, 500 ms simulated per engine:');
  const rows = [['ioengine', 'I/Os per wall-second', 'I/Os per CPU-second', 'events per I/O', 'generators per I/O', 'GC share of wall time']];
  runs.forEach(({ e, s: x }, i) => rows.push([e, fmt(x.perWallSec), fmt(x.perCpuSec), x.eventsPerIo.toFixed(2), (gens[i] as number).toFixed(2), `${(x.gcShare * 100).toFixed(1)}%`]));
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  for (const r of rows) console.log(`  ${r.map((v, i) => (i === 0 ? v.padEnd(widths[i] as number) : v.padStart(widths[i] as number))).join('  ')}`);
  console.log(`engine bare event rate in the same run:             ${fmt(bare.perWallSec)} events per wall-second, ${fmt(bare.perCpuSec)} per CPU-second`);
  console.log(`ratio of io_uring's I/O rate to bare event rate:    ${ratio.toFixed(4)} (one I/O costs as much time as ${(1 / ratio).toFixed(0)} bare engine events)`);
  console.log(`target: 1,000,000 I/Os per wall-second on one core — ${s.perCpuSec >= 1e6 ? 'met' : `not met (${(s.perCpuSec / 1e6).toFixed(2)}x of it per CPU-second)`}`);
  const steps = [];
  for (const n of [100_000, 400_000, 1_600_000]) steps.push(await stack([`--number_ios=${n}`]));
  console.log(`memory after ${steps.map((x) => `${fmt(x.ios)} I/Os: heap ${x.heapMb.toFixed(1)} MB, RSS ${x.rssMb.toFixed(0)} MB`).join('; ')}; peak RSS ${peakMb().toFixed(0)} MB`);
  if (!memoryRuns(process.argv[1] ?? '', ios, traceRuntime, only)) process.exitCode = 1;
}
