import { describe, expect, it } from 'vitest';
import { parseJobFile } from '../parse-job-file';
import { JobSetupError } from './job-runner';
import { parseProfile } from './profile-schema';
import { LINUX_6_6 } from './profiles';
import { runJobs } from './run';

const job = (extra: string): string => `[w]\nrw=randwrite\nbs=4k\ndirect=1\nioengine=psync\nnumber_ios=20\n${extra}\n`;

describe('job files on the simulated device', () => {
  it('size=100g fits the shipped device (the store is sparse)', () => {
    const out = runJobs(parseJobFile(job('size=100g'), 'big.fio'), LINUX_6_6, { seed: 1 });
    expect(out.result.jobs[0]?.write.totalIos).toBe(20);
  });

  it('files that do not fit: one error with the device size and how to grow it', () => {
    const tiny = parseProfile(JSON.stringify({ extends: 'linux-6.6', device: { gb: 8 } }), 'tiny.json');
    const run = () => runJobs(parseJobFile(job('size=5g\nnumjobs=2'), 'two.fio'), tiny, { seed: 1 });
    expect(run).toThrow(JobSetupError);
    expect(run).toThrow(/^two\.fio:1: job 'w': the job files need 10 GiB but the device of profile 'linux-6\.6\+tiny\.json' holds 8191\.75 MiB: grow it .*"device": \{"gb": 11\}/);
  });

  it('jobs sharing one filename count it once', () => {
    const tiny = parseProfile(JSON.stringify({ device: { gb: 8 } }), 'tiny.json');
    const out = runJobs(parseJobFile(job('size=5g\nnumjobs=2\nfilename=shared'), 'shared.fio'), tiny, { seed: 1 });
    expect(out.result.jobs.map((j) => j.error)).toEqual([0, 0]);
  });
});
