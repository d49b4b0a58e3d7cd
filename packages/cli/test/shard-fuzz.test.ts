/**
 * A 300-seed fuzz campaign as 1, 3 and 7 shards, merged by `dio merge`,
 * gives the byte-identical JSON (and text) of the unsharded campaign. The
 * shards run in this process through `main` (shard.test.ts runs a smaller
 * campaign in separate processes): 300 seeds four times over is minutes of
 * CPU, so each seed's simulation is memoised here — the first run of a seed
 * is real and later runs reuse it. What is under test is which shard runs
 * which seed and how the shard documents merge; that one seed gives the same
 * result everywhere is fuzz.test.ts's and shard.test.ts's concern. No seed
 * of the range fails, so the failure path gets two seeds with an invented
 * failure added to their real result.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/index';
import type { FuzzResult } from '../src/dst/run-case';

const calls = new Map<number, number>();
/** Seeds whose (real) result gets an invented failure, to follow failures through shards and merge. */
const broken = new Set<number>();
vi.mock('../src/dst/run-case', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/dst/run-case')>();
  const memo = new Map<number, FuzzResult>();
  return {
    ...real,
    runCase: (seed: number): FuzzResult => {
      calls.set(seed, (calls.get(seed) ?? 0) + 1);
      const r = memo.get(seed) ?? real.runCase(seed);
      memo.set(seed, r);
      return broken.has(seed) ? { ...r, failures: [...r.failures, `[invented] seed ${seed} fails`] } : r;
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
    expect(json.err).toMatch(/^dio: fuzz: 300 seeds in [\d.]+ s of CPU \([\d.]+ s wall\): [\d.]+ seeds per core-second; a 100,000-seed soak is ~\d+ core-minutes\n$/);
    const text = await cli(...FUZZ);
    expect(JSON.parse(json.out)).toMatchObject({ from: 1, seeds: 300, failed: [] });
    for (const n of [1, 3, 7]) {
      const files: string[] = [];
      for (let i = 0; i < n; i++) {
        const s = await cli(...FUZZ, '--format', 'json', '--shard', `${i}/${n}`);
        expect(s.code).toBe(0);
        expect(s.err).toMatch(new RegExp(`^dio: fuzz: ${Math.ceil((300 - i) / n)} seeds in `));
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

  it('a shard prints each failing seed as a one-line repro, and the merge fails as the unsharded run does', async () => {
    broken.add(2003).add(2004);
    const args = ['fuzz', '--seeds', '6', '--from', '2000', '--quiet', '--format', 'json'];
    const whole = await cli(...args);
    expect(whole.code).toBe(1);
    const repro = (seed: number) => new RegExp(`^FAIL seed ${seed} \\(trace [0-9a-f]{8}\\): \\[invented\\] seed ${seed} fails -- repro: pnpm dio fuzz --from ${seed} --seeds 1$`, 'm');
    expect(whole.err).toMatch(repro(2003));
    expect(whole.err.trimEnd().split('\n').at(-1)).toBe('dio: 2 of 6 seeds failed');
    const files: string[] = [];
    for (const i of [0, 1, 2]) {
      const s = await cli(...args, '--shard', `${i}/3`); // 2000 and 2003 in shard 0, 2001 and 2004 in shard 1
      expect(s.code).toBe(i === 2 ? 0 : 1);
      if (i < 2) expect(s.err).toMatch(repro(2003 + i));
      files.push(join(dir, `failing-${i}.json`));
      writeFileSync(files[i] ?? '', s.out);
    }
    const m = await cli('merge', ...files);
    expect(m.code).toBe(1);
    expect(m.err).toBe('dio: 2 of 6 seeds failed\n');
    expect(m.out).toBe(whole.out);
    const j = JSON.parse(m.out) as { failed: { seed: number; repro: string }[] };
    expect(j.failed.map((f) => [f.seed, f.repro])).toEqual([2003, 2004].map((s) => [s, `pnpm dio fuzz --from ${s} --seeds 1`]));
  });
});
