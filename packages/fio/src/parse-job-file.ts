/**
 * parseJobFile(): an fio job file to resolved jobs.
 * @module
 */
import { FioJobError } from './errors';
import { defaultExpandContext, type ExpandContext, expandValue } from './expand';
import { parseIni } from './ini';
import type { FioJob } from './job';
import { JobBuilder, lookupOption } from './resolve';

/**
 * Parses an fio job file. `[global]` sections set defaults for the jobs after
 * them; every other section is a job. `include` is not supported.
 *
 * @param text the job file's contents
 * @param fileName used in error messages (`job.fio:7: ...`)
 * @param expand the environment for `${VAR}` and the machine for `$pagesize` / `$ncpus` / `$mb_memory`
 * @returns the jobs in file order, with fio's defaults applied
 * @throws FioJobError for any syntax error, unsupported option, bad value or
 *   inconsistent job, with the file and line
 *
 * @example
 * ```ts
 * const [job] = parseJobFile('[w]\nrw=randwrite\nbs=4k\nsize=1g\nioengine=io_uring\niodepth=4\n', 'w.fio');
 * job.iodepth; // 4
 * ```
 */
export function parseJobFile(text: string, fileName: string, expand: ExpandContext = defaultExpandContext()): FioJob[] {
  const builder = new JobBuilder();
  for (const section of parseIni(text, fileName)) {
    const opts = section.entries.map((e) => {
      // init.c: ${VAR} and fio's $keywords in values
      const x = e.value === undefined ? undefined : expandValue(e.value, expand);
      if (x !== undefined && !x.ok) throw new FioJobError(fileName, e.line, `option '${e.key}': ${x.error}`, e.key);
      return lookupOption(e.key, x?.value, { file: fileName, line: e.line });
    });
    if (section.name === 'global') builder.addGlobal(opts);
    else builder.addJob(section.name, { file: fileName, line: section.line }, opts);
  }
  return builder.finish(fileName);
}
