/**
 * How fio sizes a job's file (filesetup.c: setup_files(), get_start_offset()):
 * where the job starts (`offset`, `offset_increment` per clone, percentages
 * aligned up to the block size), how many bytes it covers (`size`,
 * `filesize`, `size=N%`) and how large the file must be.
 * @module
 */
import type { FioJob } from '../job';
import { blockSizes } from './io-gen';
import type { GenFile } from './io-gen';

/** filesetup.c: get_start_offset() for clone `subjob` of a file of `realSize` bytes. */
export function startOffset(job: FioJob, subjob: number, realSize: number): number {
  const io = job.io;
  const minBs = Math.min(...blockSizes(job).min);
  let align = false;
  let increment = io.offsetIncrement;
  if (io.offsetIncrementPercent !== undefined) {
    increment = Math.floor((io.offsetIncrementPercent * realSize) / 100);
    align = true;
  }
  let offset: number;
  if (io.offsetPercent !== undefined) {
    offset = Math.floor((realSize * io.offsetPercent) / 100) + subjob * increment;
    align = true;
  } else offset = job.offset + subjob * increment;
  if (align) {
    const a = io.offsetAlign > 0 ? io.offsetAlign : minBs;
    offset = Math.ceil(offset / a) * a;
  }
  return offset;
}

/**
 * filesetup.c: setup_files() for `nrfiles`: the files of clone `subjob`
 * (names in fio's order), `size` split evenly among them unless `filesize`
 * sizes each; `existing` gives the size of a file already there.
 */
export function planFiles(job: FioJob, names: readonly string[], subjob: number, existing: (name: string) => number | undefined): GenFile[] {
  if (names.length === 1) return [planFile(job, names[0] as string, subjob, existing(names[0] as string))];
  const n = names.length;
  const per = job.filesize === undefined && job.size !== undefined ? Math.floor(job.size / n) : undefined;
  return names.map((name) => planFile(per === undefined ? job : { ...job, size: per }, name, subjob, existing(name)));
}

/**
 * The file of clone `subjob`: `existing` is the size of the file when it is
 * already there (another job made it), undefined when the job creates it.
 * Throws a message (no location) when the job does not fit.
 */
export function planFile(job: FioJob, name: string, subjob: number, existing: number | undefined): GenFile {
  const minBs = Math.min(...blockSizes(job).min);
  const known = job.filesize ?? existing ?? 0;
  const start = startOffset(job, subjob, known);
  let ioSize: number;
  if (job.filesize !== undefined) ioSize = job.filesize - start;
  else if (job.size !== undefined) ioSize = job.size;
  else ioSize = known - start;
  const pct = job.io.sizePercent;
  if (pct !== undefined) {
    const fileSize = ioSize + start;
    ioSize = Math.min(Math.floor((fileSize * pct) / 100), fileSize - start);
    ioSize -= ioSize % minBs;
  }
  if (ioSize < minBs) throw new Error(`job '${job.name}': ${ioSize <= 0 ? 'offset is past the end of the file' : `${ioSize} bytes to do I/O on is less than the block size ${minBs}`}`);
  return { name, realSize: Math.max(existing ?? 0, job.filesize ?? 0, ioSize + start), ioSize, startOffset: start };
}
