/**
 * `dio compare`: the table of the IOCB_DIO_CALLER_COMP series — the same fio
 * job at several queue depths under several kernel profiles.
 * @module
 */
import { type KernelProfile, parseFioArgs, runJobs } from '@dio/fio';

/** Completion latency figures of one point, ns. */
export interface ClatSummary {
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly 'p99.9': number;
}

/** One cell's simulated result: what the table and the JSON print. */
export interface CompareResult {
  readonly qd: number;
  readonly policy: string;
  readonly profile: string;
  readonly iops: number;
  readonly clat_ns: ClatSummary;
}

/** One cell of the comparison. */
export interface CompareCell extends CompareResult {
  /** Simulated I/Os per wall-clock second for this cell. */
  readonly simIosPerSec: number;
}

/** Options of a comparison. */
export interface CompareOptions {
  readonly qds: readonly number[];
  readonly profiles: readonly KernelProfile[];
  readonly engine: 'io_uring' | 'libaio' | 'psync' | 'pvsync2';
  /** fio runtime string (e.g. `500ms`, `2s`): measured time per point, after the ramp. */
  readonly runtime: string;
  /** fio ramp_time string (`0` for none): run this long before the stats start, per point. */
  readonly rampTime: string;
  readonly seed: number;
  /** Called after each cell (progress). */
  readonly onCell?: (done: number, total: number) => void;
}

/** The fio command line of the series (Jens Axboe's, with the runtime, ramp and depth substituted). */
export function seriesJobArgs(qd: number, engine: string, runtime: string, rampTime = '0'): string[] {
  return [
    '--name=dio-write',
    '--filename=/data1/file',
    '--size=1g',
    '--time_based=1',
    `--runtime=${runtime}`,
    `--ramp_time=${rampTime}`,
    '--bs=4096',
    '--rw=randwrite',
    '--norandommap',
    '--buffered=0',
    '--cpus_allowed=4',
    `--ioengine=${engine}`,
    `--iodepth=${qd}`,
  ];
}

/**
 * The default per point: a ramp past the start-up transient (the first ~8 ms
 * run ~10% fast), then the shortest measured runtime that keeps every cell of
 * the default table within `precisionPct` of a 1 s steady-state run, over
 * seeds (test/compare-precision.test.ts, against a reference made by
 * `pnpm --filter @dio/cli compare:reference`).
 */
export const COMPARE_DEFAULTS = { rampTime: '10ms', runtime: '150ms', precisionPct: 0.3 } as const;

/** The header's note on precision: stated for the default ramp and runtime only, which the test proves. */
export function precisionNote(rampTime: string, runtime: string): string {
  return rampTime === COMPARE_DEFAULTS.rampTime && runtime === COMPARE_DEFAULTS.runtime ? ` (±${COMPARE_DEFAULTS.precisionPct}% of steady state)` : '';
}

/** One cell as sent to a worker: everything it needs, structured-cloneable. */
export interface CompareTask extends Pick<CompareOptions, 'engine' | 'runtime' | 'rampTime' | 'seed'> {
  readonly qd: number;
  readonly profile: KernelProfile;
}

/** The cells of the grid in output order: for each QD, each profile. */
export function compareTasks(o: CompareOptions): CompareTask[] {
  return o.qds.flatMap((qd) => o.profiles.map((profile) => ({ qd, profile, engine: o.engine, runtime: o.runtime, rampTime: o.rampTime, seed: o.seed })));
}

/** Run one cell. */
export function compareCell(qd: number, profile: KernelProfile, o: Pick<CompareOptions, 'engine' | 'runtime' | 'rampTime' | 'seed'>): CompareCell {
  const inv = parseFioArgs(seriesJobArgs(qd, o.engine, o.runtime, o.rampTime));
  const out = runJobs(inv.jobs, profile, { seed: o.seed });
  const job = out.result.jobs[0];
  if (job === undefined) throw new Error('no job result');
  const w = job.write;
  const secs = w.runtimeNs / 1e9;
  const clat = w.clat;
  return {
    qd,
    policy: profile.policy,
    profile: profile.name,
    iops: secs > 0 ? w.totalIos / secs : 0,
    clat_ns: { mean: clat.mean, p50: clat.percentile(50), p99: clat.percentile(99), 'p99.9': clat.percentile(99.9) },
    simIosPerSec: out.wallMs > 0 ? (out.ios / out.wallMs) * 1000 : 0,
  };
}

/** Run one task (what a worker does). */
export const runCompareTask = (t: CompareTask): CompareCell => compareCell(t.qd, t.profile, t);

/** Run the whole grid on this thread, in order: for each QD, each profile. */
export function compare(o: CompareOptions): CompareCell[] {
  const tasks = compareTasks(o);
  return tasks.map((t, i) => {
    const cell = runCompareTask(t);
    o.onCell?.(i + 1, tasks.length);
    return cell;
  });
}

/** IOPS as the series' table prints them: `157K`, `1.02M`. */
export const kiops = (iops: number): string => (iops >= 1e6 ? `${(iops / 1e6).toFixed(2)}M` : `${Math.round(iops / 1000)}K`);
const pct = (a: number, b: number): string => {
  const d = ((b - a) / a) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`;
};

/** The series' own pair: only it is labelled Stock / Patched. */
const SERIES_PAIR = ['linux-6.5', 'linux-6.6-rc1'] as const;

/**
 * The series' table: one IOPS column per profile, then the difference of each
 * later profile against the first. The series' pair (linux-6.5, linux-6.6-rc1)
 * is headed `QD | Stock (linux-6.5) | Patched (linux-6.6-rc1) | Diff`; any
 * other profiles by their names (`Diff <name>`).
 */
export function formatTable(cells: readonly CompareResult[], profiles: readonly Pick<KernelProfile, 'name'>[]): string {
  const names = profiles.map((p) => p.name);
  const series = names.length === 2 && names[0] === SERIES_PAIR[0] && names[1] === SERIES_PAIR[1];
  const heads = series ? [`Stock (${names[0]})`, `Patched (${names[1]})`] : names;
  const diffHeads = series ? ['Diff'] : names.slice(1).map((n) => `Diff ${n}`);
  const rows: string[][] = [['QD', ...heads, ...diffHeads]];
  const qds = [...new Set(cells.map((c) => c.qd))];
  for (const qd of qds) {
    const row = profiles.map((p) => cells.find((c) => c.qd === qd && c.profile === p.name));
    const base = row[0]?.iops ?? 0;
    rows.push([String(qd), ...row.map((c) => (c ? kiops(c.iops) : '-')), ...row.slice(1).map((c) => (c && base > 0 ? pct(base, c.iops) : '-'))]);
  }
  return renderTable(rows);
}

/** The line above the table. */
export const compareHeading = (engine: string, rampTime: string, runtime: string, seed: number): string =>
  `dio compare: 4 KiB randwrite, ${engine}, fio on CPU 4, ramp ${rampTime} + runtime ${runtime} per point${precisionNote(rampTime, runtime)}, seed ${seed}`;

/** `--format json`: `{ results: [{ qd, policy, profile, iops, clat_ns }], seed, runtime_ns, ramp_time_ns }`. */
export function compareJson(cells: readonly CompareResult[], seed: number, runtimeNs: number, rampNs: number): string {
  const results = cells.map(({ qd, policy, profile, iops, clat_ns }) => ({ qd, policy, profile, iops: Math.round(iops), clat_ns }));
  return JSON.stringify({ results, seed, runtime_ns: runtimeNs, ramp_time_ns: rampNs }, null, 2);
}

/** Rows (the first is the header) as a `a | b | c` table: the first column right-aligned, the last unpadded. */
export function renderTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: readonly string[]) => r.map((v, i) => (i === 0 ? v.padStart(widths[i] ?? 0) : i === r.length - 1 ? v : v.padEnd(widths[i] ?? 0))).join(' | ');
  const sep = widths.map((w) => '-'.repeat(w)).join('-|-');
  const [head, ...body] = rows;
  return [line(head ?? []), sep, ...body.map(line)].join('\n');
}
