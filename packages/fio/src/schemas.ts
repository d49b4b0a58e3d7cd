/**
 * zod schemas for fio option values: the validation boundary between the raw
 * strings of a job file or command line and typed job fields. Every schema
 * takes `string | undefined` (undefined = the option was given bare) and
 * produces a typed value or issues with a readable message.
 * @module
 */
import { z } from 'zod';
import type { Parsed } from './units';

/** A schema from a raw option value (undefined when bare) to `T`. */
export type ValueSchema<T> = z.ZodType<T, z.ZodTypeDef, string | undefined>;

const REQUIRES = 'requires a value';

/** A required string value (blanks trimmed); bare is an error. */
export const zValue: z.ZodType<string, z.ZodTypeDef, string | undefined> = z
  .string({ required_error: REQUIRES, invalid_type_error: REQUIRES })
  .transform((s) => s.trim());

/** A required value run through one of the `units` parsers. */
export function zParsed<T>(parse: (s: string) => Parsed<T>): ValueSchema<T> {
  return zValue.transform((s, ctx): T => {
    const r = parse(s);
    if (r.ok) return r.value;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: r.error });
    return z.NEVER;
  });
}

/** A number schema with an inclusive range and fio-like messages. */
export function zRange(min: number, max: number = Number.MAX_SAFE_INTEGER): z.ZodType<number, z.ZodTypeDef, number> {
  return z
    .number()
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` });
}

/** One of a fixed set of words, mapped to values (fio's FIO_OPT_STR posvals). */
export function zChoice<T>(choices: Readonly<Record<string, T>>, unsupported: Readonly<Record<string, string>> = {}): ValueSchema<T> {
  const names = Object.keys(choices);
  return zValue.transform((s, ctx): T => {
    if (Object.prototype.hasOwnProperty.call(choices, s)) return choices[s] as T;
    const why = Object.prototype.hasOwnProperty.call(unsupported, s) ? unsupported[s] : undefined;
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: why ?? `'${s}' is not one of ${names.join(', ')}`,
    });
    return z.NEVER;
  });
}

/** fio's FIO_OPT_STR_SET: bare means on; a value must be an integer (non-zero = on). */
export const zFlag: ValueSchema<boolean> = z
  .string()
  .optional()
  .transform((s, ctx): boolean => {
    if (s === undefined) return true;
    const t = s.trim();
    if (/^[0-9]+$/.test(t)) return Number(t) !== 0;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `'${s}' is not 0 or 1` });
    return z.NEVER;
  });

/** A free string; bare gives `""`. */
export const zOptionalString: ValueSchema<string> = z
  .string()
  .optional()
  .transform((s) => (s ?? '').trim());

/**
 * Runs `schema` on `raw`: the value, or the message of the first issue
 * (`undefined` input reports "requires a value").
 */
export function runSchema<T>(schema: ValueSchema<T>, raw: string | undefined): Parsed<T> {
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  return { ok: false, error: issue?.message ?? 'invalid value' };
}
