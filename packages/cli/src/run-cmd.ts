/**
 * What `dio run` adds around fio's command line: `--parse-only` reporting
 * every problem at once, the wall-clock cap `--wall-timeout`, and the
 * warnings of a run.
 * @module
 */
import { checkFioArgs, jobWarnings, type FioArgsOptions, type FioJob, type RunOutput } from '@dio/fio';
import type { Io } from './main';
import { parsePositiveTime } from './time-arg';

/** `--parse-only`: every problem of the command line and its job files, one line each; the exit code (1 if any). */
export function parseOnly(io: Io, args: readonly string[], opts: FioArgsOptions): number {
  const { errors } = checkFioArgs(args, opts);
  for (const e of errors) io.err(`dio: ${e.message}`);
  return errors.length > 0 ? 1 : 0;
}

/** `--wall-timeout T` in ms, when given. */
export function wallTimeoutMs(raw: string | undefined): number | undefined {
  return raw === undefined ? undefined : parsePositiveTime('--wall-timeout', raw) / 1e6;
}

/** fio's warnings before a run (time_based without a runtime). */
export function warnJobs(io: Io, jobs: readonly FioJob[]): void {
  for (const w of jobs.flatMap(jobWarnings)) io.err(`dio: warning: ${w}`);
}

/** The wall-clock cap's warning, when it stopped the run. */
export function warnWallCap(io: Io, res: RunOutput, wallTimeout: string | undefined): void {
  if (res.wallCappedAtNs === undefined) return;
  io.err(`dio: warning: --wall-timeout ${wallTimeout ?? ''} reached after ${(res.wallCappedAtNs / 1e6).toFixed(1)} ms of simulated time: jobs stopped early, the report covers the time run`);
}

/** What the jobs printed while they ran (verify failures, as fio's stderr), then fio's line for each job that ended with an error it explains. */
export function printJobMessages(io: Io, res: RunOutput): void {
  for (const j of res.result.jobs) {
    for (const m of j.messages ?? []) io.err(m);
    if (j.error !== 0 && j.errorText !== undefined) io.err(`fio: pid=${j.pid}, err=${j.error}/${j.errorText}`);
  }
}
