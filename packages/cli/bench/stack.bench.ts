/**
 * Full-stack throughput: simulated I/Os per wall-second for the series' job
 * (io_uring, QD16, 4 KiB randwrite, workqueue policy, tracing off), the
 * engine's events per I/O, and — in the same run — the engine's bare event
 * rate on a pure schedule/pop workload, so the ratio is machine-independent.
 * Rates are given per wall-second and per CPU-second of this process (the
 * second is what one core delivers when the machine is shared).
 *
 * Memory: RSS after runs of growing length, and the process's peak RSS.
 * Then one run of each engine path (io_uring, libaio, psync, pvsync2,
 * SQPOLL, IOPOLL) of `--ios N` I/Os (default 10,000,000) and one traced run
 * of `--trace-runtime T` simulated (default 10s), each in a child process,
 * with its peak RSS (see ./memory.ts): memory must be flat in the number of
 * I/Os, under 256 MB. `--ios 100000 --trace-runtime 50ms` is a CI-size run;
 * `--memory-only` skips the throughput part, `--only io_uring,trace` picks runs.
 *
 * Run: pnpm --filter @dio/cli bench [-- --ios N] [--trace-runtime T] [--memory-only] [--only a,b]
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LINUX_6_5, parseFioArgs, runJobs } from '@dio/fio';
import { Simulator } from '@dio/sim';
import { seriesJobArgs } from '../src/compare';
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

function stack(extra: readonly string[], runtime = '1h'): Rate & { eventsPerIo: number; ios: number; rssMb: number; heapMb: number } {
  const inv = parseFioArgs([...seriesJobArgs(16, 'io_uring', runtime), ...extra]);
  const r = timed(() => runJobs(inv.jobs, LINUX_6_5, { seed: 1 }));
  const out = r.value;
  // live heap with the finished run still referenced (its histograms, maps, queues)
  gc();
  const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
  return {
    heapMb,
    perWallSec: out.ios / (r.wallMs / 1000),
    perCpuSec: out.ios / (r.cpuMs / 1000),
    eventsPerIo: out.stack.sim.eventsRun / Math.max(1, out.ios),
    ios: out.ios,
    rssMb: process.memoryUsage().rss / 2 ** 20,
  };
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
else throughput();

/** Simulated I/Os per second against the bare engine, memory after runs of growing length, then the per-engine memory runs. */
function throughput(): void {
  stack([], '20ms'); // warm up
  bareEngine(500_000);
  const bare = bareEngine(3_000_000);
  const s = stack([], '500ms');
  const ratio = s.perCpuSec / bare.perCpuSec;
  console.log(`full stack (io_uring QD16, linux-6.5, tracing off): ${fmt(s.perWallSec)} simulated I/Os per wall-second, ${fmt(s.perCpuSec)} per CPU-second (${s.eventsPerIo.toFixed(1)} engine events per I/O)`);
  console.log(`engine bare event rate in the same run:             ${fmt(bare.perWallSec)} events per wall-second, ${fmt(bare.perCpuSec)} per CPU-second`);
  console.log(`ratio of simulated I/O rate to bare event rate:     ${ratio.toFixed(4)} (one I/O costs as much time as ${(1 / ratio).toFixed(0)} bare engine events)`);
  console.log(`target: 1,000,000 I/Os per wall-second on one core — ${s.perCpuSec >= 1e6 ? 'met' : `not met (${(s.perCpuSec / 1e6).toFixed(2)}x of it per CPU-second)`}`);
  const steps = [100_000, 400_000, 1_600_000].map((n) => stack([`--number_ios=${n}`]));
  console.log(`memory after ${steps.map((x) => `${fmt(x.ios)} I/Os: heap ${x.heapMb.toFixed(1)} MB, RSS ${x.rssMb.toFixed(0)} MB`).join('; ')}; peak RSS ${peakMb().toFixed(0)} MB`);
  if (!memoryRuns(process.argv[1] ?? '', ios, traceRuntime)) process.exitCode = 1;
}
