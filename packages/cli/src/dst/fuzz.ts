/**
 * Run many seeds; summarise.
 * @module
 */
import { type Shard, shardIndices } from '../shard';
import { INVARIANTS, runCase } from './run-case';

/** A failing seed as a campaign reports it. */
export interface FuzzFailure {
  readonly seed: number;
  readonly case: string;
  /** The first few failure messages (FAILURES_SHOWN). */
  readonly failures: readonly string[];
  readonly failureCount: number;
  readonly traceHash: string;
}

/** How many failure messages a failing seed keeps. */
const FAILURES_SHOWN = 5;

/** A fuzz campaign's outcome. */
export interface FuzzSummary {
  readonly from: number;
  readonly seeds: number;
  readonly failed: readonly FuzzFailure[];
  readonly writes: number;
  readonly deadlocksReported: number;
  readonly invariants: readonly string[];
  /** FNV-1a over every seed's trace hash, in order: two campaigns over the same seeds print the same. */
  readonly traceHash: string;
  /** How often each engine, power cut, crash-image enumeration, CQ overflow, EIO and read-back was exercised. */
  readonly coverage: Readonly<Record<string, number>>;
}

/** What a set of seeds adds up to; tallies of disjoint seeds merge into one summary (fuzzSummary). */
export interface FuzzTally {
  readonly writes: number;
  readonly deadlocksReported: number;
  readonly coverage: Readonly<Record<string, number>>;
  /** Failing seeds, in seed order. */
  readonly failed: readonly FuzzFailure[];
  /** Each seed's trace hash, in seed order. */
  readonly traceHashes: readonly string[];
}

function fold(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The command that reruns one seed. */
export const reproCommand = (seed: number): string => `pnpm dio fuzz --from ${seed} --seeds 1`;

/** Run `seeds` in order; `onSeed(done)` after each, `onFail` for each failing seed as it is found. */
export function tallySeeds(seeds: readonly number[], onSeed?: (done: number) => void, onFail?: (f: FuzzFailure) => void): FuzzTally {
  const failed: FuzzFailure[] = [];
  const traceHashes: string[] = [];
  let writes = 0;
  let deadlocks = 0;
  const cov: Record<string, number> = {};
  const bump = (k: string, by = 1): void => {
    cov[k] = (cov[k] ?? 0) + by;
  };
  seeds.forEach((seed, i) => {
    const r = runCase(seed);
    writes += r.writes;
    traceHashes.push(r.traceHash);
    if (r.deadlock) deadlocks++;
    if (r.failures.length > 0) {
      const f = { seed, case: r.case, failures: r.failures.slice(0, FAILURES_SHOWN), failureCount: r.failures.length, traceHash: r.traceHash };
      failed.push(f);
      onFail?.(f);
    }
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
  });
  return { writes, deadlocksReported: deadlocks, coverage: cov, failed, traceHashes };
}

/**
 * The summary of seeds [from, from + n) from the tallies of its shards
 * (seed from + k in shard k mod count; one part with count 1 for an
 * unsharded run). The parts must cover every shard once.
 */
export function fuzzSummary(from: number, n: number, parts: readonly { readonly shard: Shard; readonly tally: FuzzTally }[]): FuzzSummary {
  const bySlot = new Map(parts.map((p) => [p.shard.index, p]));
  let hash = 0x811c9dc5;
  for (let k = 0; k < n; k++) {
    const p = bySlot.get(k % (parts[0]?.shard.count ?? 1));
    const h = p?.tally.traceHashes[Math.floor(k / p.shard.count)];
    if (h === undefined) throw new Error(`fuzz summary: no trace hash for seed ${from + k}`);
    hash = fold(hash, h);
  }
  const coverage: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.tally.coverage)) coverage[k] = (coverage[k] ?? 0) + v;
  const sum = (f: (t: FuzzTally) => number): number => parts.reduce((a, p) => a + f(p.tally), 0);
  return {
    from,
    seeds: n,
    failed: parts.flatMap((p) => p.tally.failed).sort((a, b) => a.seed - b.seed),
    writes: sum((t) => t.writes),
    deadlocksReported: sum((t) => t.deadlocksReported),
    invariants: INVARIANTS,
    traceHash: hash.toString(16).padStart(8, '0'),
    coverage,
  };
}

const seedRange = (from: number, n: number): number[] => Array.from({ length: n }, (_, k) => from + k);

/** Run seeds [from, from + n). */
export function fuzz(from: number, n: number, onSeed?: (done: number) => void, onFail?: (f: FuzzFailure) => void): FuzzSummary {
  return fuzzSummary(from, n, [{ shard: { index: 0, count: 1 }, tally: tallySeeds(seedRange(from, n), onSeed, onFail) }]);
}

/** Run one shard of seeds [from, from + n): seed from + k when k mod count is the shard's index. */
export function fuzzShard(from: number, n: number, shard: Shard, onSeed?: (done: number) => void, onFail?: (f: FuzzFailure) => void): FuzzTally {
  return tallySeeds(shardIndices(n, shard).map((k) => from + k), onSeed, onFail);
}

/** Coverage with its keys sorted, as every output prints it. */
const sortedCoverage = (c: Readonly<Record<string, number>>): [string, number][] => Object.entries(c).sort(([a], [b]) => a.localeCompare(b));

/** `--format json`: the summary as one JSON object. */
export function fuzzJson(s: FuzzSummary): string {
  return JSON.stringify(
    {
      from: s.from,
      seeds: s.seeds,
      writes: s.writes,
      deadlocks_reported: s.deadlocksReported,
      failed: s.failed.map((f) => ({ seed: f.seed, trace_hash: f.traceHash, case: f.case, failures: f.failures, failure_count: f.failureCount, repro: reproCommand(f.seed) })),
      coverage: Object.fromEntries(sortedCoverage(s.coverage)),
      invariants: s.invariants,
      trace_hash: s.traceHash,
    },
    null,
    2,
  );
}

/** The one line a shard prints (on stderr) for a failing seed as soon as it is found. */
export const failureLine = (f: FuzzFailure): string => `FAIL seed ${f.seed} (trace ${f.traceHash}): ${f.failures[0] ?? ''} -- repro: ${reproCommand(f.seed)}`;

/** Human-readable summary lines, with a one-line repro per failing seed. */
export function formatSummary(s: FuzzSummary): string[] {
  const out = [`dio fuzz: ${s.seeds} seeds (${s.from}..${s.from + s.seeds - 1}), ${s.writes} writes, ${s.deadlocksReported} deliberate deadlocks reported, ${s.failed.length} failing, trace hash ${s.traceHash}`];
  out.push('invariants checked:', ...s.invariants.map((i) => `  - ${i}`));
  out.push(`coverage: ${sortedCoverage(s.coverage).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  for (const f of s.failed) {
    out.push(`FAIL seed ${f.seed} (trace ${f.traceHash}): ${f.case}`);
    for (const m of f.failures) out.push(`  ${m}`);
    out.push(`  repro: ${reproCommand(f.seed)}`);
  }
  return out;
}

/** The error line of a campaign with failing seeds. */
export const failedMessage = (s: Pick<FuzzSummary, 'failed' | 'seeds'>): string => `${s.failed.length} of ${s.seeds} seeds failed`;
