/**
 * `dio run --power-cut`: the device loses power mid-run; the verifying jobs
 * read back what was acknowledged (fio's verify after a crash).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'dio-powercut-'));
const cached = join(dir, 'cached.json');
writeFileSync(cached, JSON.stringify({ extends: 'linux-6.6', name: 'cached', device: { write_cache: true } }));
const job = (extra = ''): string => {
  const p = join(dir, `w${extra.length}.fio`);
  writeFileSync(p, `[w]\nfilename=/data/f\nioengine=io_uring\ndirect=1\niodepth=8\nrw=randwrite\nbs=4k\nsize=16m\ntime_based\nruntime=1s\nverify=crc32c\n${extra}`);
  return p;
};

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string[] }> {
  let out = '';
  const err: string[] = [];
  const code = await main(argv, { out: (s) => (out += `${s}\n`), err: (s) => err.push(...s.split('\n').filter(Boolean)), isTTY: false });
  return { code, out, err };
}

describe('dio run --power-cut', () => {
  it('cuts the power of a write-cached device: acknowledged writes lost, verify fails with fio\'s messages, exit 1', async () => {
    const r = await cli('run', '--quiet', '--power-cut', '2ms', '--profile', cached, '--output-format=json', job());
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/^dio: power cut at 2 ms \(the power went at 2\.\d+ ms, once the I\/Os in flight had completed\): [1-9]\d* acknowledged writes lost from the volatile cache \(\d+ sectors\), \d+ had reached the media; power restored/);
    expect(r.err).toContainEqual(expect.stringMatching(/^verify: bad magic header 0, wanted acca at file \/data\/f offset \d+, length 4096/));
    expect(r.err).toContainEqual(expect.stringMatching(/^fio: pid=\d+, err=84\//));
    // no "verification read phase will never start" warning: the read phase follows the cut
    expect(r.err.filter((l) => l.startsWith('dio: warning'))).toEqual([]);
    const j = (JSON.parse(r.out) as { jobs: { error: number; write: { total_ios: number }; read: { total_ios: number } }[] }).jobs[0];
    expect(j?.error).toBe(84);
    expect(j?.write.total_ios).toBeGreaterThan(100);
  });

  it('--power-cut-tear tears the cache sector by sector', async () => {
    const r = await cli('run', '--quiet', '--power-cut', '2ms', '--power-cut-tear', '--profile', cached, '--output-format=json', job());
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/^dio: power cut at 2 ms .*, torn: /);
  });

  it('with O_DSYNC writes (sync=dsync) nothing acknowledged is lost: every write read back, exit 0', async () => {
    const r = await cli('run', '--quiet', '--power-cut', '2ms', '--profile', cached, '--output-format=json', job('sync=dsync\n'));
    expect(r.err[0]).toMatch(/: 0 acknowledged writes lost/);
    expect(r.code).toBe(0);
    const j = (JSON.parse(r.out) as { jobs: { error: number; read: { total_ios: number } }[] }).jobs[0];
    expect(j?.error).toBe(0);
    expect(j?.read.total_ios).toBeGreaterThan(0);
  });

  it('fsync=1 loses at most the last write, acknowledged but not yet fsynced when the power went', async () => {
    const r = await cli('run', '--quiet', '--power-cut', '2ms', '--profile', cached, '--output-format=json', job('fsync=1\n'));
    expect(r.err[0]).toMatch(/: [01] acknowledged writes lost/);
  });

  it('warns when the device has no volatile cache, or when no job verifies', async () => {
    const r = await cli('run', '--quiet', '--power-cut', '2ms', '--output-format=json', job('do_verify=0\n'));
    expect(r.code).toBe(0);
    expect(r.err.slice(0, 2)).toEqual([
      "dio: warning: --power-cut: the device of profile 'linux-6.6' has no volatile write cache (device.write_cache is false), so the cut loses no acknowledged write; use a profile file with \"device\": {\"write_cache\": true}",
      'dio: warning: --power-cut: no job writes with verify= (and do_verify=1), so nothing is read back after the cut',
    ]);
  });

  it.each([
    [['--power-cut', 'soon'], "dio: --power-cut: 'soon' is not a time"],
    [['--power-cut', '0'], "dio: --power-cut: '0' must be more than 0"],
    [['--power-cut-tear'], 'dio: --power-cut-tear: needs --power-cut <time> (when to cut the power, e.g. --power-cut 50ms)'],
  ])('refuses %j with one line', async (args, msg) => {
    const r = await cli('run', '--quiet', ...args, job());
    expect(r.code).not.toBe(0);
    expect(r.err).toEqual([msg]);
  });
});
