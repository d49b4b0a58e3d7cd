/**
 * `--shard i/n` and `dio merge` across processes: a sweep run as 1, 3 and 7
 * shards, each shard its own `node dio.mjs` process (one bundle, built once),
 * merges to the byte-identical JSON of the unsharded run; so do a small
 * comparison in 3 shards (in this process) and a small
 * fuzz campaign in 3 processes (the 300-seed campaign is in
 * shard-fuzz.test.ts, in-process). Bad merges give one-line errors naming
 * the files.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleFromSource } from '../../../scripts/bundle-source.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, parseShard, shardIndices } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'dio-shard-'));
const bundle = join(dir, 'dio.mjs');
const jobFile = join(dir, 'small.fio');
writeFileSync(jobFile, '[global]\nsize=64m\nrw=randwrite\nbs=4k\ndirect=1\ntime_based=1\nruntime=10ms\nioengine=io_uring\n\n[w]\niodepth=1\n');

beforeAll(() => bundleFromSource(join(__dirname, '..', 'src', 'bin.ts'), bundle));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `node dio.mjs …` in its own process: its stdout (exit code 0 expected). */
async function dio(...argv: string[]): Promise<string> {
  const r = await promisify(execFile)(process.execPath, [bundle, ...argv], { cwd: dir, maxBuffer: 64 << 20 });
  return r.stdout;
}

/** Run `argv` as shards 0..n-1 of n in separate processes (two at a time), each written to a file; the file names. */
async function shards(name: string, n: number, argv: readonly string[]): Promise<string[]> {
  const files = Array.from({ length: n }, (_, i) => join(dir, `${name}-${i}-of-${n}.json`));
  for (let i = 0; i < n; i += 2) {
    await Promise.all(files.slice(i, i + 2).map(async (f, j) => writeFileSync(f, await dio(...argv, '--shard', `${i + j}/${n}`))));
  }
  return files;
}

/** `dio merge` (in this process, as the bin prints: one line per io.out). */
async function merge(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['merge', ...argv], { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`), isTTY: false });
  return { code, out, err };
}

const SWEEP = ['sweep', jobFile, '--set', 'iodepth=1,4,16', '--profiles', 'linux-6.5,linux-6.19', '--format', 'json', '--quiet', '--jobs', '1'];
const FUZZ = ['fuzz', '--seeds', '12', '--from', '501', '--format', 'json', '--quiet'];
const sweepShards = new Map<number, string[]>();
const unsharded = join(dir, 'unsharded.json');

describe('--shard i/n', () => {
  it('takes point k into shard k mod n, from 0, and refuses anything else in one line', () => {
    expect(parseShard('2/7')).toEqual({ index: 2, count: 7 });
    expect(shardIndices(9, { index: 1, count: 3 })).toEqual([1, 4, 7]);
    expect(shardIndices(9, { index: 8, count: 9 })).toEqual([8]);
    for (const n of [1, 3, 7, 10]) {
      const all = Array.from({ length: n }, (_, i) => shardIndices(9, { index: i, count: n })).flat();
      expect(all.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    }
    for (const bad of ['3/3', '1', '-1/3', '1/0', 'a/b', '1/3/5', '0.5/2']) expect(() => parseShard(bad)).toThrow(/^--shard: '.*' must be i\/n with 0 <= i < n/);
  });

  it('a sweep as 1, 3 and 7 shard processes merges to the bytes of the unsharded run', async () => {
    const whole = await dio(...SWEEP);
    writeFileSync(unsharded, whole);
    expect((JSON.parse(whole) as { results: unknown[] }).results).toHaveLength(6); // so shard 6 of 7 is empty
    for (const n of [1, 3, 7]) {
      const files = await shards('sweep', n, SWEEP);
      sweepShards.set(n, files);
      const m = await merge(...files.slice().reverse()); // the order of the files does not matter
      expect(m.err).toBe('');
      expect(m.out).toBe(whole);
    }
    // -o writes the same bytes; --format text is the sweep's table
    const out = join(dir, 'merged.json');
    expect((await merge(...(sweepShards.get(3) ?? []), '-o', out)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(whole);
    const table = await dio(...SWEEP.filter((a) => a !== '--format' && a !== 'json'));
    expect((await merge('--format', 'text', ...(sweepShards.get(7) ?? []))).out).toBe(table);
  }, 120_000);

  it('a fuzz campaign as 3 shard processes merges to the bytes of the unsharded run', async () => {
    const whole = await dio(...FUZZ);
    const m = await merge(...(await shards('fuzz', 3, FUZZ)));
    expect(m.err).toBe('');
    expect(m.out).toBe(whole);
    expect(JSON.parse(whole)).toMatchObject({ from: 501, seeds: 12, failed: [] });
  }, 120_000);

  it('a comparison as 3 shards (in this process) merges to the bytes of the unsharded run, JSON and table', async () => {
    let out = '';
    const run = async (...argv: string[]): Promise<string> => {
      out = '';
      expect(await main(argv, { out: (s) => (out += `${s}\n`), err: () => {}, isTTY: false })).toBe(0);
      return out;
    };
    const args = ['compare', '--qd', '1,4', '--runtime', '5ms', '--ramp-time', '1ms', '--quiet', '--jobs', '1'];
    const json = await run(...args, '--format', 'json');
    const table = await run(...args);
    const files = [0, 1, 2].map((i) => join(dir, `compare-${i}-of-3.json`));
    for (const [i, f] of files.entries()) writeFileSync(f, await run(...args, '--format', 'json', '--shard', `${i}/3`));
    expect((await merge(...files)).out).toBe(json);
    expect((await merge('--format', 'text', ...files)).out).toBe(table);
  }, 120_000);

  it('a calibration as 1 and 3 shard processes (its searches) merges to the bytes of the unsharded profile and report', async () => {
    const real = join(__dirname, 'fixtures', 'real', 'vm-2vcpu-6.18-virtio-2026-12-02');
    const out = join(dir, 'cal.json');
    const CAL = ['calibrate', join(real, 'io_uring-qd1-r1.json'), join(real, 'io_uring-qd16-r1.json'), '--out', out, '--starts', '3', '--evaluations', '12', '--runtime', '3ms', '--quiet', '--jobs', '1'];
    const report = await dio(...CAL);
    const profile = readFileSync(out, 'utf8');
    for (const n of [1, 3]) {
      rmSync(out);
      const m = await merge(...(await shards(`cal${n}`, n, CAL)).reverse());
      expect(m.err).toBe('');
      expect(m.out).toBe(report);
      expect(readFileSync(out, 'utf8')).toBe(profile);
    }
    expect(JSON.parse(profile)).toMatchObject({ calibration: { starts: 3, evaluations_per_start: 12 } });
  }, 120_000);

  it('refuses bad merges in one line naming the files', async () => {
    const three = sweepShards.get(3) ?? [];
    const seven = sweepShards.get(7) ?? [];
    const [s0, s1, s2] = three as [string, string, string];
    const name = (f: string): string => f.replace(/[.]/g, '[.]');
    const other = join(dir, 'seed2-0-of-3.json');
    writeFileSync(other, await dio(...SWEEP, '--seed', '2', '--shard', '0/3'));
    const newer = join(dir, 'newer-2-of-3.json');
    writeFileSync(newer, readFileSync(s2, 'utf8').replace(/"version": "[^"]*"/, '"version": "99.0.0"'));
    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{"dio_shard": ');
    const cases: [string[], RegExp][] = [
      [[s0, s1, s1, s2], new RegExp(`^dio: merge: shard 1/3 given more than once \\(${name(s1)}, ${name(s1)}\\)$`)],
      [[s0, s2], new RegExp(`^dio: merge: shard 1 of 3 missing \\(given: ${name(s0)}, ${name(s2)}\\)$`)],
      [[s0, s1, seven[2] ?? ''], new RegExp(`^dio: merge: ${name(s0)} is shard 0/3, ${name(seven[2] ?? '')} shard 2/7: shards of different counts overlap$`)],
      [[s1, s2, other], new RegExp(`^dio: merge: ${name(s1)} and ${name(other)} differ in seed \\(1 vs 2\\)$`)],
      [[s0, s1, newer], new RegExp(`^dio: merge: ${name(s0)} is from dio \\d+\\.\\d+\\.\\d+, ${name(newer)} from dio 99\\.0\\.0: run every shard with one dio version$`)],
      [[s0, notJson], new RegExp(`^dio: merge: ${name(notJson)}: not JSON \\(`)],
      [[unsharded], new RegExp(`^dio: merge: ${name(unsharded)}: not a dio shard document \\(print one with --shard i/n --format json\\)$`)],
      [[s0, join(dir, 'fuzz-0-of-3.json')], new RegExp(`^dio: merge: ${name(s0)} is a sweep shard, .*fuzz-0-of-3[.]json a fuzz shard$`)],
    ];
    for (const [files, want] of cases) {
      const r = await merge(...files);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err.trimEnd()).toMatch(want);
    }
  }, 60_000);
});
