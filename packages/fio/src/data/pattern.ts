/**
 * fio's pattern syntax (lib/pattern.c: parse_and_fill_pattern()) for
 * `verify_pattern` and `buffer_pattern`: hex numbers (`0xdeadbeef`, bytes in
 * the order written), decimal numbers (little-endian, as few bytes as the
 * value needs), and quoted strings (`"abcd"`), concatenated in any order.
 * fio's `'file'` form is refused: dio reads no host files.
 * @module
 */
import type { Parsed } from '../units';

/** The largest pattern fio keeps (MAX_PATTERN_SIZE). */
export const MAX_PATTERN_SIZE = 512;

// lib/pattern.c: parse_string()
function parseString(s: string, at: number, out: number[]): number | string {
  const end = s.indexOf('"', at + 1);
  if (end < 0) return `unterminated string in pattern '${s}'`;
  for (const b of new TextEncoder().encode(s.slice(at + 1, end))) out.push(b);
  return end + 1;
}

// lib/pattern.c: parse_number()
function parseNumber(s: string, at: number, out: number[]): number | string {
  const hex = /^0[xX]([0-9a-fA-F]+)/.exec(s.slice(at));
  if (hex !== null) {
    let digits = hex[1] ?? '';
    if (digits.length % 2 === 1) digits = `0${digits}`;
    for (let i = 0; i < digits.length; i += 2) out.push(Number.parseInt(digits.slice(i, i + 2), 16));
    return at + hex[0].length;
  }
  const dec = /^-?[0-9]+/.exec(s.slice(at));
  if (dec === null) return `'${s.slice(at)}' is not a number, a "string" or a 0x hex value`;
  let v = BigInt.asUintN(64, BigInt(dec[0]));
  do {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  return at + dec[0].length;
}

/** Parses a fio pattern into its bytes. */
export function parsePattern(raw: string): Parsed<Uint8Array> {
  const s = raw.trim();
  if (s === '') return { ok: false, error: 'must not be empty' };
  const out: number[] = [];
  let at = 0;
  while (at < s.length) {
    const c = s[at];
    if (c === ' ' || c === '\t') {
      at++;
      continue;
    }
    if (c === "'") return { ok: false, error: `a pattern read from a file ('${s.slice(at + 1).split("'")[0] ?? ''}') is not supported by dio: write the bytes as 0x... or "..."` };
    if (c === '%') return { ok: false, error: `pattern formats (%o) are not supported by dio` };
    const next = c === '"' ? parseString(s, at, out) : parseNumber(s, at, out);
    if (typeof next === 'string') return { ok: false, error: next };
    at = next;
  }
  if (out.length > MAX_PATTERN_SIZE) return { ok: false, error: `pattern is longer than ${MAX_PATTERN_SIZE} bytes` };
  return { ok: true, value: Uint8Array.from(out) };
}

/** Fills `buf` with `pattern` repeated, starting `phase` bytes into it (lib/pattern.c: cpy_pattern()). */
export function fillPattern(buf: Uint8Array, pattern: Uint8Array, phase = 0): void {
  const n = pattern.length;
  if (n === 0) return;
  if (n === 1) {
    buf.fill(pattern[0] ?? 0);
    return;
  }
  let m = phase % n;
  for (let i = 0; i < buf.length; i++) {
    buf[i] = pattern[m] ?? 0;
    if (++m === n) m = 0;
  }
}
