/**
 * `dio run`: fio's command line on the emulated stack — job files and
 * command-line jobs (`--name=w --rw=randwrite …`), `--runtime`, `--section`,
 * `--parse-only`, `--output-format`, `--output` — plus dio's `--profile`,
 * `--seed`, `--trace` and the wall-clock cap `--wall-timeout`.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { checkFioArgs, formatJson, formatLatLog, formatNormal, jobWarnings, latLogFileName, parseFioArgs, parseTimeNs, runJobs, type KernelProfile } from '@dio/fio';
import { errnoName } from '@dio/kiocb';
import { toChromeTrace } from '@dio/sim';
import { JobFailed, UsageError } from './errors';
import type { Io } from './main';
import { loadProfile, parseSeed } from './profile-arg';
import { progress } from './progress';

/** dio's own options of `run` (everything else is fio's command line). */
export interface RunCmdOptions {
  profile: string;
  seed: string;
  quiet?: boolean;
  trace?: string;
  wallTimeout?: string;
}

/** Writes a Perfetto/Chrome trace of a run. */
export function writeTrace(path: string, records: Parameters<typeof toChromeTrace>[0], cpus: number, p: KernelProfile): void {
  writeFileSync(path, JSON.stringify(toChromeTrace(records, { cpus, title: `dio ${p.name}` })));
}

const readFile = (path: string): string => readFileSync(path, 'utf8');

/** `--parse-only`: every problem of the command line and its job files, one line each; exit 1 if any. */
function parseOnly(io: Io, args: readonly string[]): number {
  const { errors } = checkFioArgs(args, { readFile });
  for (const e of errors) io.err(`dio: ${e.message}`);
  return errors.length > 0 ? 1 : 0;
}

function wallTimeoutMs(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const t = parseTimeNs(raw);
  if (!t.ok || t.value <= 0) throw new UsageError(`--wall-timeout: ${t.ok ? `'${raw}' must be more than 0` : t.error}`);
  return t.value / 1e6;
}

/** Runs `dio run <args>`; returns the exit code (1 after `--parse-only` found problems). */
export function runCmd(io: Io, args: readonly string[], o: RunCmdOptions): number {
  if (args.includes('--parse-only')) return parseOnly(io, args);
  const inv = parseFioArgs(args, { readFile });
  const profile = loadProfile(o.profile);
  const seed = parseSeed(o.seed);
  const wallMs = wallTimeoutMs(o.wallTimeout);
  for (const w of inv.jobs.flatMap(jobWarnings)) io.err(`dio: warning: ${w}`);
  const bar = progress(io, 100, o.quiet === true);
  const res = runJobs(inv.jobs, profile, {
    seed,
    trace: o.trace !== undefined,
    timestampMs: Date.now(),
    globalOptions: inv.globalOptions,
    onProgress: (f) => bar.update(Math.round(f * 100)),
    ...(wallMs === undefined ? {} : { wallTimeoutMs: wallMs }),
  });
  bar.stop();
  if (res.wallCappedAtNs !== undefined) {
    io.err(`dio: warning: --wall-timeout ${o.wallTimeout ?? ''} reached after ${(res.wallCappedAtNs / 1e6).toFixed(1)} ms of simulated time: jobs stopped early, the report covers the time run`);
  }
  const report = inv.outputFormats.map((fmt) => (fmt === 'normal' ? formatNormal(res.result) : formatJson(res.result, { plus: fmt === 'json+' }))).join('\n');
  if (inv.output !== undefined) writeFileSync(inv.output, report.endsWith('\n') ? report : `${report}\n`);
  else io.out(report);
  // one result per job clone: find each clone's job for its latency log names
  const jobOf = inv.jobs.flatMap((j) => Array.from({ length: j.numjobs }, () => j));
  res.logs.forEach((l, i) => {
    const job = jobOf[i];
    if (l === null || job?.writeLatLog === undefined) return;
    for (const kind of ['slat', 'clat', 'lat'] as const) writeFileSync(latLogFileName(job.writeLatLog, kind, i + 1, job.perJobLogs), formatLatLog(l[kind], { logOffset: job.logOffset }));
  });
  if (o.trace !== undefined) writeTrace(o.trace, res.stack.sim.tracer.records, res.stack.sim.cpus.length, profile);
  if (res.hung.length > 0) io.err(`dio: hung tasks at the end of the run: ${res.hung.map((h) => `${h.task} on ${h.waitingOn}`).join(', ')}`);
  // fio reports a job's error and exits non-zero; so does dio
  const failed = res.result.jobs.filter((j) => j.error !== 0);
  if (failed.length > 0) throw new JobFailed(failed.map((j) => `job '${j.name}' failed: error=${j.error} (${errnoName(-j.error)})`).join('; '));
  return 0;
}
