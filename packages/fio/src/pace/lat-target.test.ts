import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatOutput } from '../format-output';
import { parseJobFile } from '../parse-job-file';
import { profileByName } from '../run/profile-schema';
import { runJobs } from '../run/run';
import { LatTarget } from './lat-target';

// real fio 3.33 on this machine's disk: found depth 3, then one more 500 ms window and done
const fio = JSON.parse(readFileSync(new URL('../../test/fixtures/fio-3.33-latency-target.json', import.meta.url), 'utf8')) as Record<string, number>;
const profile = profileByName('linux-6.6');
const run = (opts: string) =>
  runJobs(parseJobFile(`[l]\nfilename=/data/f\ndirect=1\nioengine=libaio\niodepth=32\nrw=randread\nbs=4k\nsize=64m\nruntime=2\ntime_based\n${opts}`, 'l.fio'), profile, { seed: 1 });

describe('latency_target', () => {
  it('searches the depth as fio: double while the window succeeds, bisect after a failure, one last window at the depth found', () => {
    const o = { targetNs: 100, windowNs: 10, percentile: 100 };
    const t = new LatTarget(o, 32, 0);
    const seen: number[] = [t.qd];
    let now = 0;
    // depths up to 6 meet the target, 7 and more do not
    const windowAt = (): string => {
      now += 10;
      if (t.qd > 6) return t.completed(200, now, 0);
      return t.check(now, 100);
    };
    for (let i = 0; i < 20 && !t.done; i++) {
      windowAt();
      seen.push(t.qd);
    }
    expect(seen).toEqual([1, 2, 4, 8, 6, 7, 6, 6, 6]);
    expect([t.endRun, t.done]).toEqual([true, true]);
  });

  it('a run converges, reports only the last window and fio’s latency fields (target in ns, window in µs)', () => {
    const out = run('latency_target=12us\nlatency_window=10ms\nlatency_percentile=99\n');
    const j = out.result.jobs[0];
    expect(j?.error).toBe(0);
    expect([j?.latencyTarget, j?.latencyWindow, j?.latencyPercentile]).toEqual([12000, 10000, 99]);
    expect([typeof fio.latency_target, fio.latency_target, fio.latency_window]).toEqual(['number', 300000, 500000]);
    // fio ran one window after the search, as dio does
    expect(fio.job_runtime).toBe((fio.latency_window ?? 0) / 1000);
    expect(Math.round((j?.jobRuntimeNs ?? 0) / 1e6)).toBeLessThanOrEqual(10);
    expect(j?.iodepth).toBeGreaterThan(1);
    expect(j?.iodepth).toBeLessThan(32);
    const json = formatOutput(out.result, ['json']);
    expect(json).toContain(`"latency_depth" : ${j?.iodepth},`);
    expect(json).toContain('"latency_target" : 12000,');
    expect(json).toContain('"latency_percentile" : 99.000000,');
    expect(json).toContain('"latency_window" : 10000');
  });

  it('a target no I/O can meet at depth 1 (percentile 100) ends the job with ETIMEDOUT and fio’s message', () => {
    const j = run('latency_target=1us\nlatency_window=100ms\n').result.jobs[0];
    expect(j?.error).toBe(110);
    expect(j?.errorText).toBe('file:io_u.c:1432, func=max latency exceeded, error=Connection timed out');
    expect(j?.messages?.[0]).toMatch(/^fio: latency of \d+ nsec exceeds specified max \(1000 nsec\): \/data\/f read \d+ 4096$/);
  });
});
