/**
 * A job's files before its I/O starts (filesetup.c: setup_files(),
 * extend_file()): their names (filename, filename_format, directory,
 * nrfiles), sizes, layout on the simulated file system, and open fds.
 * @module
 */
import type { Layout } from '@dio/fs';
import { O_DIRECT, O_DSYNC, O_RDWR, O_SYNC } from '@dio/kiocb';
import type { FioJob } from '../job';
import { jobFilePath } from '../files/file-options';
import { planFiles } from '../gen/file-plan';
import type { GenFile } from '../gen/io-gen';
import type { Stack } from './stack';

/** Thrown for a job the emulator cannot run (with the job's location). */
export class JobSetupError extends Error {
  override readonly name = 'JobSetupError';
}

/** Every file clone `jobnum` of a job uses: its `filename`, or `nrfiles` files named by filename_format (`$filenum` 0..n-1). */
export function jobFilePaths(job: FioJob, jobnum: number): string[] {
  const n = job.filename !== undefined ? 1 : job.files.nrfiles;
  return Array.from({ length: n }, (_, i) => jobFilePath(job.name, job.filename, job.files, jobnum, i));
}

/** The file clone `jobnum` of a job uses (fio's `<name>.<jobnum>.0` unless filename / filename_format / directory say otherwise) and its size. */
export function jobFile(job: FioJob, jobnum: number): { path: string; size: number } {
  const size = job.filesize ?? job.size;
  if (size === undefined && job.io.sizePercent === undefined) throw new JobSetupError(`${job.source.file}:${job.source.line}: job '${job.name}' needs size= or filesize=`);
  return { path: jobFilePath(job.name, job.filename, job.files, jobnum), size: size ?? 0 };
}

/**
 * How a job's file is laid out before the run (fio filesetup.c:
 * extend_file()). By default dio treats the file as already there and fully
 * written — the series' /data1/file, so writes are pure overwrites. Given an
 * explicit `fallocate=` (in the job or [global]) a write-only job without
 * `overwrite=1` gets what fio leaves on a new file: unwritten extents
 * (native, posix, keep) or a hole (none, truncate), and its writes convert
 * them at completion. Jobs that read, and `overwrite=1`, have fio write the
 * file out first: written.
 */
export function fileLayout(job: FioJob): Layout {
  const writeOnly = job.rw === 'write' || job.rw === 'randwrite';
  const explicit = job.setAt.has('fallocate');
  if (!writeOnly || job.overwrite || !explicit) return 'written';
  return job.fallocate === 'none' || job.fallocate === 'truncate' ? 'hole' : 'unwritten';
}

/** The files a job clone does I/O to: names, fio's sizing, and an open fd each (in fio's order). */
export interface JobFiles {
  readonly paths: readonly string[];
  readonly plans: readonly GenFile[];
  readonly fds: readonly number[];
}

// filesetup.c: setup_files()
/** Sizes, creates (or checks) and opens every file of clone `subjob` of `job`. */
export function setupJobFiles(stack: Stack, job: FioJob, subjob: number): JobFiles {
  const paths = jobFilePaths(job, subjob);
  let plans: GenFile[];
  try {
    plans = planFiles(job, paths, subjob, (p) => stack.fs.lookup(p)?.iSize);
  } catch (e) {
    throw new JobSetupError(`${job.source.file}:${job.source.line}: ${(e as Error).message}`);
  }
  let flags = O_RDWR;
  if (job.direct) flags |= O_DIRECT;
  if (job.sync === 'sync') flags |= O_SYNC;
  else if (job.sync === 'dsync') flags |= O_DSYNC;
  const fds: number[] = [];
  for (const plan of plans) {
    const p = plan.name;
    const existing = stack.fs.lookup(p);
    if (existing === undefined) stack.fs.create(p, plan.realSize, fileLayout(job));
    else if (existing.iSize < plan.ioSize + plan.startOffset) throw new JobSetupError(`${job.source.file}:${job.source.line}: job '${job.name}': ${p} is ${existing.iSize} bytes, the job needs ${plan.ioSize + plan.startOffset}`);
    const file = stack.fs.open(p, flags);
    if (typeof file === 'number') throw new JobSetupError(`job '${job.name}': open ${p} failed (${file})`);
    fds.push(stack.files.install(file));
  }
  return { paths, plans, fds };
}
