/**
 * fio's lib/num2str.c: the "cheesy number to string conversion" behind every
 * `IOPS=44.6k`, `BW=174MiB/s (183MB/s)` and `max=9480.2k` in normal output.
 * @module
 */
import { cFixed } from './cfmt';

/** lib/num2str.h: enum n2s_unit. */
export type N2sUnit = 'none' | 'persec' | 'byte' | 'bit' | 'bytepersec' | 'bitpersec';

const UNIT_STR: Readonly<Record<N2sUnit, string>> = {
  none: '',
  persec: '/s',
  byte: 'B',
  bit: 'bit',
  bytepersec: 'B/s',
  bitpersec: 'bit/s',
};
const SI = ['', 'k', 'M', 'G', 'T', 'P', 'E'] as const;
const IEC = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;

/**
 * lib/num2str.c: num2str(). Divides by 1000 (or 1024 when `pow2`) until the
 * integer part fits in `maxlen` digits, then fills the remaining room with
 * decimals of the last remainder (carry-rounded when there is no room).
 * `maxlen` counts digits and the dot, not the prefix or unit; fio's default
 * (`significant_figures`) is 4.
 *
 * @example
 * ```ts
 * num2str(44635, 4, 1, false, 'none');          // "44.6k"
 * num2str(182825146, 4, 1, true, 'bytepersec'); // "174MiB/s"
 * ```
 */
export function num2str(num: number, maxlen: number, base: number, pow2: boolean, units: N2sUnit): string {
  const thousand = pow2 ? 1024 : 1000;
  const prefix = pow2 ? IEC : SI;
  let n = BigInt(Math.max(0, Math.trunc(num)));
  let postIndex = 0;
  for (let b = base; b > 1; postIndex++) b = Math.trunc(b / thousand);
  if (units === 'bit' || units === 'bitpersec') n *= 8n;

  const k = BigInt(thousand);
  let modulo = -1;
  let carry = false;
  while (postIndex < SI.length) {
    if (n.toString().length <= maxlen) break;
    modulo = Number(n % k);
    n /= k;
    carry = modulo >= thousand / 2;
    postIndex++;
  }
  if (postIndex >= SI.length) postIndex = 0;
  const unit = (prefix[postIndex] ?? '') + UNIT_STR[units];

  if (modulo === -1) return `${n}${unit}`;
  const intLen = n.toString().length;
  if (maxlen - intLen <= 1) {
    if (carry) n += 1n;
    return `${n}${unit}`;
  }
  const frac = cFixed(modulo / thousand, maxlen - intLen - 1);
  return `${n}.${frac.slice(2)}${unit}`;
}
