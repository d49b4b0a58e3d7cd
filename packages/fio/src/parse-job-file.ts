/**
 * parseJobFile(): an fio job file to resolved jobs.
 * @module
 */
import { FioJobError } from './errors';
import { defaultExpandContext, type ExpandContext, expandValue } from './expand';
import { parseIni } from './ini';
import type { FioJob } from './job';
import { byLine, caught, JobBuilder, lookupOption, throwError, type ErrorSink, type RawOption } from './resolve';

/** How a job file is read into a builder. */
export interface JobFileOptions {
  /** fio's `--section`: only these job sections are parsed and run (`[global]` always applies). */
  readonly sections?: readonly string[];
  /** Where errors go (thrown by default). */
  readonly sink?: ErrorSink;
  /** The environment for `${VAR}` and the machine for `$pagesize` / `$ncpus` / `$mb_memory` (default: this process's). */
  readonly expand?: ExpandContext;
}

/**
 * init.c: __parse_jobs_ini() — adds a job file's sections to `builder`:
 * `[global]` sections set defaults for the jobs after them; every other
 * section is a job. With `sections`, other job sections are skipped unread,
 * as fio's skip_this_section().
 */
export function addJobFile(builder: JobBuilder, text: string, fileName: string, opts: JobFileOptions = {}): void {
  const sink = opts.sink ?? throwError;
  const expand = opts.expand ?? defaultExpandContext();
  for (const section of parseIni(text, fileName, sink)) {
    const isGlobal = section.name === 'global';
    if (!isGlobal && opts.sections !== undefined && !opts.sections.includes(section.name)) continue;
    let failed = section.failed;
    const raw = section.entries.flatMap((e): RawOption[] => {
      const o = caught(sink, () => {
        // init.c: ${VAR} and fio's $keywords in values
        const x = e.value === undefined ? undefined : expandValue(e.value, expand);
        if (x !== undefined && !x.ok) throw new FioJobError(fileName, e.line, `option '${e.key}': ${x.error}`, e.key);
        return lookupOption(e.key, x?.value, { file: fileName, line: e.line });
      });
      if (o === undefined) failed = true;
      return o === undefined ? [] : [o];
    });
    if (isGlobal) {
      builder.addGlobal(raw);
      if (failed) builder.failGlobals();
    } else builder.addJob(section.name, { file: fileName, line: section.line }, raw, failed);
  }
}

/**
 * Parses an fio job file. `[global]` sections set defaults for the jobs after
 * them; every other section is a job. `include` is not supported.
 *
 * @param text the job file's contents
 * @param fileName used in error messages (`job.fio:7: ...`)
 * @param expand the environment for `${VAR}` and the machine for `$pagesize` / `$ncpus` / `$mb_memory`
 * @returns the jobs in file order, with fio's defaults applied
 * @throws FioJobError for the first (by line) syntax error, unsupported
 *   option, bad value or inconsistent job, with the file and line
 *
 * @example
 * ```ts
 * const [job] = parseJobFile('[w]\nrw=randwrite\nbs=4k\nsize=1g\nioengine=io_uring\niodepth=4\n', 'w.fio');
 * job.iodepth; // 4
 * ```
 */
export function parseJobFile(text: string, fileName: string, expand: ExpandContext = defaultExpandContext()): FioJob[] {
  const errors: FioJobError[] = [];
  const builder = new JobBuilder((e) => errors.push(e));
  addJobFile(builder, text, fileName, { sink: (e) => errors.push(e), expand });
  const jobs = builder.hasJobs ? builder.finish(fileName) : [];
  const [first] = byLine(errors);
  if (first !== undefined) throw first;
  if (jobs.length === 0) throw new FioJobError(fileName, 0, 'no jobs defined');
  return jobs;
}
