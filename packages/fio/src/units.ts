/**
 * fio's value syntax (parse.c): sizes with k/m/g/t/p suffixes and kb_base,
 * times with us/ms/s/m/h/d suffixes, integers, booleans and CPU lists. Each
 * parser returns the value or a string saying what is wrong; callers attach
 * the file and line.
 * @module
 */

/** A parse outcome: a value, or an error message. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** `kb_base`: 1024 (fio's default, "compatibility mode") or 1000. */
export type KbBase = 1000 | 1024;

const POWERS: Readonly<Record<string, number>> = { k: 1, m: 2, g: 3, t: 4, p: 5 };

function parseUnsigned(digits: string): number {
  return /^0x/i.test(digits) ? Number.parseInt(digits.slice(2), 16) : Number.parseInt(digits, 10);
}

/**
 * parse.c: str_to_decimal() with get_mult_bytes(). `4k` is 4096 under the
 * default kb_base=1024. fio's compatibility mode makes the IEC suffixes the
 * decimal ones: with kb_base=1024 `KiB` means 1000 (and with kb_base=1000
 * `k` means 1000 and `KiB` 1024). Suffixes are case-insensitive; a trailing
 * `b` alone means bytes. Percentages and fractions are not supported.
 */
export function parseSize(raw: string, kbBase: KbBase = 1024): Parsed<number> {
  const s = raw.trim();
  const m = /^(0x[0-9a-f]+|[0-9]+)([a-z%]*)$/i.exec(s);
  if (m === null) {
    if (/^[0-9]+\.[0-9]*/.test(s)) return fail(`'${raw}' is not a whole number (fio truncates fractions; write it in a smaller unit)`);
    if (/^-/.test(s)) return fail(`'${raw}' is negative`);
    return fail(`'${raw}' is not a size`);
  }
  const digits = m[1] ?? '';
  const suffix = (m[2] ?? '').toLowerCase();
  if (suffix.includes('%')) return fail(`percentage sizes ('${raw}') are not supported`);
  let mult = 1;
  if (suffix !== '' && suffix !== 'b') {
    const sm = /^([kmgtp])(b|ib)?$/.exec(suffix);
    if (sm === null) return fail(`'${raw}' has an unknown size suffix '${m[2] ?? ''}'`);
    const pow = POWERS[sm[1] ?? ''] ?? 0;
    const iec = sm[2] === 'ib';
    const unit = iec ? (kbBase === 1024 ? 1000 : 1024) : kbBase;
    mult = unit ** pow;
  }
  const v = parseUnsigned(digits) * mult;
  if (!Number.isSafeInteger(v)) return fail(`'${raw}' is too large`);
  return ok(v);
}

/** A size list `4k` or `4k,8k[,16k]` (read, write, trim), as fio's `bs`. */
export function parseSizeTriple(raw: string, kbBase: KbBase): Parsed<readonly [number, number, number]> {
  const parts = raw.split(',');
  if (parts.length > 3) return fail(`'${raw}' has more than three comma-separated values`);
  const vals: number[] = [];
  for (const p of parts) {
    if (p.trim() === '' && vals.length > 0) {
      vals.push(vals[vals.length - 1] ?? 0);
      continue;
    }
    const r = parseSize(p, kbBase);
    if (!r.ok) return r;
    vals.push(r.value);
  }
  const r0 = vals[0] ?? 0;
  const w = vals[1] ?? r0;
  const t = vals[2] ?? w;
  return ok([r0, w, t]);
}

const TIME_US: Readonly<Record<string, number>> = {
  us: 1, usec: 1, ms: 1e3, msec: 1e3, s: 1e6, sec: 1e6, m: 60e6, min: 60e6, h: 3600e6, hour: 3600e6, d: 86400e6, day: 86400e6,
};

/**
 * parse.c: get_mult_time(). Returns nanoseconds. Without a suffix the value
 * is in `defaultUnit` (seconds for `runtime` and `ramp_time`).
 */
export function parseTimeNs(raw: string, defaultUnit: 's' | 'ms' | 'us' = 's'): Parsed<number> {
  const s = raw.trim();
  const m = /^([0-9]+)([a-z]*)$/i.exec(s);
  if (m === null) return fail(`'${raw}' is not a time`);
  const suffix = (m[2] ?? '').toLowerCase();
  const us = suffix === '' ? TIME_US[defaultUnit] : TIME_US[suffix];
  if (us === undefined) return fail(`'${raw}' has an unknown time suffix '${m[2] ?? ''}' (use us, ms, s, m, h or d)`);
  const v = Number.parseInt(m[1] ?? '', 10) * us * 1000;
  if (!Number.isSafeInteger(v)) return fail(`'${raw}' is too large`);
  return ok(v);
}

/** A plain non-negative integer (decimal or 0x hex), fio's FIO_OPT_INT. */
export function parseInteger(raw: string): Parsed<number> {
  const s = raw.trim();
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(s)) return fail(`'${raw}' is not a non-negative integer`);
  const v = parseUnsigned(s);
  if (!Number.isSafeInteger(v)) return fail(`'${raw}' is too large`);
  return ok(v);
}

/** fio's FIO_OPT_BOOL: `0` or `1`. */
export function parseBool(raw: string): Parsed<boolean> {
  const s = raw.trim();
  if (s === '0') return ok(false);
  if (s === '1') return ok(true);
  return fail(`'${raw}' is not a boolean (use 0 or 1)`);
}

/** The largest CPU number accepted in a CPU list. */
export const MAX_CPUS = 4096;

/** fio's CPU list (`cpus_allowed=0-3,5`): sorted, de-duplicated CPU numbers. */
export function parseCpuList(raw: string): Parsed<readonly number[]> {
  const set = new Set<number>();
  for (const part of raw.split(',')) {
    const m = /^\s*([0-9]+)\s*(?:-\s*([0-9]+)\s*)?$/.exec(part);
    if (m === null) return fail(`'${raw}' is not a CPU list (e.g. 0-3,5)`);
    const a = Number.parseInt(m[1] ?? '', 10);
    const b = m[2] === undefined ? a : Number.parseInt(m[2], 10);
    if (a > b) return fail(`CPU range '${part.trim()}' is reversed`);
    if (b >= MAX_CPUS) return fail(`CPU ${b} is too large (max ${MAX_CPUS - 1})`);
    for (let c = a; c <= b; c++) set.add(c);
  }
  return ok([...set].sort((x, y) => x - y));
}

/** The most percentiles fio accepts in `percentile_list` (FIO_IO_U_LIST_MAX_LEN). */
export const MAX_PERCENTILES = 20;

/**
 * fio's FIO_OPT_FLOAT_LIST for `percentile_list`: colon-separated values in
 * (0, 100]. `precision` is the digits fio shows in normal output: at least 2
 * (from the default list), more if an entry has more decimals.
 */
export function parsePercentileList(raw: string): Parsed<{ readonly list: readonly number[]; readonly precision: number }> {
  const parts = raw.split(':');
  if (parts.length > MAX_PERCENTILES) return fail(`at most ${MAX_PERCENTILES} percentiles are allowed`);
  const list: number[] = [];
  let precision = 2;
  for (const p of parts) {
    const m = /^\s*([0-9]+)(?:\.([0-9]*))?\s*$/.exec(p);
    if (m === null) return fail(`'${p}' is not a percentile`);
    const v = Number(`${m[1] ?? ''}.${m[2] ?? ''}`);
    if (!(v > 0 && v <= 100)) return fail(`percentile ${p.trim()} is outside (0, 100]`);
    precision = Math.max(precision, (m[2] ?? '').length);
    list.push(v);
  }
  return ok({ list, precision });
}
