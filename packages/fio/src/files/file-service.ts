/**
 * fio's file_service_type (options.c: str_fst_cb()): how a job with several
 * files picks the file of its next I/O. `random`, `roundrobin` and
 * `sequential` take `:<nr>` (I/Os per pick); `zipf`, `pareto` and `normal`
 * (`gauss`) draw the file from that distribution, `:<value>` its parameter
 * (theta, h, deviation in %), with fio's defaults and range checks.
 * @module
 */
import type { Parsed } from '../units';

/** A parsed file_service_type. */
export type FileService =
  | { readonly kind: 'roundrobin' | 'sequential' | 'random'; readonly nr: number }
  | { readonly kind: 'zipf' | 'pareto' | 'normal'; readonly value: number };

const UNIFORM = /^(random|roundrobin|sequential)(?::([0-9.]+))?$/;
const SKEWED = /^(zipf|pareto|normal|gauss)(?::(.*))?$/;

// lib/strtod / str_to_float(): a plain decimal, optionally signed
const FLOAT = /^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?$/i;

/** options.c: str_fst_cb(): the service, or fio's complaint. */
export function parseFileService(raw: string): Parsed<FileService> {
  const s = raw.trim();
  const u = UNIFORM.exec(s);
  if (u !== null) {
    const kind = u[1] as 'roundrobin' | 'sequential' | 'random';
    return { ok: true, value: { kind, nr: u[2] === undefined ? 1 : Math.max(1, Number.parseInt(u[2], 10) || 1) } };
  }
  const k = SKEWED.exec(s);
  if (k === null) return { ok: false, error: `'${raw}' is not one of random, roundrobin, sequential, zipf, pareto, normal, gauss (with an optional :<value>)` };
  const kind = k[1] === 'gauss' ? 'normal' : (k[1] as 'zipf' | 'pareto' | 'normal');
  let value = kind === 'zipf' ? 1.1 : kind === 'pareto' ? 0.2 : 0.0;
  if (k[2] !== undefined) {
    if (!FLOAT.test(k[2])) return { ok: false, error: `'${k[2]}' is not a number (fio: file service type random postfix parsing failed)` };
    value = Number(k[2]);
  }
  if (kind === 'zipf' && value === 1.0) return { ok: false, error: 'zipf theta must be different than 1.0' };
  if (kind === 'pareto' && (value <= 0 || value >= 1)) return { ok: false, error: 'pareto input out of range (0 < input < 1.0)' };
  if (kind === 'normal' && (value < 0 || value >= 100)) return { ok: false, error: 'normal deviation out of range (0 <= input < 100.0)' };
  return { ok: true, value: { kind, value } };
}
