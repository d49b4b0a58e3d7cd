/**
 * fio's `--output-format=json` result as `dio calibrate` reads it, validated
 * with zod: a malformed file is one error naming the file and the JSON path.
 * @module
 */
import { z } from 'zod';
import { UsageError } from './errors';

/** fio writes every option value as a string. */
const options = z.record(z.string().max(10_000), z.string().max(10_000, 'too long for an option value'));

const num = z.number().finite().nonnegative();

/** A latency block (`clat_ns`, `slat_ns`, `lat_ns`): its mean, sample count and percentiles as fio writes them. */
const latency = z
  .object({
    mean: num,
    N: num.optional(),
    percentile: z.record(z.string().max(100), num).optional(),
  })
  .passthrough();

const direction = z
  .object({
    iops: num,
    total_ios: num.optional(),
    runtime: num.optional(),
    clat_ns: latency.optional(),
    slat_ns: latency.optional(),
    lat_ns: latency.optional(),
  })
  .passthrough();

const job = z
  .object({
    jobname: z.string().max(1000).optional(),
    'job options': options,
    read: direction.optional(),
    write: direction.optional(),
    usr_cpu: num.optional(),
    sys_cpu: num.optional(),
    ctx: num.optional(),
    job_runtime: num.optional(),
  })
  .passthrough();

const result = z
  .object({
    'global options': options.optional(),
    jobs: z.array(job).min(1, 'has no jobs'),
  })
  .passthrough();

/** A fio JSON result, as much of it as calibrate reads. */
export type FioJsonResult = z.infer<typeof result>;

/** `jobs[0]["job options"]`: a zod path the way a user finds it in the file. */
export function jsonPath(path: readonly (string | number)[]): string {
  const s = path.map((k) => (typeof k === 'number' ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`)).join('');
  return s.startsWith('.') ? s.slice(1) : s || '(top level)';
}

/** Parse and validate fio JSON text from `source` (a file name, for messages). */
export function parseFioJson(text: string, source: string): FioJsonResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${source}: not JSON: ${(e as Error).message}`);
  }
  const r = result.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new UsageError(`${source}: ${jsonPath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'} (is this fio --output-format=json output?)`);
  }
  return r.data;
}

/**
 * A job's options as fio ran it: the file's "global options", overridden by
 * the job's own "job options" (fio's [global] section and job section), with
 * where each came from for error messages.
 */
export function mergedJobOptions(r: FioJsonResult, index: number): Map<string, { value: string; path: string }> {
  const out = new Map<string, { value: string; path: string }>();
  const add = (opts: Record<string, string> | undefined, at: (string | number)[]): void => {
    for (const [k, v] of Object.entries(opts ?? {})) out.set(k, { value: v, path: jsonPath([...at, k]) });
  };
  add(r['global options'], ['global options']);
  add(r.jobs[index]?.['job options'], ['jobs', index, 'job options']);
  return out;
}
