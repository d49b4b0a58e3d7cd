/**
 * Real fio is the oracle: the same small job files run under Debian's fio
 * 3.33 on a scratch file and under dio, and dio's output must have fio's
 * shape — JSON keys, key order and value types at every level, terse v3
 * field by field, log files column by column — and fio's own tools must
 * read it (fio_jsonplus_clat2csv --validate, fiologparser_hist.py).
 * Skips, saying so, where fio or its tools are not installed (CI installs
 * them: .ci/run).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { formatOutput, LINUX_6_6, logFiles, parseJobFile, runJobs, type OutputFormat } from '../src/index';
import { shapeOf, type Shape } from './json-shape';

const has = (cmd: string, args: string[]): boolean => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;
const HAS_FIO = has('fio', ['--version']);
const HAS_CLAT2CSV = HAS_FIO && has('fio_jsonplus_clat2csv', ['--help']);
const DOC = '/usr/share/doc/fio';
const HAS_HIST_TOOL = existsSync(`${DOC}/fiologparser_hist.py.gz`) && has('/usr/bin/python3', ['-c', 'import pandas, numpy']);
if (!HAS_FIO) console.warn('fio-oracle: SKIPPED — fio is not installed (apt-get install -y fio)');
else if (!HAS_HIST_TOOL) console.warn('fio-oracle: fiologparser_hist.py check SKIPPED — needs /usr/bin/python3 with pandas (apt-get install -y python3-pandas)');

const dir = mkdtempSync(join(tmpdir(), 'dio-fio-oracle-'));
const fioDir = join(dir, 'fio');
const dioDir = join(dir, 'dio');
spawnSync('mkdir', ['-p', fioDir, dioDir]);
const scratch = join(dir, 'scratch');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs real fio on `text` (with FILE replaced by the scratch file) in `fioDir`; its stdout. */
function fio(name: string, text: string, format: string): string {
  const path = join(fioDir, name);
  writeFileSync(path, text.replaceAll('FILE', scratch));
  const r = spawnSync('fio', [`--output-format=${format}`, name], { cwd: fioDir, encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`fio ${name}: ${r.stderr}`);
  return r.stdout;
}

const dioRuns = new Map<string, ReturnType<typeof runJobs>>();

/** Runs the same job under dio (once per job file); its report, and its logs written into `dioDir`. */
function dio(name: string, text: string, formats: OutputFormat[]): string {
  let res = dioRuns.get(name);
  if (res === undefined) {
    res = runJobs(parseJobFile(text.replaceAll('FILE', scratch), name), LINUX_6_6, { seed: 1 });
    dioRuns.set(name, res);
    for (const [path, body] of logFiles(res.logs)) writeFileSync(join(dioDir, path), body);
  }
  return formatOutput(res.result, formats);
}

/** fio's JSON shape with the data-dependent parts made comparable: `bins` keys are latencies, disk names vary. */
function normalized(s: Shape, key = ''): Shape {
  if (s.kind === 'object') {
    if (key === 'bins') return { kind: 'object', keys: s.keys.length > 0 ? [['<ns>', { kind: 'int' }]] : [] };
    return { kind: 'object', keys: s.keys.map(([k, v]) => [k, normalized(v, k)]) };
  }
  if (s.kind === 'array') return { kind: 'array', items: key === 'disk_util' ? s.items.slice(0, 1).map((x) => normalized(x)) : s.items.map((x) => normalized(x)) };
  return s;
}

const GLOBAL = '[global]\nioengine=libaio\ndirect=1\nsize=4m\nbs=4k\nfilename=FILE\n';
const JOBS: Record<string, string> = {
  // numjobs=2 with group_reporting: one report; the job without it: its own
  'group.fio': `${GLOBAL}iodepth=4\n\n[w]\nrw=randwrite\nnumjobs=2\ngroup_reporting\n\n[r]\nrw=randread\n`,
  // no [global]: no "global options"; psync, a description, lat percentiles and a short list
  'psync.fio': '[seq]\ndescription=sequential reads\nioengine=psync\ndirect=1\nfilename=FILE\nsize=2m\nrw=read\nlat_percentiles=1\npercentile_list=50:99:99.9\n',
  // fsync every 4 writes: the "sync" block gets percentiles and json+ bins
  'fsync.fio': '[f]\nioengine=pvsync2\ndirect=1\nfilename=FILE\nsize=1m\nrw=randwrite\nfsync=4\n',
  // a [global] of bare options only: fio prints "global options" as an empty object
  'bare.fio': '[global]\nnorandommap\n\n[b]\nioengine=psync\ndirect=1\nfilename=FILE\nsize=1m\nrw=randread\ngroup_reporting\n',
  // kb_base first and filename last in the echo, whatever the file order
  'mixed.fio': '[global]\nfilename=FILE\ndirect=1\nkb_base=1000\n\n[m]\nioengine=io_uring\nrw=randrw\nrwmixread=70\nsize=4m\niodepth=8\n',
};

describe.skipIf(!HAS_FIO)('real fio 3.33 and dio print the same shapes', () => {
  it.each(Object.keys(JOBS))('%s: JSON keys, key order, types and units at every level', (name) => {
    const text = JOBS[name] as string;
    const theirs = normalized(shapeOf(fio(name, text, 'json+')));
    const ours = normalized(shapeOf(dio(name, text, ['json+'])));
    expect(ours).toEqual(theirs);
  });

  it('the option echo is fio\'s: sections sorted by option priority, bare options left out', () => {
    const text = JOBS['mixed.fio'] as string;
    const echo = (json: string): unknown => {
      const j = JSON.parse(json) as { 'global options': unknown; jobs: { 'job options': unknown }[] };
      return [j['global options'], j.jobs.map((x) => x['job options'])];
    };
    expect(echo(dio('mixed.fio', text, ['json']))).toEqual(echo(fio('mixed.fio', text, 'json')));
  });

  it('terse v3: the same number of fields, each of the same form', () => {
    const form = (f: string): string => {
      if (/^-?\d+$/.test(f)) return 'int';
      if (/^-?\d+\.\d{6}$/.test(f)) return 'float';
      if (/^\d+\.\d+%$/.test(f)) return `pct${f.length - f.indexOf('.') - 2}`;
      if (/^(\d+\.\d{6}|0)%=\d+$/.test(f)) return 'pctl';
      return 'text';
    };
    for (const name of ['group.fio', 'psync.fio']) {
      const text = JOBS[name] as string;
      const lines = (out: string): string[][] => out.trimEnd().split('\n').map((l) => l.split(';').map(form));
      expect(lines(dio(name, text, ['terse']))).toEqual(lines(fio(name, text, 'terse')));
    }
  });

  it.skipIf(!HAS_CLAT2CSV)('fio_jsonplus_clat2csv converts and --validates dio\'s json+', () => {
    for (const name of Object.keys(JOBS)) {
      const src = join(dioDir, `${name}.json`);
      writeFileSync(src, dio(name, JOBS[name] as string, ['json+']));
      const csv = join(dioDir, `${name}.csv`);
      const conv = spawnSync('fio_jsonplus_clat2csv', [src, csv], { encoding: 'utf8' });
      expect(conv.stderr).toBe('');
      expect(conv.status).toBe(0);
      const check = spawnSync('fio_jsonplus_clat2csv', [src, csv, '--validate'], { encoding: 'utf8' });
      expect(check.status).toBe(0);
      const jobs = (JSON.parse(readFileSync(src, 'utf8')) as { jobs: unknown[] }).jobs.length;
      expect(check.stdout.match(/validated/g)).toHaveLength(jobs);
    }
  });
});

const LOGS = '[global]\nioengine=libaio\ndirect=1\nsize=4m\nbs=4k\nfilename=FILE\niodepth=2\n\n';
const PER_IO = `${LOGS}[p]\nrw=randrw\nwrite_bw_log=p\nwrite_iops_log=p\nwrite_lat_log=p\nwrite_hist_log=p\nlog_hist_msec=1\nlog_offset=1\n`;
const WINDOWED = `${LOGS}[w]\nrw=randrw\ntime_based\nruntime=60ms\nwrite_bw_log=w\nwrite_iops_log=w\nwrite_lat_log=w\nwrite_hist_log=w\nlog_avg_msec=20\nlog_max_value=1\nlog_hist_msec=10\nlog_hist_coarseness=2\nper_job_logs=0\n`;

/** The set of column counts of each log file of `prefix` in `where` (empty for an empty file). */
function columns(where: string, prefix: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const f of readdirSync(where).filter((x) => x.startsWith(`${prefix}_`)).sort()) {
    const lines = readFileSync(join(where, f), 'utf8').split('\n').filter((l) => l !== '');
    for (const l of lines) expect(l).toMatch(/^\d+(, \d+)+$/);
    out[f] = [...new Set(lines.map((l) => l.split(', ').length))];
  }
  return out;
}

describe.skipIf(!HAS_FIO)('log files as fio 3.33 writes them', () => {
  it('one line per I/O (log_offset=1): the same files with the same columns; the IOPS log has a line per I/O', () => {
    fio('per-io.fio', PER_IO, 'json');
    const json = JSON.parse(dio('per-io.fio', PER_IO, ['json'])) as { jobs: { read: { total_ios: number; bw_samples: number }; write: { total_ios: number } }[] };
    expect(columns(dioDir, 'p')).toEqual(columns(fioDir, 'p'));
    const iops = readFileSync(join(dioDir, 'p_iops.1.log'), 'utf8').trimEnd().split('\n').map((l) => l.split(', '));
    const job = json.jobs[0];
    expect(iops.filter((c) => c[2] === '0')).toHaveLength(job?.read.total_ios ?? -1);
    expect(iops.filter((c) => c[2] === '1')).toHaveLength(job?.write.total_ios ?? -1);
    // a bandwidth log without log_avg_msec samples every I/O, as fio's bw_samples then count
    expect(job?.read.bw_samples).toBe(job?.read.total_ios);
  });

  it('log_avg_msec windows, log_max_value, per_job_logs=0, histogram coarseness: the same files with the same columns', () => {
    fio('windowed.fio', WINDOWED, 'json');
    dio('windowed.fio', WINDOWED, ['json']);
    const ours = columns(dioDir, 'w');
    const theirs = columns(fioDir, 'w');
    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    // fio's helper thread may not take a bandwidth sample in so short a run: compare the files it wrote lines to
    for (const [f, cols] of Object.entries(theirs)) if (cols.length > 0) expect([f, ours[f]]).toEqual([f, cols]);
    expect(ours['w_clat_hist.log']).toEqual([3 + 1856 / 4]);
    expect(ours['w_bw.log']).toEqual([5]);
    // windowed lines: block size and offset are 0; a line every 20 ms per direction
    const bw = readFileSync(join(dioDir, 'w_bw.log'), 'utf8').trimEnd().split('\n').map((l) => l.split(', ').map(Number));
    expect(bw.map((c) => c[0])).toEqual([20, 20, 40, 40, 60, 60]);
    expect(bw.every((c) => c[3] === 0 && c[4] === 0)).toBe(true);
  });

  it('fiologparser.py reads dio\'s logs exactly as it reads fio 3.33\'s own', () => {
    const tool = join(dir, 'fiologparser.py');
    writeFileSync(tool, gunzipSync(readFileSync(`${DOC}/fiologparser.py.gz`)));
    const run = (where: string): { status: number | null; out: string; lastError: string } => {
      const r = spawnSync('python3', [tool, '-s', join(where, 'p_iops.1.log')], { encoding: 'utf8' });
      return { status: r.status, out: r.stdout, lastError: r.stderr.trimEnd().split('\n').pop() ?? '' };
    };
    // the 3.33 tool still expects the 4-column layout of fio < 3.x; fio 3.33's logs carry a priority column
    expect(run(dioDir)).toEqual(run(fioDir));
  });

  it.skipIf(!HAS_HIST_TOOL)('fiologparser_hist.py reads dio\'s histogram log: numbers parse, samples add up to the log\'s counts', () => {
    const tool = join(dir, 'fiologparser_hist.py');
    writeFileSync(tool, gunzipSync(readFileSync(`${DOC}/fiologparser_hist.py.gz`)));
    const log = join(dioDir, 'w_clat_hist.log');
    const r = spawnSync('/usr/bin/python3', [tool, '--noweight', '-i', '10', log], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const [head, ...rows] = r.stdout.trimEnd().split('\n');
    expect(head).toBe('end-time, samples, min, avg, median, 90%, 95%, 99%, max');
    const nums = rows.map((l) => l.split(', ').map(Number));
    expect(nums.length).toBeGreaterThan(0);
    for (const n of nums) {
      expect(n.every(Number.isFinite)).toBe(true);
      const [, samples, min, , median, , , , max] = n as [number, number, number, number, number, number, number, number, number];
      expect(samples).toBeGreaterThan(0);
      expect(min).toBeLessThanOrEqual(median);
      expect(median).toBeLessThanOrEqual(max);
    }
    const logged = readFileSync(log, 'utf8').trimEnd().split('\n').reduce((a, l) => a + l.split(', ').slice(3).map(Number).reduce((x, y) => x + y, 0), 0);
    expect(nums.reduce((a, n) => a + (n[1] ?? 0), 0)).toBe(logged);
  });
});
