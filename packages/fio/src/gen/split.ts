/**
 * fio's split lists (options.c: split_parse_ddir(), str_split_parse(),
 * bssplit_ddir(), zone_split_ddir()): `bssplit=4k/60:64k/40,...` and the
 * zones of `random_distribution=zoned:60/10:40/90`.
 * @module
 */
import { parseSize, type KbBase, type Parsed } from '../units';
import type { BsSplitEntry, PerDdir, ZoneSplitEntry } from './io-options';

const MISSING = -1;

/** One `a/b` list entry: `a` a size, `b` a percentage (or a size when `absolute`), MISSING when absent. */
interface SplitEntry {
  readonly val1: number;
  readonly val2: number;
}

// options.c: split_parse_ddir(); `perc` is atoi() capped at 100, 0 counts as missing
function splitParseDdir(str: string, kb: KbBase, absolute: boolean, max: number): Parsed<SplitEntry[]> {
  const out: SplitEntry[] = [];
  for (const part of str.split(':')) {
    if (part === '') break;
    const slash = part.indexOf('/');
    const first = slash < 0 ? part : part.slice(0, slash);
    let val2 = absolute ? 0 : MISSING;
    if (slash >= 0) {
      const second = part.slice(slash + 1);
      if (absolute) {
        const r = parseSize(second, kb);
        if (!r.ok) return r;
        val2 = r.value;
      } else {
        const n = Number.parseInt(second, 10);
        const v = Number.isNaN(n) ? 0 : n;
        val2 = v > 100 ? 100 : v <= 0 ? MISSING : v;
      }
    }
    const r = parseSize(first, kb);
    if (!r.ok) return r;
    out.push({ val1: r.value, val2 });
    if (out.length === max) break;
  }
  return { ok: true, value: out };
}

// options.c: str_split_parse(): "r,w,t", "r,w" (trim = w) or one list for all three
function perDdir<T>(str: string, one: (s: string) => Parsed<T>): Parsed<PerDdir<T>> {
  const parts = str.split(',');
  if (parts.length > 3) return { ok: false, error: `'${str}' has more than three comma-separated lists` };
  const rs = [parts[0] ?? '', parts[1] ?? parts[0] ?? '', parts[2] ?? parts[1] ?? parts[0] ?? ''].map(one);
  for (const r of rs) if (!r.ok) return r;
  const v = rs.map((r) => (r as { value: T }).value);
  return { ok: true, value: [v[0] as T, v[1] as T, v[2] as T] };
}

/** Fills missing percentages with an equal share of what is left (fio's perc_missing). */
function fillMissing(percs: number[]): void {
  let sum = 0;
  let missing = 0;
  for (const p of percs) {
    if (p === MISSING) missing++;
    else sum += p;
  }
  if (missing === 0) return;
  if (missing === 1 && percs.length === 1) sum = 100;
  for (let i = 0; i < percs.length; i++) if (percs[i] === MISSING) percs[i] = Math.floor((100 - sum) / missing);
}

/** options.c: bssplit_ddir() for every direction; entries sorted by share, smallest first (what glibc's qsort makes of fio's bs_cmp, checked against fio 3.33). */
export function parseBsSplit(raw: string, kb: KbBase): Parsed<PerDdir<readonly BsSplitEntry[]>> {
  return perDdir(raw.trim(), (s): Parsed<readonly BsSplitEntry[]> => {
    const r = splitParseDdir(s, kb, false, 64);
    if (!r.ok) return r;
    if (r.value.length === 0) return { ok: false, error: 'empty bssplit list' };
    if (r.value.some((e) => e.val1 === 0)) return { ok: false, error: 'block size must not be 0' };
    const percs = r.value.map((e) => e.val2);
    const given = percs.filter((p) => p !== MISSING);
    if (given.reduce((a, b) => a + b, 0) > 100 && percs.length - given.length > 1) return { ok: false, error: 'bssplit percentages add to more than 100%' };
    fillMissing(percs);
    const entries = r.value.map((e, i) => ({ bs: e.val1, perc: percs[i] ?? 0 }));
    return { ok: true, value: entries.sort((a, b) => a.perc - b.perc) };
  });
}

/** options.c: zone_split_ddir() for every direction. `absolute` is zoned_abs (sizes in bytes). */
export function parseZoneSplit(raw: string, kb: KbBase, absolute: boolean): Parsed<PerDdir<readonly ZoneSplitEntry[]>> {
  return perDdir(raw.trim(), (s): Parsed<readonly ZoneSplitEntry[]> => {
    const r = splitParseDdir(s, kb, absolute, 256);
    if (!r.ok) return r;
    if (r.value.length === 0) return { ok: false, error: 'empty zone list' };
    // zone_split.access_perc is a uint8_t
    const access = r.value.map((e) => e.val1 % 256);
    const sizes = r.value.map((e) => e.val2);
    const accessSum = access.reduce((a, b) => a + b, 0);
    const sizeSum = absolute ? 0 : sizes.filter((p) => p !== MISSING).reduce((a, b) => a + b, 0);
    if (accessSum > 100 || sizeSum > 100) return { ok: false, error: 'zone percentages add to more than 100%' };
    if (accessSum < 100) return { ok: false, error: `access percentages must add up to 100 (got ${accessSum})` };
    if (!absolute) fillMissing(sizes);
    return { ok: true, value: r.value.map((_, i) => ({ accessPerc: access[i] ?? 0, size: sizes[i] ?? 0 })) };
  });
}

/** `bsrange=1k-4k[,8k-16k[,...]]` per direction (the bounds may also be split by ':'). */
export function parseBsRange(raw: string, kb: KbBase): Parsed<PerDdir<readonly [number, number]>> {
  return perDdir(raw.trim(), (s): Parsed<readonly [number, number]> => {
    const m = /^([^-:]+)[-:]([^-:]+)$/.exec(s.trim());
    if (m === null) return { ok: false, error: `'${s}' is not a range (e.g. 1k-64k)` };
    const a = parseSize(m[1] ?? '', kb);
    if (!a.ok) return a;
    const b = parseSize(m[2] ?? '', kb);
    if (!b.ok) return b;
    if (a.value === 0 || b.value === 0) return { ok: false, error: 'block size must not be 0' };
    return { ok: true, value: [Math.min(a.value, b.value), Math.max(a.value, b.value)] };
  });
}

/** A per-direction integer list `r[,w[,t]]` (percentage_random). */
export function parsePercentTriple(raw: string): Parsed<PerDdir<number>> {
  return perDdir(raw.trim(), (s): Parsed<number> => {
    const t = s.trim();
    if (!/^[0-9]+$/.test(t)) return { ok: false, error: `'${s}' is not a percentage` };
    const v = Number(t);
    return v > 100 ? { ok: false, error: `${v} is more than 100` } : { ok: true, value: v };
  });
}

/** A per-direction size list `r[,w[,t]]` (blockalign). */
export function parseSizePerDdir(raw: string, kb: KbBase): Parsed<PerDdir<number>> {
  return perDdir(raw.trim(), (s) => parseSize(s, kb));
}

/** A size, or `N%` (returned as `{ percent }`), as fio's size-or-percent options. */
export function parseSizeOrPercent(raw: string, kb: KbBase): Parsed<{ readonly bytes: number } | { readonly percent: number }> {
  const m = /^\s*([0-9]+(?:\.[0-9]*)?)\s*%\s*$/.exec(raw);
  if (m !== null) {
    const p = Number(m[1]);
    if (p <= 0 || p > 100) return { ok: false, error: `percentage ${m[1] ?? ''}% is outside (0, 100]` };
    return { ok: true, value: { percent: p } };
  }
  const r = parseSize(raw, kb);
  return r.ok ? { ok: true, value: { bytes: r.value } } : r;
}
