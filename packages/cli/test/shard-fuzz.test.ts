/**
 * A 300-seed fuzz campaign as 1, 3 and 7 shards, merged by `dio merge`,
 * gives the byte-identical JSON (and text) of the unsharded campaign. The
 * shards run in this process through `main` (shard.test.ts runs a smaller
 * campaign in separate processes): 300 seeds four times over is minutes of
 * CPU, so each seed's simulation is memoised here — the first run of a seed
 * is real and later runs reuse it. What is under test is which shard runs
 * which seed and how the shard documents merge; that one seed gives the same
 * result everywhere is fuzz.test.ts's and shard.test.ts's concern.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { version } from '../package.json';
import { main } from '../src/index';
import { fuzzSummary, type FuzzTally } from '../src/dst/fuzz';
import type { FuzzResult } from '../src/dst/run-case';

const calls = new Map<number, number>();
vi.mock('../src/dst/run-case', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/dst/run-case')>();
  const memo = new Map<number, FuzzResult>();
  return {
    ...real,
    runCase: (seed: number): FuzzResult => {
      calls.set(seed, (calls.get(seed) ?? 0) + 1);
      const r = memo.get(seed) ?? real.runCase(seed);
      memo.set(seed, r);
      return r;
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'dio-shard-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`), isTTY: false });
  return { code, out, err };
}

const FUZZ = ['fuzz', '--seeds', '300', '--from', '1', '--quiet'];

describe('a 300-seed fuzz campaign in shards', () => {
  it('merges to the bytes of the unsharded run, as 1, 3 and 7 shards', async () => {
    const json = await cli(...FUZZ, '--format', 'json');
    expect(json.code).toBe(0);
    expect(json.err).toMatch(/^dio fuzz: 300 seeds in [\d.]+ s of CPU \([\d.]+ s wall\): [\d.]+ seeds per core-second; a 100,000-seed soak is ~\d+ core-minutes\n$/);
    const text = await cli(...FUZZ);
    expect(JSON.parse(json.out)).toMatchObject({ from: 1, seeds: 300, failed: [] });
    for (const n of [1, 3, 7]) {
      const files: string[] = [];
      for (let i = 0; i < n; i++) {
        const s = await cli(...FUZZ, '--format', 'json', '--shard', `${i}/${n}`);
        expect(s.code).toBe(0);
        expect(s.err).toMatch(new RegExp(`^dio fuzz: ${Math.ceil((300 - i) / n)} seeds in `));
        files.push(join(dir, `fuzz-${i}-of-${n}.json`));
        writeFileSync(files[i] ?? '', s.out);
      }
      expect((await cli('merge', ...files)).out).toBe(json.out);
      expect((await cli('merge', '--format', 'text', ...files)).out).toBe(text.out);
    }
    // every seed ran once per campaign: 2 unsharded + 3 sharded campaigns
    expect([...calls.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, k) => k + 1));
    expect(new Set(calls.values())).toEqual(new Set([5]));
  }, 600_000);

  it('merges failing seeds in seed order, and the merge exits 1 as the unsharded run does', async () => {
    const fail = (seed: number) => ({ seed, case: `case ${seed}`, failures: [`[exactly-once] seed ${seed}`], failureCount: 1, traceHash: seed.toString(16).padStart(8, '0') });
    const tally = (seeds: number[]): FuzzTally => ({
      writes: seeds.length * 10,
      deadlocksReported: seeds.filter((s) => s % 5 === 0).length,
      coverage: { 'engine uring': seeds.length },
      failed: seeds.filter((s) => s % 4 === 0).map(fail),
      traceHashes: seeds.map((s) => s.toString(16).padStart(8, '0')),
    });
    // seeds 100..109 as shards 0/2 (100, 102, …) and 1/2 (101, 103, …)
    const even = [100, 102, 104, 106, 108];
    const odd = [101, 103, 105, 107, 109];
    const whole = fuzzSummary(100, 10, [{ shard: { index: 0, count: 1 }, tally: tally([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]) }]);
    const parts = [
      { shard: { index: 1, count: 2 }, tally: tally(odd) },
      { shard: { index: 0, count: 2 }, tally: tally(even) },
    ];
    expect(fuzzSummary(100, 10, parts)).toEqual(whole);
    expect(whole.failed.map((f) => f.seed)).toEqual([100, 104, 108]);
    const files = parts.map((p, i) => {
      const f = join(dir, `failing-${i}.json`);
      writeFileSync(f, JSON.stringify({ dio_shard: { command: 'fuzz', version, index: p.shard.index, count: 2, points: 10, work: { from: 100, seeds: 10 } }, results: p.tally }));
      return f;
    });
    const m = await cli('merge', ...files);
    expect(m.code).toBe(1);
    expect(m.err).toBe('dio: 3 of 10 seeds failed\n');
    const j = JSON.parse(m.out) as { failed: { seed: number; repro: string }[]; trace_hash: string };
    expect(j.failed.map((f) => [f.seed, f.repro])).toEqual([100, 104, 108].map((s) => [s, `pnpm dio fuzz --from ${s} --seeds 1`]));
    expect(j.trace_hash).toBe(whole.traceHash);
  });
});
