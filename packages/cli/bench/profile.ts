/**
 * One run of the series' job to profile (`node --cpu-prof`, `--trace-gc`, …):
 * a warm-up, then `runtime` simulated through `engine`, printing the rate.
 *
 * `--stages` turns on the per-stage CPU accounting `dio compare` uses.
 *
 * Run: node --cpu-prof --cpu-prof-dir=/tmp/prof scripts/run-ts.mjs packages/cli/bench/profile.ts [io_uring|libaio|psync] [runtime] [--stages]
 */
import { LINUX_6_5, parseFioArgs, runJobs } from '@dio/fio';
import { seriesJobArgs } from '../src/compare';

const engine = process.argv[2] ?? 'io_uring';
const runtime = process.argv[3] ?? '1s';
const opts = { seed: 1, accounting: { stages: process.argv.includes('--stages') } };
runJobs(parseFioArgs(seriesJobArgs(16, engine, '30ms')).jobs, LINUX_6_5, opts); // warm up
const c0 = process.cpuUsage();
const t0 = performance.now();
const out = runJobs(parseFioArgs(seriesJobArgs(16, engine, runtime)).jobs, LINUX_6_5, opts);
const wallMs = performance.now() - t0;
const c = process.cpuUsage(c0);
const cpuMs = (c.user + c.system) / 1000;
console.log(`${engine} ${runtime}: ${out.ios} I/Os, ${Math.round(out.ios / (wallMs / 1000))} per wall-s, ${Math.round(out.ios / (cpuMs / 1000))} per CPU-s, ${(out.stack.sim.eventsRun / out.ios).toFixed(2)} events per I/O`);
