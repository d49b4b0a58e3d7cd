/**
 * The lines fio prints before a run in normal output (init.c: add_job()):
 * one `name: (g=0): rw=..., bs=(R) ..., ioengine=..., iodepth=N` per job,
 * the version, and `Starting N process(es)`.
 * @module
 */
import { blockSizes } from './gen/io-gen';
import type { FioJob } from './job';
import { SIG_FIGS } from './normal-ddir';
import { num2str } from './num2str';

/** fio's header for `jobs` as printed before they start. */
export function formatJobHeader(jobs: readonly FioJob[], fioVersion = 'fio-3.33'): string {
  let out = '';
  let procs = 0;
  let threads = false;
  for (const j of jobs) {
    const b = (n: number): string => num2str(n, SIG_FIGS, 1, true, 'byte');
    const { min, max } = blockSizes(j);
    const range = (d: 0 | 1 | 2): string => `${b(min[d])}-${b(max[d])}`;
    out += `${j.name}: (g=${j.groupId}): rw=${j.rw}, bs=(R) ${range(0)}, (W) ${range(1)}, (T) ${range(2)}, ioengine=${j.ioengine}, iodepth=${j.iodepth}\n`;
    if (j.numjobs > 1) out += '...\n';
    procs += j.numjobs;
    threads ||= j.thread;
  }
  const kind = threads ? 'thread' : 'process';
  const plural = procs > 1 ? (threads ? 's' : 'es') : '';
  return `${out}${fioVersion}\nStarting ${procs} ${kind}${plural}\n`;
}
