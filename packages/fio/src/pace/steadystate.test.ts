import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatOutput } from '../format-output';
import { parseJobFile } from '../parse-job-file';
import { profileByName } from '../run/profile-schema';
import { runJobs } from '../run/run';
import { DEFAULT_STEADY_STATE, SteadyState, ssName } from './steadystate';

const FIX = new URL('../../test/fixtures/', import.meta.url);
// real fio 3.33: iops:50% over 2 s after a 1 s ramp (see "command" in the file)
const fio = JSON.parse(readFileSync(new URL('fio-3.33-steadystate.json', FIX), 'utf8')) as { job_runtime: number; keys: string[]; steadystate: Record<string, unknown> & { data: Record<string, unknown> } };
const fioNormal = readFileSync(new URL('fio-3.33-steadystate-normal.txt', FIX), 'utf8').trimEnd();

const profile = profileByName('linux-6.6');
const run = (opts: string) =>
  runJobs(parseJobFile(`[s]\nfilename=/data/f\ndirect=1\nioengine=psync\nrw=randwrite\nbs=4k\nsize=16m\nrate_iops=2000\ntime_based\nruntime=6\n${opts}`, 's.fio'), profile, { seed: 1 });

describe('steadystate', () => {
  it('parses fio’s forms; ss_dur alone means fio’s default iops_slope:0.01%', () => {
    const [a] = parseJobFile('[a]\nsize=1m\nss=bw_slope:0.1%\nss_dur=30s\nss_ramp=5\n', 'a.fio');
    expect(a?.steadystate).toEqual({ iops: false, slope: true, pct: true, limit: 0.1, durSec: 30, rampNs: 5e9 });
    const [b] = parseJobFile('[b]\nsize=1m\nsteadystate_duration=10\n', 'b.fio');
    expect(ssName(b?.steadystate ?? DEFAULT_STEADY_STATE)).toBe('iops_slope:0.010000%');
    expect(() => parseJobFile('[c]\nsize=1m\nss=lat:1\n', 'c.fio')).toThrow(/c\.fio:3: invalid value 'lat:1' for option 'ss': 'lat' is not one of iops, iops_slope, bw, bw_slope/);
    expect(() => parseJobFile('[c]\nsize=1m\nss=iops\n', 'c.fio')).toThrow(/needs a limit/);
  });

  it('deviation: attained once the window is full and every sample is within the limit of the mean', () => {
    const s = new SteadyState({ iops: true, slope: false, pct: false, limit: 10, durSec: 3, rampNs: 0 }, 0);
    const feed = [100, 200, 205, 203, 204];
    const got = feed.map((iops, i) => s.check((i + 1) * 1e9, feed.slice(0, i + 1).reduce((a, b) => a + b, 0), 0));
    expect(got).toEqual([false, false, false, true, true]);
    expect(s.result().iopsData).toEqual([200, 205, 203]);
  });

  it('slope: a rising rate is not steady, a flat one is', () => {
    const s = new SteadyState({ iops: true, slope: true, pct: true, limit: 1, durSec: 3, rampNs: 0 }, 0);
    let ios = 0;
    const at = (iops: number, t: number): boolean => s.check(t * 1e9, (ios += iops), 0);
    expect([at(100, 1), at(200, 2), at(300, 3)]).toEqual([false, false, false]);
    expect(s.result().slope).toBe(100);
    expect([at(300, 4), at(300, 5)]).toEqual([false, true]);
  });

  it('a run ends when it is attained, with fio’s JSON block (keys, order, types) and normal line', () => {
    const out = run('ss=iops:50%\nss_dur=2\nss_ramp=1\n');
    const j = out.result.jobs[0];
    expect(j?.steadystate?.attained).toBe(true);
    // the ramp (1 s), one more second, then two samples: 3 s where fio took 3.9 s (its helper thread's phase)
    expect((j?.jobRuntimeNs ?? 0) / 1e9).toBeCloseTo(3, 3);
    expect(fio.job_runtime).toBeGreaterThanOrEqual(3000);
    const json = JSON.parse(formatOutput(out.result, ['json'])) as { jobs: (Record<string, unknown> & { steadystate: Record<string, unknown> & { data: Record<string, unknown> } })[] };
    const mine = json.jobs[0];
    expect(Object.keys(mine ?? {})).toEqual(fio.keys);
    const ss = mine?.steadystate;
    expect(Object.keys(ss ?? {})).toEqual(Object.keys(fio.steadystate));
    expect(Object.keys(ss?.data ?? {})).toEqual(Object.keys(fio.steadystate.data));
    expect([ss?.ss, ss?.duration, ss?.attained]).toEqual([fio.steadystate.ss, fio.steadystate.duration, fio.steadystate.attained]);
    for (const k of Object.keys(fio.steadystate)) expect([k, typeof ss?.[k]]).toEqual([k, typeof fio.steadystate[k]]);
    expect(String(ss?.criterion)).toMatch(/^\d+\.\d{6}%$/);
    const line = formatOutput(out.result, ['normal']).split('\n').find((l) => l.startsWith('  steadystate  :'));
    const shape = (l: string): string => l.replace(/[KMG]iB\/s/g, 'U').replace(/[kMG]?B\/s/g, 'u').replace(/-?[\d.]+k?/g, 'N').replace(/attained=\w+/, 'attained=X').replace(/iops (slope|mean dev)/, 'iops K');
    expect(shape(line ?? '')).toBe(shape(fioNormal));
  });

  it('not attained: the job runs its runtime and says attained=0', () => {
    const j = run('ss=iops:0\nss_dur=2\n').result.jobs[0];
    expect([j?.steadystate?.attained, j?.jobRuntimeNs]).toEqual([false, 6e9]);
  });

  it('group_reporting: the group’s summed rates are judged once, and every job of the group ends with it', () => {
    const out = run('ss=iops:50%\nss_dur=2\nnumjobs=3\ngroup_reporting\n');
    const jobs = out.result.jobs;
    expect(jobs.map((j) => Math.round(j.jobRuntimeNs / 1e9))).toEqual([2, 2, 2]);
    const ss = jobs[0]?.steadystate;
    expect(ss?.attained).toBe(true);
    // three jobs at rate_iops=2000: the window holds the group's 6000 IOPS
    expect(ss?.iopsData.every((v) => Math.abs(v - 6000) <= 60)).toBe(true);
    expect(jobs.slice(1).every((j) => j.steadystate === undefined)).toBe(true);
    const json = JSON.parse(formatOutput(out.result, ['json'])) as { jobs: { steadystate?: { attained: number } }[] };
    expect(json.jobs.map((j) => j.steadystate?.attained)).toEqual([1]);
  });
});
