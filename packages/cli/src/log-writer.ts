/**
 * `dio run`'s log files (write_lat_log, write_bw_log, write_iops_log,
 * write_hist_log), written as the jobs make them, as fio does: a long run's
 * logs never sit in memory. Jobs that share a log file (`per_job_logs=0`)
 * write one after the other, as before: the first job writes the file, each
 * later one a part file beside it, appended when it closes (the run closes
 * the jobs' logs in job order).
 * @module
 */
import type { LogOpener } from '@dio/fio';
import type { UserFs } from './user-fs';

/** Log files under the user's directory. */
export function logOpener(files: UserFs): LogOpener {
  const opened = new Map<string, number>();
  return (path, what) => {
    const n = opened.get(path) ?? 0;
    opened.set(path, n + 1);
    if (n === 0) return files.open(path, what);
    const part = `${path}.dio-part${n}`;
    const w = files.open(part, what);
    return {
      write: (text) => w.write(text),
      close: () => {
        w.close();
        files.appendAndRemove(part, path, what);
      },
    };
  };
}
