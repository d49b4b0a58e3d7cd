/**
 * `dio compare`: the table of the IOCB_DIO_CALLER_COMP series — the same fio
 * job at several queue depths under several kernel profiles.
 * @module
 */
import { type KernelProfile, parseFioArgs, runJobs } from '@dio/fio';
import { errnoName } from '@dio/kiocb';
import { JobFailed } from './errors';
import { type CellAccounting, cellAccounting } from './report/accounting';
import type { Provenance } from './report/provenance';

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

/**
 * One cell of the comparison, with the report's figures (stage table,
 * completion contexts, clat buckets) when it ran with `accounting`.
 */
export interface CompareCell extends CompareResult, Partial<CellAccounting> {
  /** Simulated I/Os per wall-clock second for this cell. */
  readonly simIosPerSec: number;
}

/** Options of a comparison. */
export interface CompareOptions {
  readonly qds: readonly number[];
  readonly profiles: readonly KernelProfile[];
  readonly engine: 'io_uring' | 'libaio' | 'psync' | 'pvsync2';
  /**
   * What each point measures after its ramp: a fio runtime string (e.g.
   * `500ms`, `2s`, time_based), or a number of I/Os (fio's `number_ios`).
   */
  readonly length: CompareLength;
  /** fio ramp_time string (`0` for none): run this long before the stats start, per point. */
  readonly rampTime: string;
  readonly seed: number;
  /**
   * Run with the engine's per-stage CPU accounting, for the report's figures
   * (`cpu_ns_per_io`, `completions`, `clat_bins`; default true). It costs
   * about a tenth of a cell's time: the table alone does without.
   */
  readonly accounting?: boolean;
  /** Called after each cell (progress). */
  readonly onCell?: (done: number, total: number) => void;
}

/**
 * What a point measures after its ramp: `{ runtime }` runs time_based for
 * that long (fio time syntax), `{ ios }` until that many I/Os have been
 * issued after the ramp (fio's `number_ios`, which fio counts from the ramp's
 * end) — the precision of an IOPS figure depends on how many I/Os it counts,
 * so a count gives every depth the same precision for the least work.
 */
export type CompareLength = { readonly runtime: string } | { readonly ios: number };

/** The 4 KiB blocks of the series' 1 GiB file: a count past it would end at the file's end (fio's size) first. */
export const SERIES_BLOCKS = (1 << 30) / 4096;

/** The fio options of a length. */
const lengthArgs = (l: CompareLength): string[] => ('ios' in l ? [`--number_ios=${l.ios}`] : ['--time_based=1', `--runtime=${l.runtime}`]);

/** The length as the heading says it: `runtime 200ms` or `20000 I/Os`. */
export const lengthText = (l: CompareLength): string => ('ios' in l ? `${l.ios.toLocaleString('en-US')} I/Os` : `runtime ${l.runtime}`);

/** The fio command line of the series (Jens Axboe's, with the length, ramp and depth substituted; a string is a runtime). */
export function seriesJobArgs(qd: number, engine: string, length: CompareLength | string, rampTime = '0'): string[] {
  return [
    '--name=dio-write',
    '--filename=/data1/file',
    '--size=1g',
    ...lengthArgs(typeof length === 'string' ? { runtime: length } : length),
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
 * run ~10% fast), then the fewest I/Os that keep every cell of the default
 * table within `precisionPct` of a 1 s steady-state run, over seeds
 * (test/compare-precision.test.ts, against a reference made by
 * `pnpm --filter @dio/cli compare:reference`). A count, not a time: the
 * error of an IOPS figure is set by the I/Os it counts (docs/performance.md,
 * "Time to answer"), and QD16 does 5× QD1's I/Os per simulated ms.
 */
export const COMPARE_DEFAULTS = { rampTime: '10ms', ios: 20_000, precisionPct: 0.3 } as const;

/** What the line above the table says: the grid's engine, ramp, length and profiles. */
export interface HeadingOptions extends Pick<CompareOptions, 'rampTime' | 'length'> {
  readonly engine: string;
  readonly profiles: readonly { readonly name: string }[];
}

/**
 * The header's note on precision: stated only where the test proves it, for
 * the default ramp and runtime on the series' grid (io_uring, stock vs patched).
 */
export function precisionNote(o: HeadingOptions): string {
  const series = o.profiles.length === 2 && o.profiles.every((p, i) => p.name === SERIES_PAIR[i]);
  const proven = series && o.engine === 'io_uring' && o.rampTime === COMPARE_DEFAULTS.rampTime && 'ios' in o.length && o.length.ios === COMPARE_DEFAULTS.ios;
  return proven ? ` (±${COMPARE_DEFAULTS.precisionPct}% of steady state)` : '';
}

/**
 * Where an async DIO write completion of `engine` actually runs under
 * `profile`: the profile's policy names what iomap would do with
 * IOCB_DIO_CALLER_COMP, but only io_uring on a kernel that sets the flag
 * (6.6-rc1) hands completions back to the caller; everyone else's go
 * through the workqueue (linux-6.6 is `caller` code with a `workqueue` path).
 */
export function completionPath(profile: KernelProfile, engine: string): string {
  if (profile.policy !== 'caller') return profile.policy;
  return engine === 'io_uring' && profile.ioUringCallerComp ? 'caller' : 'workqueue';
}

/** One cell as sent to a worker: everything it needs, structured-cloneable. */
export interface CompareTask extends Pick<CompareOptions, 'engine' | 'length' | 'rampTime' | 'seed'> {
  readonly qd: number;
  readonly profile: KernelProfile;
  readonly accounting: boolean;
}

/** The cells of the grid in output order: for each QD, each profile. */
export function compareTasks(o: CompareOptions): CompareTask[] {
  return o.qds.flatMap((qd) => o.profiles.map((profile) => ({ qd, profile, engine: o.engine, length: o.length, rampTime: o.rampTime, seed: o.seed, accounting: o.accounting ?? true })));
}

/** Run one cell. */
export function compareCell(qd: number, profile: KernelProfile, o: Pick<CompareOptions, 'engine' | 'length' | 'rampTime' | 'seed' | 'accounting'>): CompareCell {
  const inv = parseFioArgs(seriesJobArgs(qd, o.engine, o.length, o.rampTime));
  const accounting = o.accounting ?? true;
  const out = runJobs(inv.jobs, profile, { seed: o.seed, accounting: { stages: accounting } });
  const job = out.result.jobs[0];
  if (job === undefined) throw new Error('no job result');
  // a point whose job failed (say, io_uring_setup refusing the depth) is an error, never a 0 in the table
  if (job.error !== 0) throw new JobFailed(`QD ${qd} on ${profile.name} (${o.engine}): the job failed: error=${job.error} (${errnoName(-job.error)})`);
  const w = job.write;
  const secs = w.runtimeNs / 1e9;
  const clat = w.clat;
  return {
    qd,
    policy: completionPath(profile, o.engine),
    profile: profile.name,
    iops: secs > 0 ? w.totalIos / secs : 0,
    clat_ns: { mean: clat.mean, p50: clat.percentile(50), p99: clat.percentile(99), 'p99.9': clat.percentile(99.9) },
    simIosPerSec: out.wallMs > 0 ? (out.ios / out.wallMs) * 1000 : 0,
    ...(accounting && cellAccounting(out.stack.sim, w.totalIos, [clat])),
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

/**
 * How long each point ran after its ramp, as the JSON says it: `runtime_ns`
 * (a runtime) or `number_ios` (a count).
 */
export type LengthJson = { readonly runtime_ns: number } | { readonly number_ios: number };

/** `--format json`: `{ results: [{ qd, policy, profile, iops, clat_ns, cpu_ns_per_io, completions, clat_bins }], seed, runtime_ns | number_ios, ramp_time_ns, provenance }`. */
export function compareJson(cells: readonly CompareCell[], seed: number, length: LengthJson, rampNs: number, provenance?: Provenance): string {
  const results = cells.map(({ qd, policy, profile, iops, clat_ns, cpu_ns_per_io, completions, clat_bins }) => ({ qd, policy, profile, iops: Math.round(iops), clat_ns, cpu_ns_per_io, completions, clat_bins }));
  return JSON.stringify({ results, seed, ...length, ramp_time_ns: rampNs, ...(provenance !== undefined && { provenance }) }, null, 2);
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
export const compareHeading = (o: HeadingOptions, seed: number): string =>
  `dio compare: 4 KiB randwrite, ${o.engine}, fio on CPU 4, ramp ${o.rampTime} + ${lengthText(o.length)} per point${precisionNote(o)}, seed ${seed}`;

/** Rows (the first is the header) as a `a | b | c` table: the first column right-aligned, the last unpadded. */
export function renderTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: readonly string[]) => r.map((v, i) => (i === 0 ? v.padStart(widths[i] ?? 0) : i === r.length - 1 ? v : v.padEnd(widths[i] ?? 0))).join(' | ');
  const sep = widths.map((w) => '-'.repeat(w)).join('-|-');
  const [head, ...body] = rows;
  return [line(head ?? []), sep, ...body.map(line)].join('\n');
}
