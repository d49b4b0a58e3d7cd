// Plain-first calls (scripts/plain-first.mjs) change how fast the stack runs,
// never what it does: the same command gives the same output from a bundle
// built with the twins (what `pnpm dio` runs) as from the sources run as
// written (what vitest runs here, untransformed).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleFromSource } from '../../../scripts/bundle-source.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'dio-plain-first-'));
const bundle = join(dir, 'dio.mjs');

beforeAll(() => bundleFromSource(join(__dirname, '..', 'src', 'bin.ts'), bundle));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** stdout of `dio argv` from the bundle, in its own process. */
async function bundled(argv: readonly string[]): Promise<string> {
  const r = await promisify(execFile)(process.execPath, [bundle, ...argv], { cwd: dir, maxBuffer: 64 << 20 });
  return r.stdout;
}

/** stdout of `dio argv` from the sources, in this process. */
async function fromSource(argv: readonly string[]): Promise<string> {
  let out = '';
  expect(await main([...argv], { out: (s) => (out += `${s}\n`), err: () => {}, isTTY: false })).toBe(0);
  return out;
}

/** A JSON document without what says when and where it ran. */
function comparable(json: string): unknown {
  return JSON.parse(json, (k, v: unknown) => (k === 'provenance' || k === 'time' || k === 'timestamp' || k === 'timestamp_ms' || k === 'elapsed' ? undefined : v));
}

describe('plain-first calls', () => {
  it('the bundle has the twins', () => {
    expect(readFileSync(bundle, 'utf8')).toMatch(/\.plainForm = function/);
  });

  it('fuzz: the same trace hash and verdicts over 150 random stacks', async () => {
    const argv = ['fuzz', '--from', '1', '--seeds', '150', '--format', 'json', '--quiet'];
    const [a, b] = await Promise.all([bundled(argv), fromSource(argv)]);
    expect(comparable(a)).toEqual(comparable(b));
    expect((comparable(a) as { trace_hash: string }).trace_hash).toMatch(/^[0-9a-f]+$/);
  }, 120_000);

  for (const engine of ['io_uring', 'libaio', 'psync']) {
    it(`run: ${engine} job, every latency and counter the same`, async () => {
      const job = join(dir, `${engine}.fio`);
      writeFileSync(job, `[global]\nsize=64m\nrw=randwrite\nbs=4k\ndirect=1\ntime_based=1\nruntime=5ms\nioengine=${engine}\n\n[w]\niodepth=8\n`);
      const argv = ['run', job, '--output-format', 'json'];
      const [a, b] = await Promise.all([bundled(argv), fromSource(argv)]);
      expect(comparable(a)).toEqual(comparable(b));
    }, 60_000);
  }
});
