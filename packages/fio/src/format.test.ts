import { LatencyHistogram } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { ctime } from './ctime';
import { formatJson } from './format-json';
import { formatNormal } from './format-normal';
import { formatJobHeader } from './job-header';
import { jArr, jFloat, jInt, jObj, jStr, printFioJson } from './json-writer';
import { displayLat, showPercentiles } from './normal-ddir';
import { parseJobFile } from './parse-job-file';
import { createJobResult } from './recording';

describe('json writer', () => {
  it('prints fio\'s layout, types and escapes', () => {
    const v = jObj([
      ['a', jInt(3.9)],
      ['b', jFloat(1)],
      ['s', jStr('x"y\\z')],
      ['e', jObj([])],
      ['l', jArr([jObj([['k', jInt(1)]])])],
    ]);
    expect(printFioJson(v)).toBe('{\n  "a" : 3,\n  "b" : 1.000000,\n  "s" : "x\\"y\\\\z",\n  "e" : {\n\n  },\n  "l" : [\n    {\n      "k" : 1\n    }\n  ]\n}\n');
  });
});

describe('normal output helpers', () => {
  const h = (vals: number[]): LatencyHistogram => {
    const x = new LatencyHistogram();
    for (const v of vals) x.record(v);
    return x;
  };

  it('display_lat picks nsec / usec / msec as fio does', () => {
    expect(displayLat('clat', h([500, 700]))).toBe('    clat (nsec): min=500, max=700, avg=600.00, stdev=141.42\n');
    expect(displayLat('clat', h([2_000_000, 9_000_000]))).toMatch(/^ {4}clat \(msec\): min=2, max=9, avg= 5.50, stdev= 4.95\n$/);
    expect(displayLat(' lat', h([1500, 4000]))).toMatch(/^ {5}lat \(usec\): min=1, max=4, avg= 2.75, stdev= 1.77\n$/);
  });

  it('percentile block honours percentile_list precision and msec scaling', () => {
    const text = showPercentiles(h([3_000_000, 150_000_000]), [50, 99.999], 3, 'clat');
    expect(text.split('\n')[0]).toBe('    clat percentiles (msec):');
    expect(text).toMatch(/^ {5}\| 50\.000th=\[ +\d+\], 99\.999th=\[ +\d+\]\n$/m);
    expect(showPercentiles(h([]), [50], 2, 'clat')).toBe('');
  });

  it('ctime matches C\'s layout', () => {
    expect(ctime(1795498428652)).toBe('Tue Nov 24 05:33:48 2026');
    expect(ctime(0)).toBe('Thu Jan  1 00:00:00 1970');
    expect(ctime(0, 120)).toBe('Thu Jan  1 02:00:00 1970');
  });

  it('job header lines', () => {
    const jobs = parseJobFile('[w]\nsize=1m\nrw=randwrite\nbs=4k,64k\nioengine=io_uring\niodepth=4\nnumjobs=2\n', 'w.fio');
    expect(formatJobHeader(jobs)).toBe(
      'w: (g=0): rw=randwrite, bs=(R) 4096B-4096B, (W) 64.0KiB-64.0KiB, (T) 64.0KiB-64.0KiB, ioengine=io_uring, iodepth=4\n...\nfio-3.33\nStarting 2 processes\n',
    );
  });
});

describe('recorded results through the formatters', () => {
  it('a mixed read/write run with fsyncs formats as normal, json and json+', () => {
    const [job] = parseJobFile('[m]\nsize=1m\nrw=randrw\nioengine=libaio\niodepth=2\nfsync=4\nlat_percentiles=1\n', 'm.fio');
    if (job === undefined) throw new Error('no job');
    const r = createJobResult(job, 99);
    for (const d of [r.read, r.write]) {
      for (let i = 0; i < 100; i++) {
        d.slat.record(1000 + i);
        d.clat.record(50_000 + i * 100);
        d.lat.record(51_000 + i * 100);
        r.latency.record(50_000 + i * 100);
        r.depth.markDepth(2);
        r.depth.markSubmit(1);
        r.depth.markComplete(1);
      }
      d.ioBytes = 100 * 4096;
      d.totalIos = 100;
      d.runtimeNs = 1e9;
      d.bw.record(400);
      d.iops.record(100);
    }
    r.sync.totalIos = 25;
    for (let i = 0; i < 25; i++) r.sync.lat.record(2_000_000);
    r.jobRuntimeNs = 1e9;
    const run = { fioVersion: 'fio-3.33', timestampMs: 0, jobs: [r], diskUtil: [], globalOptions: [] };
    const normal = formatNormal(run);
    expect(normal).toContain('  read: IOPS=100, BW=400KiB/s (410kB/s)(400KiB/1000msec)\n');
    expect(normal).toContain('  write: IOPS=100, BW=400KiB/s (410kB/s)(400KiB/1000msec)\n');
    expect(normal).toContain('     lat percentiles (nsec):\n     |  1.00th=[');
    expect(normal).toContain('  fsync/fdatasync/sync_file_range:\n    sync (nsec): min=2000.0k, max=2000.0k, avg=2000000.00, stdev= 0.00\n    sync percentiles (usec):\n');
    expect(normal).toContain('     issued rwts: total=100,100,0,25 short=0,0,0,0 dropped=0,0,0,0\n');
    expect(normal).toContain('   READ: bw=400KiB/s (410kB/s), 400KiB/s-400KiB/s (410kB/s-410kB/s), io=400KiB (410kB), run=1000-1000msec\n');
    expect(normal).not.toContain('Disk stats');
    const json = JSON.parse(formatJson(run)) as { jobs: { read: { lat_ns: { percentile?: object } }; sync: { total_ios: number; lat_ns: { N: number; percentile?: object } } }[]; disk_util?: unknown };
    expect(json.jobs[0]?.read.lat_ns.percentile).toBeDefined();
    expect(json.jobs[0]?.sync.total_ios).toBe(25);
    expect(json.jobs[0]?.sync.lat_ns.percentile).toBeDefined();
    expect(json.disk_util).toBeUndefined();
    const plus = JSON.parse(formatJson(run, { plus: true, percentiles: [50] })) as { jobs: { write: { clat_ns: { bins: Record<string, number>; percentile: object } } }[] };
    expect(Object.keys(plus.jobs[0]?.write.clat_ns.percentile ?? {})).toEqual(['50.000000']);
    expect(Object.values(plus.jobs[0]?.write.clat_ns.bins ?? {}).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('echoes global options at the top level', () => {
    const jobs = parseJobFile('[global]\nsize=1m\n[a]\n', 'a.fio');
    const job = jobs[0];
    if (job === undefined) throw new Error('no job');
    const text = formatJson({ fioVersion: 'fio-3.33', timestampMs: 0, jobs: [createJobResult(job, 1)], diskUtil: [], globalOptions: job.globalOptions });
    expect(text).toContain('  "time" : "Thu Jan  1 00:00:00 1970",\n  "global options" : {\n    "size" : "1m"\n  },\n  "jobs" : [\n');
    expect(formatNormal({ fioVersion: 'fio-3.33', timestampMs: 0, jobs: [createJobResult(job, 1)], diskUtil: [], globalOptions: [] })).toBe('\nRun status group 0 (all jobs):\n');
  });
});
