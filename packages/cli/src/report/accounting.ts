/**
 * What a simulated point adds for the report: CPU time per I/O by stage and
 * the share of dio completions per context, from the engine's stage
 * accounting (`SimOptions.stages`), and the clat histogram buckets.
 * @module
 */
import type { LatencySource } from '@dio/fio';
import { CONTEXT_CLASSES, type ContextClass, type Simulator, STAGES, type StageName, type StageAccounting } from '@dio/sim';

/** The report's figures of one point (JSON keys as printed). */
export interface CellAccounting {
  /** CPU time per I/O by stage, ns (every CPU, every context), in stage order. */
  readonly cpu_ns_per_io: Readonly<Record<StageName, number>>;
  /** Share (0–1) of iomap dio completions run in each context. */
  readonly completions: Readonly<Record<ContextClass, number>>;
  /** fio's clat histogram buckets: `[ns, count]`, ascending, non-empty buckets only. */
  readonly clat_bins: readonly (readonly [number, number])[];
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

function stagesOf(sim: Simulator): StageAccounting {
  if (sim.stages === null) throw new Error('the point ran without stage accounting');
  return sim.stages;
}

/** CPU time per I/O by stage (ns, to 0.1) over `ios` I/Os. */
export function stageTable(st: StageAccounting, ios: number): Record<StageName, number> {
  return Object.fromEntries(st.byStage().map(({ stage, ns }) => [stage, ios > 0 ? round(ns / ios, 1) : 0])) as Record<StageName, number>;
}

/** Share of dio completions (iomap_dio_complete runs) per context class. */
export function completionShares(st: StageAccounting): Record<ContextClass, number> {
  const total = st.countOf('iomapDioComplete');
  return Object.fromEntries(CONTEXT_CLASSES.map((c) => [c, total > 0 ? round(st.countOf('iomapDioComplete', c) / total, 4) : 0])) as Record<ContextClass, number>;
}

/** `[value, count]` buckets of several latency sources, merged, ascending. */
export function mergedBins(sources: readonly LatencySource[]): [number, number][] {
  const merged = new Map<number, number>();
  for (const s of sources) for (const [v, c] of s.bins()) if (c > 0) merged.set(v, (merged.get(v) ?? 0) + c);
  return [...merged].sort((a, b) => a[0] - b[0]);
}

/** The report's figures of a finished point: `ios` I/Os whose completion latencies are `clats`. */
export function cellAccounting(sim: Simulator, ios: number, clats: readonly LatencySource[]): CellAccounting {
  const st = stagesOf(sim);
  return { cpu_ns_per_io: stageTable(st, ios), completions: completionShares(st), clat_bins: mergedBins(clats).map(([v, c]) => [Math.round(v), c] as const) };
}

/** The stage names, in order. */
export const STAGE_NAMES: readonly StageName[] = STAGES.map((s) => s.stage);
