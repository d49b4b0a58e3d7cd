/**
 * Memory flatness per engine: peak RSS of a long run of each fio engine
 * path (io_uring, libaio, psync, pvsync2, SQPOLL, IOPOLL) and of a long
 * traced run, each in its own child process so `maxRSS` is that run's. The
 * goal is under 256 MB for 10M I/Os, and for 10 s simulated with the trace
 * streamed to a file (here /dev/null, in Perfetto's protobuf format).
 * @module
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { devNull } from 'node:os';
import { LINUX_6_5, parseFioArgs, runJobs } from '@dio/fio';
import { PerfettoProtoTraceWriter } from '@dio/sim';
import { seriesJobArgs } from '../src/compare';

/** The runs: fio options on top of the series' job (QD16 4 KiB randwrite on linux-6.5). */
const CASES: Readonly<Record<string, { engine: string; qd: number; extra: readonly string[] }>> = {
  io_uring: { engine: 'io_uring', qd: 16, extra: [] },
  libaio: { engine: 'libaio', qd: 16, extra: [] },
  psync: { engine: 'psync', qd: 1, extra: [] },
  pvsync2: { engine: 'pvsync2', qd: 1, extra: [] },
  SQPOLL: { engine: 'io_uring', qd: 16, extra: ['--sqthread_poll=1'] },
  IOPOLL: { engine: 'io_uring', qd: 16, extra: ['--hipri=1'] },
  trace: { engine: 'io_uring', qd: 1, extra: [] },
};

/** The limit the issue sets. */
export const PEAK_RSS_GOAL_MB = 256;

/** What a child reports. */
interface ChildResult {
  readonly ios: number;
  readonly wallMs: number;
  readonly peakMb: number;
  readonly traceRecords: number;
}

/** In the child: run one case (`--ios` I/Os, or `--trace-runtime` simulated for `trace`) and print its result as JSON. */
export function memoryChild(name: string, ios: number, traceRuntime: string): void {
  const c = CASES[name];
  if (c === undefined) throw new Error(`unknown case ${name}`);
  const traced = name === 'trace';
  const inv = parseFioArgs([...seriesJobArgs(c.qd, c.engine, traced ? traceRuntime : '1h'), ...c.extra, ...(traced ? [] : [`--number_ios=${ios}`])]);
  const fd = traced ? openSync(devNull, 'w') : -1;
  let writer: PerfettoProtoTraceWriter | null = null;
  const traceTo = (cpus: number): PerfettoProtoTraceWriter => (writer = new PerfettoProtoTraceWriter((b) => writeSync(fd, b), { cpus }));
  const out = runJobs(inv.jobs, LINUX_6_5, { seed: 1, ...(traced ? { traceTo } : {}) });
  if (fd >= 0) closeSync(fd);
  const failed = out.result.jobs.find((j) => j.error !== 0);
  if (failed !== undefined) throw new Error(`${name}: job failed with error ${failed.error}`);
  const r: ChildResult = { ios: out.ios, wallMs: out.wallMs, peakMb: process.resourceUsage().maxRSS / 1024, traceRecords: (writer as PerfettoProtoTraceWriter | null)?.records ?? 0 };
  console.log(JSON.stringify(r));
}

/** In the parent: run every case (or those in `only`) in a child process started from `entry`; print a line each; false if one failed or is over the goal. */
export function memoryRuns(entry: string, ios: number, traceRuntime: string, only: readonly string[] | null = null): boolean {
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  console.log(`peak RSS per run, each in its own process (goal: under ${PEAK_RSS_GOAL_MB} MB):`);
  let ok = true;
  for (const name of only ?? Object.keys(CASES)) {
    if (CASES[name] === undefined) throw new Error(`--only: unknown run '${name}' (${Object.keys(CASES).join(', ')})`);
    const p = spawnSync(process.execPath, [entry, '--memory-child', name, '--ios', String(ios), '--trace-runtime', traceRuntime], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const line = p.stdout.trim().split('\n').pop() ?? '';
    if (p.status !== 0 || !line.startsWith('{')) {
      console.log(`  ${name.padEnd(8)} failed (exit ${p.status})`);
      ok = false;
      continue;
    }
    const r = JSON.parse(line) as ChildResult;
    const what = name === 'trace' ? `${traceRuntime} simulated, io_uring QD1, traced (${fmt(r.traceRecords)} records, protobuf streamed to ${devNull})` : `${CASES[name]?.engine} QD${CASES[name]?.qd}${CASES[name]?.extra.join(' ') ? ` ${CASES[name]?.extra.join(' ')}` : ''}`;
    const over = r.peakMb >= PEAK_RSS_GOAL_MB;
    if (over) ok = false;
    console.log(`  ${name.padEnd(8)} ${fmt(r.ios).padStart(11)} I/Os in ${(r.wallMs / 1000).toFixed(0).padStart(4)} s: peak RSS ${r.peakMb.toFixed(0).padStart(3)} MB${over ? ' — OVER THE GOAL' : ''}  (${what})`);
  }
  return ok;
}
