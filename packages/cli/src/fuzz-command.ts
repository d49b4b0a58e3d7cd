/**
 * `dio fuzz` (and `pnpm soak`): run seeds, print the summary (text or JSON)
 * or, with `--shard i/n`, a shard document for `dio merge`; then the
 * throughput per core on stderr, to size a cluster for a soak.
 * @module
 */
import { cpuUsage } from 'node:process';
import { failedMessage, failureLine, formatSummary, fuzz, type FuzzFailure, fuzzJson, fuzzShard } from './dst/fuzz';
import { FuzzFailed } from './errors';
import { parseCount, parseSeed } from './profile-arg';
import type { Io } from './main';
import { progress } from './progress';
import { shardIndices, shardOption } from './shard';
import { fuzzShardJson } from './shard-doc';

/** Options of `dio fuzz`. */
export interface FuzzOptions {
  readonly seeds: string;
  readonly from: string;
  readonly format: 'text' | 'json';
  readonly shard?: string;
  readonly quiet?: boolean;
}

/**
 * The soak sizing line: seeds per second of CPU time (user + system, this
 * process; a campaign runs on one thread, so this is its rate per core).
 */
export function throughputLine(seeds: number, cpuMicros: number, wallMs: number): string {
  const cpuS = cpuMicros / 1e6;
  const rate = cpuS > 0 ? seeds / cpuS : 0;
  const soakMin = rate > 0 ? 100_000 / rate / 60 : 0;
  return `dio: fuzz: ${seeds} seeds in ${cpuS.toFixed(1)} s of CPU (${(wallMs / 1000).toFixed(1)} s wall): ${rate.toFixed(1)} seeds per core-second; a 100,000-seed soak is ~${Math.round(soakMin)} core-minutes`;
}

/** Run `dio fuzz`. */
export function fuzzCommand(io: Io, o: FuzzOptions): void {
  const n = parseCount('--seeds', o.seeds, 1e12);
  const from = parseSeed(o.from);
  const shard = shardOption(o.shard, o.format);
  const runs = shard === null ? n : shardIndices(n, shard).length;
  const bar = progress(io, runs, o.quiet === true);
  // in JSON the failures are inside the document: say each on stderr as it is found, for a long soak's log
  const onFail = o.format === 'json' ? (f: FuzzFailure) => io.err(failureLine(f)) : undefined;
  const cpu0 = cpuUsage();
  const wall0 = Date.now();
  let failed: string | null = null;
  if (shard !== null) {
    const tally = fuzzShard(from, n, shard, (d) => bar.update(d), onFail);
    bar.stop();
    io.out(fuzzShardJson(shard, from, n, tally));
    if (tally.failed.length > 0) failed = failedMessage({ failed: tally.failed, seeds: runs });
  } else {
    const summary = fuzz(from, n, (d) => bar.update(d), onFail);
    bar.stop();
    io.out(o.format === 'json' ? fuzzJson(summary) : formatSummary(summary).join('\n'));
    if (summary.failed.length > 0) failed = failedMessage(summary);
  }
  const cpu = cpuUsage(cpu0);
  io.err(throughputLine(runs, cpu.user + cpu.system, Date.now() - wall0));
  if (failed !== null) throw new FuzzFailed(failed);
}
