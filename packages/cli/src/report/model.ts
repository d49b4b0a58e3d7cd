/**
 * What a report shows, whichever way it was made: from cells just simulated
 * (`--report`) or from saved JSON (`dio report results.json`) — the output of
 * `compare`/`sweep --format json`, or fio (or `dio run`) `--output-format json`/`json+`.
 * @module
 */
import { z } from 'zod';
import { UsageError } from '../errors';
import type { Provenance } from './provenance';

/** One point of a compare or sweep: an x position (QD or `--set` combination) on one kernel. */
export interface GridPoint {
  readonly x: number | string;
  readonly profile: string;
  readonly iops: number;
  readonly clat_ns: { readonly mean: number; readonly p50: number; readonly p99: number; readonly 'p99.9': number };
  readonly cpu_ns_per_io?: Readonly<Record<string, number>> | undefined;
  readonly completions?: Readonly<Record<string, number>> | undefined;
  readonly clat_bins?: readonly (readonly [number, number])[] | undefined;
}

/** A published measurement to overlay. */
export interface PublishedPoint {
  readonly x: number;
  readonly profile: string;
  readonly iops: number;
  readonly source: string;
}

/** A compare or sweep report. */
export interface GridReport {
  readonly kind: 'compare' | 'sweep';
  /** The x axis: `queue depth`, a `--set` option, or `combination`. */
  readonly xTitle: string;
  /** x is a number (a log2 axis) rather than a label. */
  readonly xNumeric: boolean;
  readonly points: readonly GridPoint[];
  /** Profile names in column order (the first is the baseline of the gains). */
  readonly profiles: readonly string[];
  readonly published: readonly PublishedPoint[];
  readonly seed: number;
  readonly provenance: Provenance | null;
}

/** A `run` report: fio's JSON (json+ for histograms) and, when simulated just now, CPU utilisation windows. */
export interface RunReport {
  readonly kind: 'run';
  readonly fio: FioJson;
  readonly cpu: CpuUtil | null;
  readonly provenance: Provenance | null;
}

/** Per-CPU utilisation by class in windows. */
export interface CpuUtil {
  readonly windowNs: number;
  readonly rows: readonly { readonly cpu: number; readonly t_ms: number; readonly class: string; readonly util: number }[];
}

/** Any report. */
export type Report = GridReport | RunReport;

/** Jens Axboe's measurements for the series (README; docs/calibration.md), shown where the job is the series' job. */
export const SERIES_PUBLISHED: readonly PublishedPoint[] = [
  { x: 1, profile: 'linux-6.5', iops: 155_000, source: 'Axboe' },
  { x: 1, profile: 'linux-6.6-rc1', iops: 162_000, source: 'Axboe' },
  { x: 16, profile: 'linux-6.5', iops: 615_000, source: 'Axboe' },
  { x: 16, profile: 'linux-6.6-rc1', iops: 845_000, source: 'Axboe' },
];

/** The published points that apply to a compare of `profiles` on `engine`. */
export function publishedFor(engine: string, profiles: readonly string[]): PublishedPoint[] {
  return engine === 'io_uring' ? SERIES_PUBLISHED.filter((p) => profiles.includes(p.profile)) : [];
}

const clat = z.object({ mean: z.number(), p50: z.number(), p99: z.number(), 'p99.9': z.number() });
const extras = {
  cpu_ns_per_io: z.record(z.number()).optional(),
  completions: z.record(z.number()).optional(),
  clat_bins: z.array(z.tuple([z.number(), z.number()])).optional(),
};
const provenanceSchema = z.object({
  dio_version: z.string(),
  command: z.string(),
  workload: z.string(),
  seed: z.number(),
  profiles: z.array(z.object({ name: z.string(), json: z.string() })),
  machine: z.string(),
});
const compareSchema = z.object({
  results: z.array(z.object({ qd: z.number(), policy: z.string(), profile: z.string(), iops: z.number(), clat_ns: clat, ...extras })).min(1),
  seed: z.number(),
  // how long each point ran after its ramp: a runtime or a number of I/Os
  runtime_ns: z.number().optional(),
  number_ios: z.number().optional(),
  provenance: provenanceSchema.optional(),
});
const sweepSchema = z.object({
  results: z.array(z.object({ set: z.record(z.union([z.number(), z.string()])), profile: z.string(), iops: z.number(), clat_ns: clat, ...extras })).min(1),
  seed: z.number(),
  provenance: provenanceSchema.optional(),
});
const latSchema = z.object({ mean: z.number(), percentile: z.record(z.number()).optional(), bins: z.record(z.number()).optional() }).passthrough();
const ddirSchema = z.object({ total_ios: z.number(), iops: z.number(), bw: z.number(), clat_ns: latSchema, lat_ns: latSchema, slat_ns: latSchema }).passthrough();
const fioSchema = z
  .object({
    'fio version': z.string(),
    jobs: z
      .array(
        z
          .object({
            jobname: z.string(),
            read: ddirSchema,
            write: ddirSchema,
            trim: ddirSchema,
            usr_cpu: z.number(),
            sys_cpu: z.number(),
            ctx: z.number(),
            iodepth_level: z.record(z.number()),
          })
          .passthrough(),
      )
      .min(1),
  })
  .passthrough();

/** fio's JSON output, the parts a report reads. */
export type FioJson = z.infer<typeof fioSchema>;

/** Profile names in order of first appearance. */
const profileOrder = (rows: readonly { profile: string }[]): string[] => [...new Set(rows.map((r) => r.profile))];

/** A `--set` combination as one label: `iodepth=4 bs=4k`. */
const setLabel = (set: Readonly<Record<string, number | string>>): string =>
  Object.entries(set)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

/** A sweep's x axis: the option itself when there is one numeric `--set`, else the combination's label. */
export function sweepAxis(sets: readonly Readonly<Record<string, number | string>>[]): { title: string; numeric: boolean; x: (set: Readonly<Record<string, number | string>>) => number | string } {
  const keys = Object.keys(sets[0] ?? {});
  const [only] = keys;
  if (keys.length === 1 && only !== undefined && sets.every((s) => typeof s[only] === 'number' && (s[only] as number) > 0)) return { title: only, numeric: true, x: (s) => s[only] as number };
  return { title: keys.length > 0 ? keys.join(' × ') : 'job', numeric: false, x: (s) => (keys.length > 0 ? setLabel(s) : 'job') };
}

/** Build a report from saved JSON (compare, sweep or fio); a bad file is a one-line error naming it. */
export function reportFromJson(text: string, file: string): Report {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const fio = fioSchema.safeParse(raw);
  if (fio.success) return { kind: 'run', fio: fio.data, cpu: null, provenance: null };
  const cmp = compareSchema.safeParse(raw);
  if (cmp.success) {
    const d = cmp.data;
    const profiles = profileOrder(d.results);
    return { kind: 'compare', xTitle: 'queue depth', xNumeric: true, points: d.results.map((r) => ({ ...r, x: r.qd })), profiles, published: publishedFor(engineOf(d.provenance), profiles), seed: d.seed, provenance: d.provenance ?? null };
  }
  const sw = sweepSchema.safeParse(raw);
  if (sw.success) {
    const d = sw.data;
    const axis = sweepAxis(d.results.map((r) => r.set));
    return { kind: 'sweep', xTitle: axis.title, xNumeric: axis.numeric, points: d.results.map((r) => ({ ...r, x: axis.x(r.set) })), profiles: profileOrder(d.results), published: [], seed: d.seed, provenance: d.provenance ?? null };
  }
  const issue = cmp.error.issues[0];
  throw new UsageError(`${file}: not the JSON of dio compare, dio sweep or fio (${issue ? `${issue.path.join('.') || 'top level'}: ${issue.message}` : 'unknown shape'})`);
}

/** The engine a saved compare ran (its provenance's command line; io_uring, compare's default, when unknown). */
function engineOf(p: Provenance | undefined): string {
  return /--engine[= ](\w+)/.exec(p?.command ?? '')?.[1] ?? 'io_uring';
}
