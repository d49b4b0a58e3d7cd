/**
 * parseJobFile(): an fio job file to resolved jobs.
 * @module
 */
import { parseIni } from './ini';
import type { FioJob } from './job';
import { JobBuilder, lookupOption } from './resolve';

/**
 * Parses an fio job file. `[global]` sections set defaults for the jobs after
 * them; every other section is a job. `include` is not supported.
 *
 * @param text the job file's contents
 * @param fileName used in error messages (`job.fio:7: ...`)
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
export function parseJobFile(text: string, fileName: string): FioJob[] {
  const builder = new JobBuilder();
  for (const section of parseIni(text, fileName)) {
    const opts = section.entries.map((e) => lookupOption(e.key, e.value, { file: fileName, line: e.line }));
    if (section.name === 'global') builder.addGlobal(opts);
    else builder.addJob(section.name, { file: fileName, line: section.line }, opts);
  }
  return builder.finish(fileName);
}
