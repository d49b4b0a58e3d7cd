/**
 * The few C `printf` conversions fio's output uses, with glibc's rounding.
 * JavaScript's `toFixed` rounds exact ties away from zero; glibc rounds them
 * to even (`printf("%.1f", 0.25)` is `0.2`). Output must diff cleanly
 * against real fio, so ties are resolved the C way here.
 * @module
 */

/** C `%.{digits}f` of `x` (glibc: exact value, ties to even). */
export function cFixed(x: number, digits = 6): string {
  if (Number.isNaN(x)) return x < 0 ? '-nan' : 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let out: string;
  if (a >= 1e21) {
    out = BigInt(Math.round(a)).toString() + (digits > 0 ? '.' + '0'.repeat(digits) : '');
  } else {
    out = a.toFixed(digits);
    const exact = a.toFixed(100);
    const dot = exact.indexOf('.');
    const rest = exact.slice(dot + 1 + digits);
    if (/^50*$/.test(rest)) {
      // Exact tie: toFixed rounded up; glibc keeps the even neighbour.
      const truncated = digits > 0 ? exact.slice(0, dot + 1 + digits) : exact.slice(0, dot);
      const last = truncated.charCodeAt(truncated.length - 1) - 48;
      if (last % 2 === 0) out = truncated;
    }
  }
  return neg ? '-' + out : out;
}

/** C `%{width}.{digits}f`: `cFixed` right-aligned in `width` columns. */
export function cFloat(x: number, width: number, digits: number): string {
  return cFixed(x, digits).padStart(width, ' ');
}

/** C `%{width}llu` / `%{width}d`: an integer right-aligned in `width` columns. */
export function cInt(x: number, width = 0): string {
  return Math.trunc(x).toString().padStart(width, ' ');
}

/** C `%{width}s`: right-aligned string. */
export function cStr(s: string, width: number): string {
  return s.padStart(width, ' ');
}
