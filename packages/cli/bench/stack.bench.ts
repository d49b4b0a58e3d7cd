/**
 * Full-stack throughput: simulated I/Os per wall-second for the series' job
 * (io_uring, QD16, 4 KiB randwrite, workqueue policy, tracing off), the
 * engine's events per I/O, and — in the same run — the engine's bare event
 * rate on a pure schedule/pop workload, so the ratio is machine-independent.
 * Also checks that memory stays flat as the number of I/Os grows.
 *
 * Run: pnpm --filter @dio/cli bench
 */
import { LINUX_6_5, parseFioArgs, runJobs } from '@dio/fio';
import { Simulator } from '@dio/sim';
import { seriesJobArgs } from '../src/compare';

function bareEngineEventsPerSec(events: number): number {
  const sim = new Simulator();
  let fired = 0;
  let x = 1;
  const tick = (): void => {
    if (++fired >= events) return;
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    sim.after(1 + (x % 10_000), tick);
  };
  for (let i = 0; i < 64; i++) sim.at(i, tick);
  const t0 = performance.now();
  const r = sim.run();
  return r.events / ((performance.now() - t0) / 1000);
}

function stack(runtime: string): { iosPerSec: number; eventsPerIo: number; ios: number; rssMb: number } {
  const inv = parseFioArgs(seriesJobArgs(16, 'io_uring', runtime));
  const out = runJobs(inv.jobs, LINUX_6_5, { seed: 1 });
  return {
    iosPerSec: (out.ios / out.wallMs) * 1000,
    eventsPerIo: out.stack.sim.eventsRun / Math.max(1, out.ios),
    ios: out.ios,
    rssMb: process.memoryUsage().rss / 2 ** 20,
  };
}

stack('20ms'); // warm up
bareEngineEventsPerSec(500_000);
const bare = bareEngineEventsPerSec(3_000_000);
const s = stack('500ms');
const long = stack('4s');
console.log(`full stack (io_uring QD16, linux-6.5, tracing off): ${Math.round(s.iosPerSec).toLocaleString('en-US')} simulated I/Os per wall-second (${s.eventsPerIo.toFixed(1)} events per I/O)`);
console.log(`engine bare event rate in the same run:             ${Math.round(bare).toLocaleString('en-US')} events/s`);
console.log(`ratio of simulated I/O rate to bare event rate:     ${(s.iosPerSec / bare).toFixed(4)} (one I/O costs as much wall time as ${(bare / s.iosPerSec).toFixed(0)} bare engine events)`);
console.log(`target: 1,000,000 I/Os per wall-second — ${s.iosPerSec >= 1e6 ? 'met' : `not met (${(s.iosPerSec / 1e6).toFixed(2)}x)`}`);
console.log(`memory: RSS ${s.rssMb.toFixed(0)} MB after ${s.ios.toLocaleString('en-US')} I/Os, ${long.rssMb.toFixed(0)} MB after ${long.ios.toLocaleString('en-US')} more`);
