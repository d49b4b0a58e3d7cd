/**
 * parseFioArgs(): an fio command line to resolved jobs and output settings.
 * @module
 */
import { COMMAND_LINE, FioJobError, type SourceLocation } from './errors';
import type { FioJob, FioOptionEcho, OutputFormat } from './job';
import { parseJobFile } from './parse-job-file';
import { JobBuilder, lookupOption, type RawOption } from './resolve';

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
}

/** How `parseFioArgs` reaches job files named on the command line. */
export interface FioArgsOptions {
  /** Reads a job file given as a positional argument; without it, job files are an error. */
  readonly readFile?: (path: string) => string;
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

/**
 * Parses fio's command line (without the program name), e.g.
 * `['--name=w', '--rw=randwrite', '--bs=4k', '--size=1g', '--output-format=json']`.
 * Options before the first `--name` are global; each `--name` starts a new job
 * (and is echoed in its "job options", as fio does). `--opt value` works for
 * options that need a value. Positional arguments are job files, read with
 * `opts.readFile`.
 *
 * @throws FioJobError with `file` = `"command line"` and `line` = the argument's
 *   1-based index, or the job file's name and line
 */
export function parseFioArgs(argv: readonly string[], opts: FioArgsOptions = {}): FioInvocation {
  const builder = new JobBuilder();
  let job: { name: string; at: SourceLocation; opts: RawOption[] } | undefined;
  let outputFormats: OutputFormat[] = ['normal'];
  let output: string | undefined;
  const fileJobs: FioJob[] = [];
  const fileGlobals: FioOptionEcho[] = [];
  let cliJobs = 0;

  const flush = (): void => {
    if (job !== undefined) builder.addJob(job.name, job.at, job.opts);
    job = undefined;
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const at: SourceLocation = { file: COMMAND_LINE, line: i + 1 };
    if (!arg.startsWith('-') || arg === '-' || arg === '--') {
      if (opts.readFile === undefined) throw new FioJobError(at.file, at.line, `job file '${arg}' given but no way to read files`);
      let text: string;
      try {
        text = opts.readFile(arg);
      } catch (e) {
        throw new FioJobError(at.file, at.line, `cannot read job file '${arg}': ${e instanceof Error ? e.message : String(e)}`);
      }
      const jobs = parseJobFile(text, arg);
      fileJobs.push(...jobs);
      fileGlobals.push(...(jobs[0]?.globalOptions ?? []));
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    let value = eq < 0 ? undefined : body.slice(eq + 1);
    if (name === '') throw new FioJobError(at.file, at.line, `malformed argument '${arg}'`);
    if (name === 'minimal') throw new FioJobError(at.file, at.line, 'terse output (--minimal) is not supported', name);
    if (name === 'output-format' || name === 'output' || name === 'name') {
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new FioJobError(at.file, at.line, `option '${name}' requires a value`, name);
        value = argv[++i] ?? '';
      }
      if (name === 'output-format') outputFormats = parseFormats(value, at);
      else if (name === 'output') output = value;
      else {
        flush();
        const named = lookupOption(name, value, at);
        job = { name: value.trim(), at, opts: [named] };
        cliJobs++;
      }
      continue;
    }
    const probe = lookupOption(name, value ?? '', at);
    if (value === undefined && probe.def.needsValue) {
      if (i + 1 >= argv.length) throw new FioJobError(at.file, at.line, `option '${name}' requires a value`, name);
      value = argv[++i] ?? '';
    }
    const raw = lookupOption(name, value, at);
    if (job === undefined) {
      builder.addGlobal([raw]);
    } else job.opts.push(raw);
  }
  flush();
  const jobs = cliJobs > 0 ? builder.finish(COMMAND_LINE) : [];
  jobs.push(...fileJobs);
  if (jobs.length === 0) throw new FioJobError(COMMAND_LINE, 0, 'no jobs defined (use --name=<job> or a job file)');
  const cliGlobalEcho = jobs[0]?.source.file === COMMAND_LINE ? jobs[0].globalOptions : [];
  return {
    jobs,
    globalOptions: [...cliGlobalEcho, ...fileGlobals],
    outputFormats,
    ...(output === undefined ? {} : { output }),
  };
}
