import { describe, expect, it } from 'vitest';
import { formatTerse } from './format-terse';
import { parseJobFile } from './parse-job-file';
import { createJobResult } from './recording';

describe('terse v3 (stat.c show_thread_status_terse_all)', () => {
  const [job] = parseJobFile('[t]\nsize=1m\ndescription=my desc\npercentile_list=50:99\n', 't.fio');
  if (job === undefined) throw new Error('no job');

  it('prints fio\'s 130 fields with one disk, then the description', () => {
    const r = createJobResult(job, 7);
    for (const v of [1500, 2500, 2_500_000]) {
      r.read.clat.record(v);
      r.read.lat.record(v + 500);
      r.latency.record(v);
      r.depth.markDepth(1);
    }
    r.read.totalIos = 3;
    r.read.ioBytes = 3 * 4096;
    r.read.runtimeNs = 2e6;
    r.jobRuntimeNs = 2e6;
    const disk = { name: 'nullb0', readIos: 3, writeIos: 0, readMerges: 0, writeMerges: 0, readTicks: 2, writeTicks: 0, inQueue: 2, util: 50 };
    const line = formatTerse({ fioVersion: 'fio-3.33', timestampMs: 0, jobs: [r], diskUtil: [disk], globalOptions: [] });
    const f = line.trimEnd().split(';');
    expect(f).toHaveLength(131);
    expect(f.slice(0, 9)).toEqual(['3', 'fio-3.33', 't', '0', '0', '12', '6000', '1500', '2']);
    // clat in µs (min, max, mean, dev), then 20 percentile fields
    expect(f.slice(13, 19)).toEqual(['1', '2500', '834.666667', '1442.221059', '50.000000%=2', '99.000000%=2506']);
    expect(f.slice(19, 37)).toEqual(new Array<string>(18).fill('0%=0'));
    expect(f.slice(-10)).toEqual(['nullb0', '3', '0', '0', '0', '2', '0', '2', '50.00%', 'my desc']);
    expect(line.endsWith('\n')).toBe(true);
  });
});
