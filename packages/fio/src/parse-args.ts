/**
 * parseFioArgs(): an fio command line to resolved jobs and output settings.
 * @module
 */
import { emulationBlockers } from './blockers';
import type { ExpandContext } from './expand';
import { COMMAND_LINE, FioJobError, type SourceLocation } from './errors';
import type { FioJob, FioOptionEcho, OutputFormat } from './job';
import { addJobFile } from './parse-job-file';
import { parseTimeNs } from './units';
import { byLine, caught, JobBuilder, lookupOption, type ErrorSink, type RawOption } from './resolve';

export { COMMAND_LINE };

/** What an fio command line asks for. */
export interface FioInvocation {
  /** Jobs from `--name=` groups, then from job files, in order. */
  readonly jobs: FioJob[];
  /** Global options (before the first `--name`, then job files' `[global]`), as fio's JSON echoes them. */
  readonly globalOptions: readonly FioOptionEcho[];
  /** `--output-format` (default `normal`); several when comma-separated. */
  readonly outputFormats: readonly OutputFormat[];
  /** `--output`: where fio writes its report, when given. */
  readonly output?: string;
  /** `--parse-only`: parse and check, run nothing. */
  readonly parseOnly: boolean;
}

/** How `parseFioArgs` reaches job files named on the command line. */
export interface FioArgsOptions {
  /** Reads a job file given as a positional argument; without it, job files are an error. */
  readonly readFile?: (path: string) => string;
  /** The environment for `${VAR}` and the machine for fio's `$keywords` in job files (default: this process's). */
  readonly expand?: ExpandContext;
}

const FORMATS: Readonly<Record<string, OutputFormat>> = { normal: 'normal', json: 'json', 'json+': 'json+', terse: 'terse' };

/** fio's `--output-format` value (comma-separated formats); throws `FioJobError` at `at`. */
export function parseFormats(value: string, at: SourceLocation): OutputFormat[] {
  const out: OutputFormat[] = [];
  for (const part of value.split(',')) {
    const f = part.trim();
    const fmt = Object.prototype.hasOwnProperty.call(FORMATS, f) ? FORMATS[f] : undefined;
    if (fmt === undefined) throw new FioJobError(at.file, at.line, `invalid value '${value}' for option 'output-format': '${f}' is not one of normal, json, json+, terse`, 'output-format');
    if (!out.includes(fmt)) out.push(fmt);
  }
  return out;
}

/** fio's own command-line options (init.c: l_opts) that dio handles; every other `--opt` is a job option. */
const VALUE_OPTIONS = new Set(['output-format', 'output', 'name', 'section']);

/**
 * The command line's `--runtime` (before the first `--name`) caps every job,
 * job files' included: a job runs min(its own runtime, the cap), and one
 * without a runtime gets the cap. (In fio a job's own runtime= wins; dio caps
 * so that `--runtime` bounds any job file.)
 */
function capRuntime(jobs: readonly FioJob[], capNs: number | undefined): FioJob[] {
  if (capNs === undefined || capNs <= 0) return [...jobs];
  return jobs.map((j) => (j.runtimeNs > 0 && j.runtimeNs <= capNs ? j : { ...j, runtimeNs: capNs }));
}

function parseInvocation(argv: readonly string[], opts: FioArgsOptions, sink: ErrorSink): FioInvocation | undefined {
  const builder = new JobBuilder(sink);
  let job: { name: string; at: SourceLocation; opts: RawOption[]; failed: boolean } | undefined;
  let outputFormats: OutputFormat[] = ['normal'];
  let output: string | undefined;
  let parseOnly = false;
  let sections: string[] | undefined;
  let runtimeCap: RawOption | undefined;
  const files: { path: string; at: SourceLocation }[] = [];

  const flush = (): void => {
    if (job !== undefined) builder.addJob(job.name, job.at, job.opts, job.failed);
    job = undefined;
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const at: SourceLocation = { file: COMMAND_LINE, line: i + 1 };
    if (!arg.startsWith('-') || arg === '-' || arg === '--') {
      files.push({ path: arg, at });
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    let value = eq < 0 ? undefined : body.slice(eq + 1);
    if (name === '') throw new FioJobError(at.file, at.line, `malformed argument '${arg}'`);
    if (name === 'minimal') throw new FioJobError(at.file, at.line, 'terse output (--minimal) is not supported', name);
    if (name === 'parse-only') {
      parseOnly = true;
      continue;
    }
    if (VALUE_OPTIONS.has(name)) {
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new FioJobError(at.file, at.line, `option '${name}' requires a value`, name);
        value = argv[++i] ?? '';
      }
      if (name === 'output-format') outputFormats = parseFormats(value, at);
      else if (name === 'output') output = value;
      else if (name === 'section') sections = [...(sections ?? []), value.trim()];
      else {
        flush();
        const named = lookupOption(name, value, at);
        job = { name: value.trim(), at, opts: [named], failed: false };
      }
      continue;
    }
    const probe = caught(sink, () => lookupOption(name, value ?? '', at));
    if (probe === undefined) {
      if (job !== undefined) job.failed = true;
      else builder.failGlobals();
      continue;
    }
    if (value === undefined && probe.def.needsValue) {
      if (i + 1 >= argv.length) throw new FioJobError(at.file, at.line, `option '${name}' requires a value`, name);
      value = argv[++i] ?? '';
    }
    const raw = lookupOption(name, value, at);
    if (job !== undefined) job.opts.push(raw);
    else {
      builder.addGlobal([raw]);
      if (raw.def.name === 'runtime') runtimeCap = raw;
    }
  }
  flush();
  // init.c: command-line jobs first, then each job file on top of the command line's globals
  for (const f of files) {
    if (opts.readFile === undefined) throw new FioJobError(f.at.file, f.at.line, `job file '${f.path}' given but no way to read files`);
    const read = opts.readFile;
    const text = caught(sink, () => {
      try {
        return read(f.path);
      } catch (e) {
        throw new FioJobError(f.at.file, f.at.line, `cannot read job file '${f.path}': ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    if (text !== undefined) addJobFile(builder, text, f.path, { ...(sections === undefined ? {} : { sections }), ...(opts.expand === undefined ? {} : { expand: opts.expand }), sink });
  }
  if (!builder.hasJobs) {
    sink(new FioJobError(COMMAND_LINE, 0, 'no jobs defined (use --name=<job> or a job file)'));
    return undefined;
  }
  const jobs = builder.finish(COMMAND_LINE);
  const cap = runtimeCap?.value === undefined ? undefined : parseTimeNs(runtimeCap.value, 's');
  return {
    jobs: capRuntime(jobs, cap?.ok === true ? cap.value : undefined),
    globalOptions: builder.globalOptions,
    outputFormats,
    ...(output === undefined ? {} : { output }),
    parseOnly,
  };
}

/**
 * Parses fio's command line (without the program name), e.g.
 * `['--name=w', '--rw=randwrite', '--bs=4k', '--size=1g', '--output-format=json']`.
 * As fio's init.c: options before the first `--name` are global, for the
 * command-line jobs and every job file; each `--name` starts a new job (and
 * is echoed in its "job options", as fio does); `--opt value` works for
 * options that need a value. Positional arguments are job files, read with
 * `opts.readFile`; their jobs come after the command-line ones. `--section`
 * (repeatable) keeps only those job sections of the files; `--parse-only`
 * is reported in the result; `--runtime` before the first `--name` caps
 * every job.
 *
 * @throws FioJobError with `file` = `"command line"` and `line` = the argument's
 *   1-based index, or the job file's name and line
 */
export function parseFioArgs(argv: readonly string[], opts: FioArgsOptions = {}): FioInvocation {
  const errors: FioJobError[] = [];
  const inv = parseInvocation(argv, opts, (e) => errors.push(e));
  const [first] = byLine(errors, COMMAND_LINE);
  if (first !== undefined) throw first;
  if (inv === undefined) throw new FioJobError(COMMAND_LINE, 0, 'no jobs defined');
  return inv;
}

/** What `checkFioArgs` found. */
export interface FioArgsCheck {
  /** The invocation with the jobs that parsed (absent when nothing parsed). */
  readonly invocation: FioInvocation | undefined;
  /** Every problem, by input and line: fio's own refusals and what dio does not emulate. */
  readonly errors: readonly FioJobError[];
}

/**
 * `--parse-only` as dio does it: parses like `parseFioArgs` but returns
 * every error instead of the first (a bad option drops its job), plus each
 * parsed job's emulation blockers (`emulationBlockers`). Malformed
 * command-line syntax (a missing value, a bad `--output-format`) still throws.
 */
export function checkFioArgs(argv: readonly string[], opts: FioArgsOptions = {}): FioArgsCheck {
  const errors: FioJobError[] = [];
  const invocation = parseInvocation(argv, opts, (e) => errors.push(e));
  for (const job of invocation?.jobs ?? []) errors.push(...emulationBlockers(job));
  return { invocation, errors: byLine(errors, COMMAND_LINE) };
}
