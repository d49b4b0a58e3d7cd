/**
 * What dio refuses about a job that fio would run: the parts of a resolved
 * job the emulator does not model (today: buffered I/O, fio's default), each
 * as a `FioJobError` at the line that sets it — or at the job's section when
 * it is fio's default.
 * @module
 */
import { FioJobError } from './errors';
import type { FioJob } from './job';
import { bufferedRefusal } from './refusals';

/** Every reason dio cannot run `job` as written (empty when it can). */
export function emulationBlockers(job: FioJob): FioJobError[] {
  const out: FioJobError[] = [];
  if (!job.direct) {
    const option = job.setAt.has('direct') ? 'direct' : job.setAt.has('buffered') ? 'buffered' : undefined;
    const at = (option === undefined ? undefined : job.setAt.get(option)) ?? job.source;
    const written = option === undefined ? undefined : option === 'direct' ? 'direct=0' : 'buffered=1';
    out.push(new FioJobError(at.file, at.line, bufferedRefusal(written, job.name), option ?? 'direct'));
  }
  return out;
}

/** Throws the first blocker of the first job that has one (what a run does before it starts). */
export function assertEmulated(jobs: readonly FioJob[]): void {
  for (const job of jobs) {
    const [first] = emulationBlockers(job);
    if (first !== undefined) throw first;
  }
}

/**
 * What fio warns about before it runs `job` and then runs anyway: time_based
 * without a runtime (fio: "time_based requires a runtime/timeout setting",
 * then the job runs size-based), and a time-based write job with verify and
 * no verify_backlog (fio: the verification read phase never starts), and
 * verifying clones that share a file.
 */
export function jobWarnings(job: FioJob, opts: { readonly powerCut?: boolean } = {}): string[] {
  const out: string[] = [];
  if (job.timeBased && job.runtimeNs === 0) {
    const at = job.setAt.get('time_based') ?? job.source;
    out.push(`${at.file}:${at.line}: job '${job.name}': time_based requires a runtime/timeout setting; it runs size-based, as in fio`);
  }
  const writes = job.rw !== 'read' && job.rw !== 'randread';
  const d = job.data;
  // (with a power cut the read phase comes after the cut)
  if (job.timeBased && job.runtimeNs > 0 && writes && d.verify !== 'none' && d.doVerify && d.verifyBacklog === 0 && opts.powerCut !== true) {
    const at = job.setAt.get('verify') ?? job.source;
    out.push(`${at.file}:${at.line}: job '${job.name}': verification read phase will never start because write phase uses all of runtime (as fio: add verify_backlog=N to verify as it writes)`);
  }
  // init.c: fixup_options(): clones writing one file overwrite each other's blocks
  const f = job.files.filenameFormat;
  const shared = job.filename !== undefined || !['$jobname', '$jobnum', '$filenum'].every((k) => f.includes(k));
  if (writes && d.verify !== 'none' && d.doVerify && job.numjobs > 1 && shared) {
    const at = job.setAt.get('verify') ?? job.source;
    out.push(`${at.file}:${at.line}: job '${job.name}': multiple writers may overwrite blocks that belong to other jobs. This can cause verification failures.`);
  }
  return out;
}
