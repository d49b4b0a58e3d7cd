/**
 * `dio sweep`: a user's fio job file across the cartesian product of
 * `--set` option values and kernel profiles, one independent seeded
 * simulation per point (run by the same worker pool as `dio compare`).
 * @module
 */
import { DDIRS, type KernelProfile, type LatencySource, runJobs } from '@dio/fio';
import { errnoName } from '@dio/kiocb';
import { type ClatSummary, kiops, renderTable } from './compare';
import { type CellAccounting, cellAccounting, mergedBins } from './report/accounting';
import { JobFailed, UsageError, userMessage } from './errors';
import type { Provenance } from './report/provenance';
import { parsePoint, pointLabel, type SetPoint } from './sweep-set';

/** One point of a sweep, as sent to a worker: everything it needs, structured-cloneable. */
export interface SweepTask {
  /** The job file's text and name (the name is used in error messages). */
  readonly text: string;
  readonly file: string;
  readonly point: SetPoint;
  readonly profile: KernelProfile;
  readonly seed: number;
  /** Run with the per-stage CPU accounting, for the report's figures (see `CompareOptions.accounting`). */
  readonly accounting: boolean;
}

/** The result of one point, with the report's figures (stage table, completion contexts, clat buckets) when it ran with `accounting`. */
export interface SweepCell extends Partial<CellAccounting> {
  readonly point: SetPoint;
  readonly profile: string;
  /** I/Os per simulated second, every job and direction together. */
  readonly iops: number;
  /** Completion latency over every job and direction. */
  readonly clat_ns: ClatSummary;
}

/** The tasks of a sweep in output order: for each point (first `--set` slowest), each profile. */
export function sweepTasks(text: string, file: string, points: readonly SetPoint[], profiles: readonly KernelProfile[], seed: number, accounting = true): SweepTask[] {
  return points.flatMap((point) => profiles.map((profile) => ({ text, file, point, profile, seed, accounting })));
}

/** `p`-th percentile of merged `[value, count]` histogram bins (the smallest value with at least p% of samples at or below it). */
function binPercentile(bins: readonly (readonly [number, number])[], total: number, p: number): number {
  const need = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [v, c] of bins) {
    seen += c;
    if (seen >= need) return v;
  }
  return bins.at(-1)?.[0] ?? 0;
}

/** The clat summary of several latency sources: the source's own figures when there is one, else merged histograms. */
function mergedClat(sources: readonly LatencySource[]): ClatSummary {
  const [only] = sources;
  if (sources.length === 1 && only !== undefined) return { mean: only.mean, p50: only.percentile(50), p99: only.percentile(99), 'p99.9': only.percentile(99.9) };
  let total = 0;
  let sum = 0;
  for (const s of sources) {
    total += s.count;
    sum += s.mean * s.count;
  }
  const bins = mergedBins(sources);
  const at = (p: number): number => binPercentile(bins, total, p);
  return { mean: total > 0 ? sum / total : 0, p50: at(50), p99: at(99), 'p99.9': at(99.9) };
}

/** Runs the jobs; a user error in setting them up (say, bs larger than the file) says which point caused it. */
function runPoint(t: SweepTask): ReturnType<typeof runJobs> {
  const jobs = parsePoint(t.text, t.file, t.point);
  try {
    return runJobs(jobs, t.profile, { seed: t.seed, accounting: { stages: t.accounting } });
  } catch (e) {
    const msg = userMessage(e);
    if (msg === null || t.point.length === 0) throw e;
    throw new UsageError(`${msg} (with --set ${pointLabel(t.point)})`);
  }
}

/** Run one point. A job that ends with an error fails the sweep (exit 1), naming the point. */
export function sweepCell(t: SweepTask): SweepCell {
  const out = runPoint(t);
  const failed = out.result.jobs.filter((j) => j.error !== 0);
  if (failed.length > 0) {
    const where = t.point.length > 0 ? ` with --set ${pointLabel(t.point)}` : '';
    throw new JobFailed(failed.map((j) => `job '${j.name}' failed on ${t.profile.name}${where}: error=${j.error} (${errnoName(-j.error)})`).join('; '));
  }
  let iops = 0;
  let ios = 0;
  const clats: LatencySource[] = [];
  for (const j of out.result.jobs) {
    for (const d of DDIRS) {
      const r = j[d];
      if (r.totalIos === 0) continue;
      if (r.runtimeNs > 0) iops += r.totalIos / (r.runtimeNs / 1e9);
      ios += r.totalIos;
      clats.push(r.clat);
    }
  }
  return { point: t.point, profile: t.profile.name, iops, clat_ns: mergedClat(clats), ...(t.accounting && cellAccounting(out.stack.sim, ios, clats)) };
}

/** The line above the table. */
export const sweepHeading = (file: string, combinations: number, profiles: number, seed: number): string => `dio sweep: ${file}, ${combinations} combination(s) x ${profiles} profile(s), seed ${seed}`;

const us = (ns: number): string => `${(ns / 1000).toFixed(1)} us`;

/** The sweep's table: one row per point; one IOPS column per profile, then one p99 clat column per profile. */
export function formatSweepTable(cells: readonly SweepCell[], profiles: readonly Pick<KernelProfile, 'name'>[]): string {
  const options = cells[0]?.point.map(([o]) => o) ?? [];
  const head = [...options, ...profiles.map((p) => `IOPS ${p.name}`), ...profiles.map((p) => `p99 clat ${p.name}`)];
  const rows: string[][] = [];
  for (let i = 0; i < cells.length; i += profiles.length) {
    const row = cells.slice(i, i + profiles.length);
    rows.push([...(row[0]?.point.map(([, v]) => v) ?? []), ...row.map((c) => kiops(c.iops)), ...row.map((c) => us(c.clat_ns.p99))]);
  }
  return renderTable([head, ...rows]);
}

/** A `--set` value as JSON: a number when it is a plain decimal number, else the string as written. */
function jsonValue(v: string): number | string {
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}

/** `--format json`: `{ results: [{ set, profile, iops, clat_ns, cpu_ns_per_io, completions, clat_bins }], seed, provenance }`. */
export function sweepJson(cells: readonly SweepCell[], seed: number, provenance?: Provenance): string {
  const results = cells.map((c) => ({
    set: Object.fromEntries(c.point.map(([o, v]) => [o, jsonValue(v)])),
    profile: c.profile,
    iops: Math.round(c.iops),
    clat_ns: c.clat_ns,
    cpu_ns_per_io: c.cpu_ns_per_io,
    completions: c.completions,
    clat_bins: c.clat_bins,
  }));
  return JSON.stringify({ results, seed, ...(provenance !== undefined && { provenance }) }, null, 2);
}
