/**
 * `dio run` streams the jobs' logs to their files as the jobs run (as fio
 * does): the files are the ones the in-memory logs give, jobs sharing a file
 * (per_job_logs=0) one after the other, and no part file is left behind.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logFiles, parseJobFile, PROFILES, runJobs } from '@dio/fio';
import { describe, expect, it } from 'vitest';
import { main } from '../src/index';

const JOB = '[global]\nioengine=libaio\ndirect=1\niodepth=4\nrw=randwrite\nbs=4k\nsize=8m\ntime_based\nruntime=3ms\nfilename=/data/f\n' +
  '[a]\nnumjobs=2\nwrite_lat_log=s\nwrite_bw_log=s\nwrite_hist_log=s\nlog_hist_msec=1\nper_job_logs=0\n[b]\nwrite_iops_log=b\nlog_avg_msec=1\n';

describe('dio run writes the logs as the jobs make them', () => {
  it('the same files as the in-memory logs, shared files one job after the other, no part file left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dio-logs-'));
    writeFileSync(join(dir, 'j.fio'), JOB);
    const err: string[] = [];
    const code = await main(['run', '--quiet', '--output-format=json', 'j.fio'], { out: () => undefined, err: (s) => err.push(s), isTTY: false, cwd: dir });
    expect([code, err]).toEqual([0, []]);
    const profile = PROFILES['linux-6.6'];
    if (profile === undefined) throw new Error('no profile');
    const want = logFiles(runJobs(parseJobFile(JOB, 'j.fio'), profile, { seed: 1 }).logs);
    expect(want.map(([p]) => p).sort()).toEqual(readdirSync(dir).filter((f) => f !== 'j.fio').sort());
    for (const [path, text] of want) expect([path, readFileSync(join(dir, path), 'utf8')]).toEqual([path, text]);
    // two clones of [a] wrote s_clat.log, the second after the first
    expect(want.find(([p]) => p === 's_clat.log')?.[1].length).toBeGreaterThan(1000);
  });
});
