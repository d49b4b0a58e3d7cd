/**
 * The job-file corpus (packages/fio/test/corpus): job files written the way
 * users write them. Each either runs under `dio run --runtime` or is refused
 * with one line per problem; real fio (when installed) is the oracle for
 * accept/refuse under --parse-only and for the JSON report's structure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/index';

const CORPUS = fileURLToPath(new URL('../../fio/test/corpus/', import.meta.url));
/** The job files whose I/Os are checked against fio's write_iolog (packages/fio/test/iolog): fio runs them buffered, with ioengine=null. */
const IOLOG_JOBS = fileURLToPath(new URL('../../fio/test/iolog/jobs/', import.meta.url));
const IOLOG_FILES = readdirSync(IOLOG_JOBS)
  .filter((f) => f.endsWith('.fio'))
  .sort();
const FILES = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.fio'))
  .sort();

/** fio runs these; dio refuses them by design: what it does not emulate. */
const REFUSED_BY_DESIGN: Readonly<Record<string, RegExp>> = {
  'buffered-default.fio': /^buffered-default\.fio:7: direct=0 \(fio's default; job 'seq-read' does not set direct\): buffered I\/O is not emulated .*add direct=1$/,
  'howto-random-writers.fio': /^howto-random-writers\.fio:7: direct=0: buffered I\/O is not emulated .*set direct=1$/,
  'etcd-fdatasync.fio': /^etcd-fdatasync\.fio:2: direct=0 .*buffered I\/O is not emulated/,
  'net-engine.fio': /^net-engine\.fio:3: ioengine=net: network I\/O is not emulated.*use ioengine=io_uring, libaio, psync, pvsync2 or sync$/,
  'posixaio.fio': /^posixaio\.fio:3: ioengine=posixaio: POSIX aio .* is not emulated; use ioengine=libaio or io_uring$/,
  'mmap-read.fio': /^mmap-read\.fio:3: ioengine=mmap: mmap I\/O goes through the page cache/,
  'io_uring_cmd-nvme.fio': /^io_uring_cmd-nvme\.fio:3: ioengine=io_uring_cmd: command passthrough is not emulated/,
  'zoned-zbd.fio': /^zoned-zbd\.fio:5: zonemode=zbd: zoned block devices are not emulated/,
  'trim.fio': /^trim\.fio:5: rw=randtrim: trim \(discard\) is not emulated/,
};

/** fio refuses these too (its "Bad option", "failed parsing"). */
const FIO_REFUSES: Readonly<Record<string, RegExp>> = {
  'typo-option.fio': /^typo-option\.fio:7: bad option <iodepht=32>: fio has no option 'iodepht'$/,
  'bad-rwmix-value.fio': /^bad-rwmix-value\.fio:6: invalid value '150' for option 'rwmixread': must be at most 100$/,
  'libaio-hipri.fio': /^libaio-hipri\.fio:4: option 'hipri' is not valid for ioengine=libaio/,
};

const REFUSED: Readonly<Record<string, RegExp>> = { ...REFUSED_BY_DESIGN, ...FIO_REFUSES };
const RUNNABLE = FILES.filter((f) => REFUSED[f] === undefined);

async function dio(...argv: string[]): Promise<{ code: number; out: string; err: string[] }> {
  let out = '';
  const err: string[] = [];
  const code = await main(argv, { out: (s) => (out += `${s}\n`), err: (s) => err.push(...s.split('\n')), isTTY: false });
  return { code, out, err };
}

/** The corpus file's path, and the message with the directory taken off (so expectations name the file alone). */
const path = (f: string): string => join(CORPUS, f);
const local = (line: string): string => line.replace(/^dio: /, '').replace(CORPUS, '');

describe('fio job-file corpus', () => {
  it('has at least 25 job files, each runnable or listed with the reason it is refused', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(25);
    expect(RUNNABLE.length).toBeGreaterThanOrEqual(15);
    for (const f of Object.keys(REFUSED)) expect(FILES).toContain(f);
  });

  it.each(FILES)('dio run --parse-only %s: silent and exit 0, or one line per problem and exit 1', async (f) => {
    const r = await dio('run', '--parse-only', path(f));
    const want = REFUSED[f];
    if (want === undefined) {
      expect(r.err.filter(Boolean)).toEqual([]);
      expect([r.code, r.out]).toEqual([0, '']);
      return;
    }
    expect(r.code).toBe(1);
    const lines = r.err.filter(Boolean).map(local);
    expect(lines[0]).toMatch(want);
    for (const l of lines) expect(l).toMatch(new RegExp(`^${f.replace(/[.]/g, '\\.')}:\\d+: `));
  });

  it.each(RUNNABLE)('dio run --runtime 5ms %s runs to completion', async (f) => {
    const r = await dio('run', '--quiet', '--runtime', '5ms', '--output-format=json', path(f));
    expect(r.err.filter((l) => l !== '' && !l.startsWith('dio: warning: '))).toEqual([]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { jobs: { jobname: string; job_runtime: number; read: { total_ios: number }; write: { total_ios: number } }[] };
    expect(json.jobs.length).toBeGreaterThan(0);
    for (const j of json.jobs) {
      expect(j.read.total_ios + j.write.total_ios).toBeGreaterThan(0);
      // ms; a group_reporting report adds up its jobs' runtimes, as fio (4 jobs at most in this corpus)
      expect(j.job_runtime).toBeLessThanOrEqual(5 * 4);
    }
  });

  it.each(IOLOG_FILES)('iolog job %s: refused only for direct=0 (by design), accepted with --direct=1', async (f) => {
    const plain = await dio('run', '--parse-only', join(IOLOG_JOBS, f));
    expect(plain.code).toBe(1);
    for (const l of plain.err.filter(Boolean)) expect(l).toMatch(/: direct=0 .*buffered I\/O is not emulated/);
    const direct = await dio('run', '--parse-only', '--direct=1', join(IOLOG_JOBS, f));
    expect([direct.code, direct.err.filter(Boolean)]).toEqual([0, []]);
  });

  it('time_based without runtime warns once, as fio, and runs size-based', async () => {
    const r = await dio('run', '--quiet', '--output-format=json', path('time-based-no-runtime.fio'));
    expect(r.code).toBe(0);
    expect(r.err.filter(Boolean).map(local)).toEqual([
      "warning: time-based-no-runtime.fio:10: job 'forgot-runtime': time_based requires a runtime/timeout setting; it runs size-based, as in fio",
    ]);
    const [job] = (JSON.parse(r.out) as { jobs: { write: { io_bytes: number } }[] }).jobs;
    expect(job?.write.io_bytes).toBe(64 * 2 ** 20);
  });

  it('--section runs only the named sections, [global] still applies', async () => {
    const r = await dio('run', '--quiet', '--runtime=5ms', '--section', 'reader', '--section=small-random', '--output-format=json', path('global-overrides.fio'));
    expect(r.code).toBe(0);
    const jobs = (JSON.parse(r.out) as { jobs: { jobname: string }[] }).jobs.map((j) => j.jobname);
    expect(jobs).toEqual(['small-random', 'reader']);
  });
});

/** Real fio: installed by .ci/run; a local run without it says so and skips. */
const fio = spawnSync('fio', ['--version'], { encoding: 'utf8' });
const hasFio = fio.status === 0;
if (!hasFio) {
  if (process.env.CI !== undefined) throw new Error('fio is not installed: .ci/run installs it (apt-get install -y fio)');
  console.warn('SKIPPED: fio is not installed; the differential tests against real fio did not run (apt-get install -y fio)');
}

describe.skipIf(!hasFio)('against real fio (the oracle)', () => {
  const scratch = mkdtempSync(join(process.env.DIO_SCRATCH_DIR ?? '/var/tmp', 'dio-fio-corpus-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each(FILES)('fio --parse-only %s agrees with dio on accept/refuse', (f) => {
    const r = spawnSync('fio', ['--parse-only', path(f)], { encoding: 'utf8', cwd: scratch });
    const fioAccepts = r.status === 0;
    expect(fioAccepts).toBe(FIO_REFUSES[f] === undefined);
  });

  it.each(IOLOG_FILES)('fio --parse-only --direct=1 %s accepts it, as dio does', (f) => {
    const r = spawnSync('fio', ['--parse-only', '--direct=1', join(IOLOG_JOBS, f)], { encoding: 'utf8', cwd: scratch });
    expect(r.status, r.stderr).toBe(0);
  });

  /** A JSON value's shape: keys in order and JSON types, recursively (arrays by their first element). */
  function shape(v: unknown): unknown {
    if (Array.isArray(v)) return v.length > 0 ? [shape(v[0])] : [];
    if (v !== null && typeof v === 'object') return Object.entries(v).map(([k, x]) => [k, shape(x)]);
    return typeof v;
  }

  /** The corpus job without the lines that size and place it, which the command line sets for both runs. */
  function smallJob(f: string): string {
    const text = readFileSync(path(f), 'utf8').replace(/^(filename|size|runtime|time_based|numjobs|ramp_time)\b.*$/gm, '');
    const p = join(scratch, f);
    writeFileSync(p, text);
    return p;
  }

  it.each(['4k-randwrite-qd32-io_uring.fio', 'mixed-70-30-randrw.fio', 'wal-fdatasync.fio', 'libaio-batching.fio'])(
    'fio and dio print JSON of the same structure for %s (keys, order, types)',
    async (f) => {
      const job = smallJob(f);
      const common = [`--filename=${join(scratch, 'scratch.bin')}`, '--size=4m', '--time_based', '--output-format=json'];
      const real = spawnSync('fio', [...common, '--runtime=200ms', job], { encoding: 'utf8', cwd: scratch });
      expect(real.status, real.stderr).toBe(0);
      const ours = await dio('run', '--quiet', ...common, '--runtime=5ms', job);
      expect(ours.code, ours.err.join('\n')).toBe(0);
      const a = JSON.parse(real.stdout) as { jobs: unknown[]; disk_util?: unknown[] };
      const b = JSON.parse(ours.out) as { jobs: unknown[]; disk_util?: unknown[] };
      // fio reports the host's disks; the structure of one entry is what must match
      if (a.disk_util?.length === 0) a.disk_util = b.disk_util?.slice(0, 1) ?? [];
      expect(shape(b)).toEqual(shape(a));
    },
    30_000,
  );

  it.each(['verify-crc32c.fio', 'verify-backlog-md5.fio'])(
    'fio and dio write, read back and verify every block of %s alike (JSON structure, error 0, reads = writes)',
    async (f) => {
      const job = smallJob(f);
      const common = [`--filename=${join(scratch, 'verify.bin')}`, '--size=256k', '--output-format=json'];
      const real = spawnSync('fio', [...common, job], { encoding: 'utf8', cwd: scratch });
      expect(real.status, real.stderr).toBe(0);
      const ours = await dio('run', '--quiet', ...common, job);
      expect(ours.code, ours.err.join('\n')).toBe(0);
      type J = { jobs: { error: number; read: { io_bytes: number }; write: { io_bytes: number } }[]; disk_util?: unknown[] };
      const a = JSON.parse(real.stdout) as J;
      const b = JSON.parse(ours.out) as J;
      if (a.disk_util?.length === 0) a.disk_util = b.disk_util?.slice(0, 1) ?? [];
      expect(shape(b)).toEqual(shape(a));
      for (const r of [a, b]) expect(r.jobs.map((j) => [j.error, j.read.io_bytes, j.write.io_bytes])).toEqual([[0, 256 * 1024, 256 * 1024]]);
    },
    30_000,
  );
});
