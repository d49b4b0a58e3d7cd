/**
 * The series' table, rebuilt from the public API only: the same fio job
 * (Jens Axboe's command line) on three kernel profiles at each depth.
 */
import { type KernelProfile, LINUX_6_19, LINUX_6_5, LINUX_6_6_RC1, parseFioArgs, runJobs } from '@dio/fio';

/** One row: IOPS per profile at one queue depth. */
export interface Row {
  readonly qd: number;
  readonly stock: number;
  readonly patched: number;
  readonly inline: number;
}

function iops(qd: number, profile: KernelProfile, runtime: string, seed: number): number {
  const { jobs } = parseFioArgs([
    '--name=dio-write',
    '--filename=/data1/file',
    '--size=1g',
    '--time_based=1',
    `--runtime=${runtime}`,
    '--bs=4096',
    '--rw=randwrite',
    '--norandommap',
    '--buffered=0',
    '--cpus_allowed=4',
    '--ioengine=io_uring',
    `--iodepth=${qd}`,
  ]);
  const w = runJobs(jobs, profile, { seed }).result.jobs[0]?.write;
  return w && w.runtimeNs > 0 ? w.totalIos / (w.runtimeNs / 1e9) : 0;
}

/** Stock (linux-6.5), patched (linux-6.6-rc1) and 6.19 inline at each depth. */
export function callerCompTable(opts: { qds?: readonly number[]; runtime?: string; seed?: number } = {}): Row[] {
  const { qds = [1, 2, 4, 8, 16], runtime = '200ms', seed = 1 } = opts;
  return qds.map((qd) => ({
    qd,
    stock: iops(qd, LINUX_6_5, runtime, seed),
    patched: iops(qd, LINUX_6_6_RC1, runtime, seed),
    inline: iops(qd, LINUX_6_19, runtime, seed),
  }));
}

/** The table as text. */
export function formatRows(rows: readonly Row[]): string {
  const k = (x: number) => `${Math.round(x / 1000)}K`.padStart(5);
  const d = (a: number, b: number) => `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)}%`.padStart(7);
  const lines = ['QD | stock (6.5) | patched (6.6-rc1) | inline (6.19) | patched vs stock | inline vs stock'];
  for (const r of rows) lines.push(`${String(r.qd).padStart(2)} | ${k(r.stock)}       | ${k(r.patched)}             | ${k(r.inline)}         | ${d(r.stock, r.patched)}          | ${d(r.stock, r.inline)}`);
  return lines.join('\n');
}
