/**
 * One timed run of the series' job for `ab.ts` (this file is copied into the
 * baseline checkout too, so it uses only APIs both designs have): prints one
 * JSON line with simulated I/Os per wall- and CPU-second and engine events
 * per I/O.
 *
 * Run: node scripts/run-ts.mjs packages/cli/bench/ab-child.ts <engine> <runtime> [stages]
 * (`stages`: with the per-stage CPU accounting `dio compare` turns on)
 */
import { LINUX_6_5, parseFioArgs, runJobs } from '@dio/fio';
import { seriesJobArgs } from '../src/compare';

type Engine = 'io_uring' | 'libaio' | 'psync';
const engine = (process.argv[2] ?? 'io_uring') as Engine;
const runtime = process.argv[3] ?? '300ms';
const accounting = { stages: process.argv[4] === 'stages' };

function run(rt: string): { ios: number; events: number; wallMs: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = runJobs(parseFioArgs(seriesJobArgs(16, engine, rt)).jobs, LINUX_6_5, { seed: 1, accounting });
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ios: out.ios, events: out.stack.sim.eventsRun, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

run('30ms'); // warm up
const r = run(runtime);
console.log(JSON.stringify({ engine, perWallSec: r.ios / (r.wallMs / 1000), perCpuSec: r.ios / (r.cpuMs / 1000), eventsPerIo: r.events / r.ios }));
