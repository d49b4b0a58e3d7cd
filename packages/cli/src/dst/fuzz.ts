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
  /** FNV-1a over every seed's trace hash, in order: two campaigns over the same seeds print the same. */
  readonly traceHash: string;
  /** How often each engine, power cut, crash-image enumeration, CQ overflow, EIO and read-back was exercised. */
  readonly coverage: Readonly<Record<string, number>>;
}

function fold(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Run seeds [from, from + n). */
export function fuzz(from: number, n: number, onSeed?: (done: number) => void): FuzzSummary {
  const failed: FuzzResult[] = [];
  let writes = 0;
  let deadlocks = 0;
  let hash = 0x811c9dc5;
  const cov: Record<string, number> = {};
  const bump = (k: string, by = 1): void => {
    cov[k] = (cov[k] ?? 0) + by;
  };
  for (let i = 0; i < n; i++) {
    const r = runCase(from + i);
    writes += r.writes;
    hash = fold(hash, r.traceHash);
    if (r.deadlock) deadlocks++;
    if (r.failures.length > 0) failed.push(r);
    const v = r.covered;
    bump(`engine ${v.engine}`);
    if (v.powerCut) bump('power cuts');
    if (v.crashImages > 0) bump('cuts enumerated exhaustively');
    bump('crash images checked', v.crashImages);
    if (v.cqesOverflowed > 0) bump('runs with CQ overflow');
    bump('CQEs overflowed', v.cqesOverflowed);
    bump('EIO completions', v.eio);
    bump('blocks read back', v.blocksRead);
    bump('IOPOLL-reaped completions', v.polled);
    onSeed?.(i + 1);
  }
  const traceHash = hash.toString(16).padStart(8, '0');
  return { from, seeds: n, failed, writes, deadlocksReported: deadlocks, invariants: INVARIANTS, traceHash, coverage: cov };
}

/** Human-readable summary lines, with a one-line repro per failing seed. */
export function formatSummary(s: FuzzSummary): string[] {
  const out = [`dio fuzz: ${s.seeds} seeds (${s.from}..${s.from + s.seeds - 1}), ${s.writes} writes, ${s.deadlocksReported} deliberate deadlocks reported, ${s.failed.length} failing, trace hash ${s.traceHash}`];
  out.push('invariants checked:', ...s.invariants.map((i) => `  - ${i}`));
  out.push(`coverage: ${Object.entries(s.coverage).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  for (const f of s.failed) {
    out.push(`FAIL seed ${f.seed} (trace ${f.traceHash}): ${f.case}`);
    for (const m of f.failures.slice(0, 5)) out.push(`  ${m}`);
    out.push(`  repro: pnpm dio fuzz --from ${f.seed} --seeds 1`);
  }
  return out;
}
