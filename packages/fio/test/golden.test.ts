import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LatencyHistogram } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { formatJson, formatNormal, parseFioArgs, parseJobFile } from '../src/index';
import { FIXTURE_ARGV, fixtureRun } from './fixture-result';
import { shapeOf } from './json-shape';

const FIXTURE = readFileSync(fileURLToPath(new URL('./fixtures/fio-3.33-randwrite-io_uring-qd4.json', import.meta.url)), 'utf8');

describe('golden: fio 3.33 JSON fixture', () => {
  it('formatJson reproduces the fixture byte for byte', () => {
    expect(formatJson(fixtureRun())).toBe(FIXTURE);
  });

  it('has the same keys in the same order, value types and units at every level', () => {
    const mine = formatJson(fixtureRun());
    expect(shapeOf(mine)).toEqual(shapeOf(FIXTURE));
    expect(JSON.parse(mine)).toEqual(JSON.parse(FIXTURE));
  });

  it('parse → echo of the fixture\'s "job options" round-trips (command line)', () => {
    const fixtureOpts = (JSON.parse(FIXTURE) as { jobs: { 'job options': Record<string, string> }[] }).jobs[0]?.['job options'] ?? {};
    const inv = parseFioArgs(Object.entries(fixtureOpts).map(([k, v]) => `--${k}=${v}`));
    const job = inv.jobs[0];
    expect(job?.options.map((o) => [o.name, o.value])).toEqual(Object.entries(fixtureOpts));
    expect(inv.globalOptions).toEqual([]);
    expect(job).toMatchObject({ name: 'w', size: 1 << 30, rw: 'randwrite', ioengine: 'io_uring', iodepth: 4, direct: true, timeBased: true, runtimeNs: 8e9, cpusAllowed: [1] });
  });

  it('parse → echo round-trips from a job file too (name comes from the section)', () => {
    const fixtureOpts = (JSON.parse(FIXTURE) as { jobs: { 'job options': Record<string, string> }[] }).jobs[0]?.['job options'] ?? {};
    const body = Object.entries(fixtureOpts).filter(([k]) => k !== 'name').map(([k, v]) => `${k}=${v}`).join('\n');
    const [job] = parseJobFile(`[w]\n${body}\n`, 'w.fio');
    // in a job file fio sorts a section's options by priority first: filename (prio -1) comes last
    const fromFile = Object.entries(fixtureOpts).filter(([k]) => k !== 'name');
    expect(job?.options.map((o) => [o.name, o.value])).toEqual([...fromFile.filter(([k]) => k !== 'filename'), ...fromFile.filter(([k]) => k === 'filename')]);
    expect(FIXTURE_ARGV.length).toBeGreaterThan(0);
  });

  it('json+ adds clat_ns bins only where N > 0 (fio_jsonplus_clat2csv needs that) and stays valid JSON', () => {
    const run = fixtureRun();
    const h = new LatencyHistogram();
    for (const v of [181, 41216, 41216, 76288, 2637824]) h.record(v);
    const job = run.jobs[0];
    if (job === undefined) throw new Error('no job');
    const text = formatJson({ ...run, jobs: [{ ...job, write: { ...job.write, clat: h } }] }, { plus: true });
    const parsed = JSON.parse(text) as { jobs: { write: { clat_ns: { bins: Record<string, number>; N: number } }; read: { clat_ns: { bins?: object } } }[] };
    const w = parsed.jobs[0]?.write.clat_ns;
    expect(Object.values(w?.bins ?? {}).reduce((a, b) => a + b, 0)).toBe(5);
    expect(parsed.jobs[0]?.read.clat_ns.bins).toBeUndefined();
    expect(text).toContain('"bins" : {\n');
  });

  it('formatNormal prints fio\'s normal report for the same numbers', () => {
    expect(formatNormal(fixtureRun())).toBe(
      [
        'w: (groupid=0, jobs=1): err= 0: pid=4242: Tue Nov 24 05:33:48 2026',
        '  write: IOPS=44.6k, BW=174MiB/s (183MB/s)(1395MiB/8001msec)',
        '    slat (usec): min=3, max=1481, avg=12.76, stdev=17.22',
        '    clat (nsec): min=181, max=9480.2k, avg=76585.35, stdev=62148.13',
        '     lat (usec): min=31, max=9484, avg=89.34, stdev=60.80',
        '    clat percentiles (usec):',
        '     |  1.00th=[   42],  5.00th=[   44], 10.00th=[   45], 20.00th=[   48],',
        '     | 30.00th=[   75], 40.00th=[   76], 50.00th=[   77], 60.00th=[   78],',
        '     | 70.00th=[   79], 80.00th=[   81], 90.00th=[   96], 95.00th=[  116],',
        '     | 99.00th=[  174], 99.50th=[  223], 99.90th=[  701], 99.95th=[ 1037],',
        '     | 99.99th=[ 2638]',
        '   bw (  KiB/s): min=163680, max=185488, per=99.76%, avg=178106.20, stdev=6941.40, samples=15',
        '   iops        : min=40920, max=46372, avg=44526.93, stdev=1735.60, samples=15',
        '  lat (nsec)   : 250=0.19%, 500=0.05%, 750=0.01%, 1000=0.01%',
        '  lat (usec)   : 2=0.01%, 20=0.01%, 50=20.73%, 100=69.93%, 250=8.67%',
        '  lat (usec)   : 500=0.26%, 750=0.06%, 1000=0.04%',
        '  lat (msec)   : 2=0.04%, 4=0.01%, 10=0.01%',
        '  cpu          : usr=4.64%, sys=56.65%, ctx=90450, majf=0, minf=12',
        '  IO depths    : 1=0.1%, 2=0.1%, 4=100.0%, 8=0.0%, 16=0.0%, 32=0.0%, >=64=0.0%',
        '     submit    : 0=0.0%, 4=100.0%, 8=0.0%, 16=0.0%, 32=0.0%, 64=0.0%, >=64=0.0%',
        '     complete  : 0=0.0%, 4=100.0%, 8=0.0%, 16=0.0%, 32=0.0%, 64=0.0%, >=64=0.0%',
        '     issued rwts: total=0,357125,0,0 short=0,0,0,0 dropped=0,0,0,0',
        '     latency   : target=0, window=0, percentile=100.00%, depth=4',
        '',
        'Run status group 0 (all jobs):',
        '  WRITE: bw=174MiB/s (183MB/s), 174MiB/s-174MiB/s (183MB/s-183MB/s), io=1395MiB (1463MB), run=8001-8001msec',
        '',
        'Disk stats (read/write):',
        '  vda: ios=0/352100, merge=0/0, ticks=0/17575, in_queue=17574, util=91.53%',
        '',
      ].join('\n'),
    );
  });
});
