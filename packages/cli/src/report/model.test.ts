import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors';
import { reportFromJson, sweepAxis } from './model';
import { seriesStyle } from './palette';
import { commandLine } from './provenance';

const clat = { mean: 1, p50: 1, p99: 2, 'p99.9': 3 };

describe('reports from saved JSON', () => {
  it('reads compare JSON, with the published points for io_uring', () => {
    const r = reportFromJson(JSON.stringify({ results: [{ qd: 1, policy: 'workqueue', profile: 'linux-6.5', iops: 1, clat_ns: clat }], seed: 3, runtime_ns: 1 }), 'a.json');
    expect(r.kind).toBe('compare');
    if (r.kind === 'run') return;
    expect(r.points[0]?.x).toBe(1);
    expect(r.published.map((p) => [p.x, p.iops])).toEqual([
      [1, 155_000],
      [16, 615_000],
    ]);
  });

  it('reads sweep JSON: one numeric --set is the axis, several make labels', () => {
    expect(sweepAxis([{ iodepth: 1 }, { iodepth: 4 }])).toMatchObject({ title: 'iodepth', numeric: true });
    const two = sweepAxis([{ iodepth: 1, bs: '4k' }]);
    expect(two).toMatchObject({ title: 'iodepth × bs', numeric: false });
    expect(two.x({ iodepth: 1, bs: '4k' })).toBe('iodepth=1 bs=4k');
    const r = reportFromJson(JSON.stringify({ results: [{ set: { bs: '4k' }, profile: 'p', iops: 1, clat_ns: clat }], seed: 1 }), 's.json');
    expect(r.kind).toBe('sweep');
  });

  it('rejects anything else in one line naming the file', () => {
    expect(() => reportFromJson('{', 'x.json')).toThrow(UsageError);
    expect(() => reportFromJson('{"results": []}', 'x.json')).toThrow(/^x\.json: not the JSON of dio compare, dio sweep or fio/);
  });
});

describe('the fixed palette', () => {
  it('gives the shipped kernels their styles and any other name the same style every time', () => {
    expect(seriesStyle('linux-6.5').color).toBe('#D55E00');
    expect(seriesStyle('linux-6.6-rc1').dash).toEqual([6, 3]);
    expect(seriesStyle('mine')).toEqual(seriesStyle('mine'));
    expect(new Set(['linux-6.5', 'linux-6.6-rc1', 'linux-6.6', 'linux-6.19'].map((n) => seriesStyle(n).color)).size).toBe(4);
  });
});

describe('provenance', () => {
  it('keeps the options that change results and drops the others', () => {
    expect(commandLine(['compare', '--qd', '1,16', '--jobs', '2', '--quiet', '--report=r.html', '--plot', 'p.png', '--seed', '4'])).toBe('dio compare --qd 1,16 --seed 4');
    expect(commandLine(['sweep', 'my job.fio'])).toBe("dio sweep 'my job.fio'");
  });
});
