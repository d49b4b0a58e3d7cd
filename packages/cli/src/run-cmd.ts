/**
 * What `dio run` adds around fio's command line: `--parse-only` reporting
 * every problem at once, the wall-clock cap `--wall-timeout`, the power cut
 * `--power-cut`, and the warnings of a run.
 * @module
 */
import { checkFioArgs, jobWarnings, type FioArgsOptions, type FioJob, type KernelProfile, type PowerCutSpec, type RunOutput } from '@dio/fio';
import { UsageError } from './errors';
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
export function warnJobs(io: Io, jobs: readonly FioJob[], powerCut = false): void {
  for (const w of jobs.flatMap((j) => jobWarnings(j, { powerCut }))) io.err(`dio: warning: ${w}`);
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

/** `--power-cut T` (with `--power-cut-tear`), when given. */
export function powerCutSpec(raw: string | undefined, tear: boolean | undefined): PowerCutSpec | undefined {
  if (raw === undefined) {
    if (tear === true) throw new UsageError('--power-cut-tear: needs --power-cut <time> (when to cut the power, e.g. --power-cut 50ms)');
    return undefined;
  }
  return { atNs: parsePositiveTime('--power-cut', raw), tear: tear === true };
}

/** Before a run with a power cut: a cut that cannot lose anything, or that nothing checks, is said so. */
export function warnPowerCut(io: Io, profile: KernelProfile, jobs: readonly FioJob[]): void {
  if ((profile.device as { write_cache?: boolean }).write_cache !== true) {
    io.err(`dio: warning: --power-cut: the device of profile '${profile.name}' has no volatile write cache (device.write_cache is false), so the cut loses no acknowledged write; use a profile file with "device": {"write_cache": true}`);
  }
  if (!jobs.some((j) => j.data.verify !== 'none' && j.data.doVerify && j.rw !== 'read' && j.rw !== 'randread')) {
    io.err('dio: warning: --power-cut: no job writes with verify= (and do_verify=1), so nothing is read back after the cut');
  }
}

const msText = (ns: number): string => `${Number((ns / 1e6).toFixed(3))} ms`;

/** What the power cut did, on stderr (the jobs' verify messages follow it). */
export function reportPowerCut(io: Io, res: RunOutput): void {
  const c = res.powerCut;
  if (c === undefined) return;
  const r = c.report;
  const when = c.cutAtNs === c.atNs ? `at ${msText(c.atNs)}` : `at ${msText(c.atNs)} (the power went at ${msText(c.cutAtNs)}, once the I/Os in flight had completed)`;
  io.err(`dio: power cut ${when}${c.tear ? ', torn' : ''}: ${r.droppedWrites} acknowledged writes lost from the volatile cache (${r.droppedSectors} sectors), ${r.keptWrites} had reached the media; power restored, the verifying jobs read back what was acknowledged`);
}
