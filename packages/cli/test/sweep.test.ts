import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleFromSource } from '../../../scripts/bundle-source.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPoint, main, parseSetArgs, setProduct } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'dio-sweep-'));
const jobFile = join(dir, 'small.fio');
writeFileSync(jobFile, '; a small job\n[global]\nsize=64m\nrw=randwrite\nbs=4k\ndirect=1\ntime_based=1\nruntime=5ms\nioengine=io_uring\n\n[w]\niodepth=1\n');

/** The CLI bundled from source, so `--jobs 2` really starts worker threads from it (as `pnpm dio` does). */
let entry: URL | null = null;
beforeAll(async () => {
  const out = join(dir, 'dio.mjs');
  await bundleFromSource(join(__dirname, '..', 'src', 'bin.ts'), out);
  entry = pathToFileURL(out);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`), isTTY: false }, entry);
  return { code, out, err };
}

interface SweepJson {
  results: { set: Record<string, number | string>; profile: string; iops: number; clat_ns: Record<string, number> }[];
  seed: number;
}

describe('dio sweep', () => {
  it('runs the product of the --set values and the profiles, in order', async () => {
    const r = await cli('sweep', jobFile, '--set', 'iodepth=1,2,4', '--set', 'bs=4k,16k', '--profiles', 'linux-6.5,linux-6.19', '--format', 'json', '--seed', '5', '--jobs', '1');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as SweepJson;
    expect(j.seed).toBe(5);
    expect(j.results).toHaveLength(3 * 2 * 2);
    expect(j.results.slice(0, 4).map((x) => [x.set, x.profile])).toEqual([
      [{ iodepth: 1, bs: '4k' }, 'linux-6.5'],
      [{ iodepth: 1, bs: '4k' }, 'linux-6.19'],
      [{ iodepth: 1, bs: '16k' }, 'linux-6.5'],
      [{ iodepth: 1, bs: '16k' }, 'linux-6.19'],
    ]);
    for (const x of j.results) {
      expect(Object.keys(x.clat_ns)).toEqual(['mean', 'p50', 'p99', 'p99.9']);
      expect(x.iops).toBeGreaterThan(0);
    }
    // the override reaches the job: deeper queues complete more I/Os
    const at = (qd: number) => j.results.find((x) => x.set.iodepth === qd && x.profile === 'linux-6.5')?.iops ?? 0;
    expect(at(4)).toBeGreaterThan(at(1));
  });

  it('gives identical results on one thread and on two workers', async () => {
    const args = ['sweep', jobFile, '--set', 'iodepth=1,4', '--profiles', 'linux-6.5,linux-6.6-rc1', '--format', 'json', '--quiet'];
    const one = await cli(...args, '--jobs', '1');
    const two = await cli(...args, '--jobs', '2');
    expect(two.code).toBe(0);
    expect(two.out).toBe(one.out);
  });

  it('prints one row per combination, an IOPS and a p99 column per profile', async () => {
    const r = await cli('sweep', jobFile, '--set', 'iodepth=1,8', '--quiet', '--jobs', '1');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^dio sweep: .*small\.fio, 2 combination\(s\) x 2 profile\(s\), seed 1$/);
    expect(lines[1]).toBe('iodepth | IOPS linux-6.5 | IOPS linux-6.6-rc1 | p99 clat linux-6.5 | p99 clat linux-6.6-rc1');
    expect(lines.slice(3)).toHaveLength(2);
    expect(lines[3]).toMatch(/^ {6}1 \| \d+K +\| \d+K +\| [\d.]+ us +\| [\d.]+ us$/);
  });

  it('reports a bad --set in one line naming the option, exit 1', async () => {
    for (const [set, want] of [
      ['iodepth=1,0', /^dio: --set iodepth=1,0: invalid value '0' for option 'iodepth'/],
      ['frobnicate=3', /^dio: --set frobnicate=3: bad option <frobnicate=3>: fio has no option 'frobnicate'$/],
      ['iodepth', /^dio: --set: 'iodepth' must be option=value/],
    ] as const) {
      const r = await cli('sweep', jobFile, '--set', set, '--jobs', '1');
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err.trim()).toMatch(want);
    }
    // a combination that cannot run names itself
    const r = await cli('sweep', jobFile, '--set', 'size=1m', '--set', 'bs=4k,2m', '--jobs', '2', '--quiet');
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/\(with --set size=1m bs=2m\)$/m);
  });
});

describe('--set helpers', () => {
  it('builds the product, first axis slowest', () => {
    const axes = parseSetArgs(['iodepth=1,2', 'bs=4k,8k,16k']);
    expect(setProduct(axes).map((p) => p.map(([, v]) => v).join('/'))).toEqual(['1/4k', '1/8k', '1/16k', '2/4k', '2/8k', '2/16k']);
    expect(setProduct([])).toEqual([[]]);
  });

  it('appends the point to every job section, not to [global]', () => {
    const v = applyPoint('[global]\nbs=4k\n[a]\nrw=write\n[b]\n', [['iodepth', '8']]);
    expect(v.text).toBe('[global]\nbs=4k\n[a]\nrw=write\niodepth=8\n[b]\n\niodepth=8');
    expect(v.origin).toEqual([1, 2, 3, 4, 0, 5, 6, 0]);
  });
});
