/**
 * fio's json.c printer. JSON.stringify cannot print `44635.045619` for a
 * float or tell `0` from `0.000000`, so values carry fio's type: integers
 * print with `%lld`, floats with `%f` (6 decimals), strings with `"` and `\`
 * escaped, objects and arrays with fio's two-space layout.
 * @module
 */
import { cFixed } from './cfmt';

/** A JSON value tagged with the C type fio prints it as. */
export type FioJsonValue =
  | { readonly t: 'int'; readonly v: number }
  | { readonly t: 'float'; readonly v: number }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'obj'; readonly e: readonly (readonly [string, FioJsonValue])[] }
  | { readonly t: 'arr'; readonly v: readonly FioJsonValue[] };

/** An integer (`%lld`; fractions are truncated as C would). */
export const jInt = (v: number): FioJsonValue => ({ t: 'int', v });
/** A float (`%f`). */
export const jFloat = (v: number): FioJsonValue => ({ t: 'float', v });
/** A string. */
export const jStr = (v: string): FioJsonValue => ({ t: 'str', v });
/** An object with keys in the given order (duplicates kept, as fio does). */
export const jObj = (e: readonly (readonly [string, FioJsonValue])[]): FioJsonValue => ({ t: 'obj', e });
/** An array. */
export const jArr = (v: readonly FioJsonValue[]): FioJsonValue => ({ t: 'arr', v });

function escape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (c < 0x20) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out;
}

const indent = (level: number): string => '  '.repeat(level);

function print(v: FioJsonValue, level: number): string {
  switch (v.t) {
    case 'int':
      return Number.isFinite(v.v) ? Math.trunc(v.v).toFixed(0) : '0';
    case 'float':
      return cFixed(v.v, 6);
    case 'str':
      return `"${escape(v.v)}"`;
    case 'obj': {
      const pairs = v.e.map(([k, x]) => `${indent(level + 1)}"${escape(k)}" : ${print(x, level + 1)}`);
      return `{\n${pairs.join(',\n')}\n${indent(level)}}`;
    }
    case 'arr': {
      const items = v.v.map((x) => `${indent(level + 1)}${print(x, level + 1)}`);
      return `[\n${items.join(',\n')}\n${indent(level)}]`;
    }
  }
}

/** Prints `v` as fio does, with the final newline. */
export function printFioJson(v: FioJsonValue): string {
  return print(v, 0) + '\n';
}
