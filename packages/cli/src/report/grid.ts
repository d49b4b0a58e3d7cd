/**
 * A compare or sweep report from cells just simulated (the same shape
 * `dio report` reads back from their `--format json`).
 * @module
 */
import type { CompareCell } from '../compare';
import type { SweepCell } from '../sweep';
import { type GridReport, publishedFor, sweepAxis } from './model';
import type { Provenance } from './provenance';

/** A compare's cells as a report; the series' published points are overlaid when the job is the series' (io_uring). */
export function compareReport(cells: readonly CompareCell[], profiles: readonly string[], engine: string, seed: number, provenance: Provenance | null): GridReport {
  return { kind: 'compare', xTitle: 'queue depth', xNumeric: true, points: cells.map((c) => ({ ...c, x: c.qd })), profiles, published: publishedFor(engine, profiles), seed, provenance };
}

/** A sweep's cells as a report. */
export function sweepReport(cells: readonly SweepCell[], profiles: readonly string[], seed: number, provenance: Provenance | null): GridReport {
  const sets = cells.map((c) => Object.fromEntries(c.point.map(([o, v]) => [o, /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v])));
  const axis = sweepAxis(sets);
  return { kind: 'sweep', xTitle: axis.title, xNumeric: axis.numeric, points: cells.map((c, i) => ({ ...c, x: axis.x(sets[i] ?? {}) })), profiles, published: [], seed, provenance };
}
