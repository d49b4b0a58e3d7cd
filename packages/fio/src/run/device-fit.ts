/**
 * Before a run: do the jobs' files fit on the simulated device? fio lays
 * its files out first (filesetup.c) and fails with ENOSPC when they do not;
 * dio says so in one line, with the device size and how to grow it.
 * @module
 */
import { planFile } from '../gen/file-plan';
import { jobFile, JobSetupError } from './job-runner';
import type { FioJob } from '../job';
import type { Stack } from './stack';

const GIB = 2 ** 30;
/** `16 GiB`, or MiB when that would round (`1023.75 MiB`). */
const gib = (bytes: number): string => (bytes % GIB === 0 ? `${bytes / GIB} GiB` : `${Number((bytes / 2 ** 20).toFixed(2))} MiB`);

/** Throws JobSetupError when the files of `jobs` (every numjobs clone, each file counted once) exceed the device's free space. */
export function checkFilesFit(jobs: readonly FioJob[], stack: Stack): void {
  const bsz = stack.fs.blockSize;
  const free = stack.fs.freeBlocks * bsz;
  const sizes = new Map<string, number>();
  let need = 0;
  for (const job of jobs) {
    for (let clone = 0; clone < job.numjobs; clone++) {
      const { path } = jobFile(job, clone);
      let size: number;
      try {
        size = planFile(job, path, clone, undefined).realSize; // what the job creates (offset and size as fio)
      } catch {
        continue; // the job reports its own setup error when it starts
      }
      const blocks = Math.ceil(size / bsz) * bsz;
      const had = sizes.get(path) ?? 0;
      if (blocks <= had) continue;
      need += blocks - had;
      sizes.set(path, blocks);
      if (need <= free) continue;
      const p = stack.profile;
      const gb = Math.ceil((need + (stack.dev.sectors * 512 - free)) / GIB);
      throw new JobSetupError(
        `${job.source.file}:${job.source.line}: job '${job.name}': the job files need ${gib(need)} but the device of profile '${p.name}' holds ${gib(free)}: ` +
          `grow it in a profile file given with --profile, e.g. {"extends": "${p.name.split('+')[0]}", "device": {"gb": ${gb}}}`,
      );
    }
  }
}
