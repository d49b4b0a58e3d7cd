/**
 * `write_lat_log` files of `dio run`, written as the samples arrive (one
 * buffer per file), so a long job's logs take bounded memory.
 * @module
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { type FioJob, formatLatLogLine, type JobLogs, type LatLogKind, latLogFileName, type LatLogSink } from '@dio/fio';

/** Characters gathered per file before they are written. */
const CHUNK = 1 << 16;

/** Open latency log files: `latLogTo` for `runJobs`, and `close` to flush and close them all. */
export interface LatLogFiles {
  readonly latLogTo: (job: FioJob, jobNumber: number) => JobLogs;
  close(): void;
}

/** Latency log writers; the files open when a job asks for them (jobs with per_job_logs=0 share one per kind). */
export function latLogFiles(): LatLogFiles {
  const files = new Map<string, { fd: number; buf: string }>();
  const flush = (f: { fd: number; buf: string }): void => {
    writeSync(f.fd, f.buf);
    f.buf = '';
  };
  const sink = (job: FioJob, kind: LatLogKind, jobNumber: number): LatLogSink => {
    const name = latLogFileName(job.writeLatLog ?? job.name, kind, jobNumber + 1, job.perJobLogs);
    let f = files.get(name);
    if (f === undefined) {
      f = { fd: openSync(name, 'w'), buf: '' };
      files.set(name, f);
    }
    const file = f;
    const opts = { logOffset: job.logOffset };
    return {
      push: (s) => {
        file.buf += formatLatLogLine(s, opts);
        if (file.buf.length >= CHUNK) flush(file);
      },
    };
  };
  return {
    latLogTo: (job, jobNumber) => ({ slat: sink(job, 'slat', jobNumber), clat: sink(job, 'clat', jobNumber), lat: sink(job, 'lat', jobNumber) }),
    close: () => {
      for (const f of files.values()) {
        flush(f);
        closeSync(f.fd);
      }
      files.clear();
    },
  };
}
