/**
 * Run many seeds; summarise.
 * @module
 */
import { INVARIANTS, runCase, type FuzzResult } from './run-case';

/** A fuzz campaign's outcome. */
export interface FuzzSummary {
  readonly from: number;
  readonly seeds: number;
  readonly failed: readonly FuzzResult[];
  readonly writes: number;
  readonly deadlocksReported: number;
  readonly invariants: readonly string[];
}

/** Run seeds [from, from + n). */
export function fuzz(from: number, n: number, onSeed?: (done: number) => void): FuzzSummary {
  const failed: FuzzResult[] = [];
  let writes = 0;
  let deadlocks = 0;
  for (let i = 0; i < n; i++) {
    const r = runCase(from + i);
    writes += r.writes;
    if (r.deadlock) deadlocks++;
    if (r.failures.length > 0) failed.push(r);
    onSeed?.(i + 1);
  }
  return { from, seeds: n, failed, writes, deadlocksReported: deadlocks, invariants: INVARIANTS };
}

/** Human-readable summary lines, with a one-line repro per failing seed. */
export function formatSummary(s: FuzzSummary): string[] {
  const out = [`dio fuzz: ${s.seeds} seeds (${s.from}..${s.from + s.seeds - 1}), ${s.writes} writes, ${s.deadlocksReported} deliberate deadlocks reported, ${s.failed.length} failing`];
  out.push('invariants checked:', ...s.invariants.map((i) => `  - ${i}`));
  for (const f of s.failed) {
    out.push(`FAIL seed ${f.seed} (trace ${f.traceHash}): ${f.case}`);
    for (const m of f.failures.slice(0, 5)) out.push(`  ${m}`);
    out.push(`  repro: pnpm dio fuzz --from ${f.seed} --seeds 1`);
  }
  return out;
}
