/**
 * stat.c: __show_run_stats() with several `--output-format`s: fio fills one
 * buffer per format and prints them in its order — terse, then JSON (json+
 * when asked for), then normal.
 * @module
 */
import { formatJson, type JsonFormatOptions } from './format-json';
import { formatNormal, type NormalFormatOptions } from './format-normal';
import { formatTerse } from './format-terse';
import type { OutputFormat } from './job';
import type { FioRunResult } from './result';

/** The end-of-run report in every format asked for, in fio's order. */
export function formatOutput(run: FioRunResult, formats: readonly OutputFormat[], opts: NormalFormatOptions & Omit<JsonFormatOptions, 'plus'> = {}): string {
  let out = '';
  if (formats.includes('terse')) out += formatTerse(run);
  if (formats.includes('json') || formats.includes('json+')) out += formatJson(run, { ...opts, plus: formats.includes('json+') });
  if (formats.includes('normal')) out += formatNormal(run, opts);
  return out;
}
