/**
 * How an accepted fio option is defined: its names, its value schema and
 * how it sets the job draft (shared by every option table).
 * @module
 */
import type { SourceLocation } from './errors';
import type { IoEngineName } from './job';
import type { JobDraft, JobFields } from './draft';
import { runSchema, zParsed, zRange, type ValueSchema } from './schemas';
import { parseBool, parseInteger, parseSize, parseTimeNs, type KbBase } from './units';

/** One accepted option: canonical fio name, aliases, and how it applies. */
export interface OptionDef {
  /** fio's canonical name (what JSON "job options" echoes). */
  readonly name: string;
  /** Other names fio accepts for it. */
  readonly aliases: readonly string[];
  /** Whether a bare `name` (no `=value`) is an error. */
  readonly needsValue: boolean;
  /** Parses `raw` and applies it to the draft; returns an error message on failure. */
  apply(d: JobDraft, raw: string | undefined, at: SourceLocation): string | undefined;
}

/** What else an option may say about itself. */
export interface DefExtra {
  readonly aliases?: readonly string[];
  readonly engines?: readonly IoEngineName[];
  readonly bare?: boolean;
}

/** An option with a zod value schema and a setter. */
export function def<T>(name: string, schema: (kb: KbBase) => ValueSchema<T>, set: (f: JobFields, v: T, d: JobDraft) => void, extra: DefExtra = {}): OptionDef {
  return {
    name,
    aliases: extra.aliases ?? [],
    needsValue: extra.bare !== true,
    apply(d, raw, at) {
      const r = runSchema(schema(d.fields.kbBase), raw);
      if (!r.ok) return r.error;
      set(d.fields, r.value, d);
      d.setAt.set(name, at);
      if (extra.engines !== undefined) d.engineOptions.push({ option: name, at, engines: extra.engines });
      return undefined;
    },
  };
}

/** An integer in [min, max]. */
export const intIn = (min: number, max?: number): ValueSchema<number> => zParsed(parseInteger).pipe(zRange(min, max));
/** A size with kb_base. */
export const size = (kb: KbBase): ValueSchema<number> => zParsed((s) => parseSize(s, kb));
/** A size of at least 1. */
export const sizeMin1 = (kb: KbBase): ValueSchema<number> => size(kb).pipe(zRange(1));
/** fio's 0/1 boolean. */
export const bool = (): ValueSchema<boolean> => zParsed(parseBool);
/** A time, seconds by default, in ns. */
export const time = (): ValueSchema<number> => zParsed((s) => parseTimeNs(s, 's'));
