/**
 * Simulated-time command-line arguments (`--runtime`, `--trace-window`).
 * @module
 */
import { parseTimeNs } from '@dio/fio';
import { UsageError } from './errors';

/** A fio-style time (`500ms`, `2s`, `100us`) that must be more than 0, in ns: a run of 0 would never end. */
export function parsePositiveTime(option: string, text: string): number {
  const t = parseTimeNs(text);
  if (!t.ok) throw new UsageError(`${option}: ${t.error}`);
  if (t.value <= 0) throw new UsageError(`${option}: '${text}' must be more than 0`);
  return t.value;
}

/** A fio-style time that may be 0 (`--ramp-time 0`), in ns. */
export function parseTime(option: string, text: string): number {
  const t = parseTimeNs(text);
  if (!t.ok) throw new UsageError(`${option}: ${t.error}`);
  return t.value;
}
