import { describe, expect, it } from 'vitest';
import { FioJobError } from '../errors';
import { parseJobFile } from '../parse-job-file';
import { LINUX_6_6 } from './profiles';
import { runJobs } from './run';

const run = (text: string) => runJobs(parseJobFile(`[w]\ndirect=1\nsize=1m\nbs=4k\nrw=randwrite\n${text}`, 'job.fio'), LINUX_6_6, { seed: 1 }).result.jobs[0];

describe('engine options', () => {
  it('io_uring nonvectored=0 (READV/WRITEV) and force_async (IOSQE_ASYNC every Nth SQE) run every I/O', () => {
    expect(run('ioengine=io_uring\niodepth=8\nnonvectored=0\n')?.write.totalIos).toBe(256);
    const plain = run('ioengine=io_uring\niodepth=8\n');
    const punted = run('ioengine=io_uring\niodepth=8\nforce_async=1\n');
    expect(punted?.write.totalIos).toBe(256);
    // every request goes through io-wq workers instead of being issued inline: a different run
    expect(punted?.jobRuntimeNs).not.toBe(plain?.jobRuntimeNs);
  });

  it('pvsync2 hipri_percentage, cmdprio*, numa_* are accepted', () => {
    expect(run('ioengine=pvsync2\nhipri\nhipri_percentage=50\n')?.write.totalIos).toBe(256);
    expect(run('ioengine=libaio\ncmdprio_percentage=20\ncmdprio_class=1\ncmdprio=0,3\nnuma_cpu_nodes=0\nnuma_mem_policy=local\n')?.write.totalIos).toBe(256);
  });

  it('engine options name the engines they belong to; userspace_reap is refused at its line', () => {
    expect(() => parseJobFile('[w]\nsize=1m\nioengine=libaio\nforce_async=2\n', 'job.fio')).toThrow(/job\.fio:4: option 'force_async' is not valid for ioengine=libaio/);
    expect(() => parseJobFile('[w]\nsize=1m\nioengine=libaio\nuserspace_reap\n', 'job.fio')).toThrow(FioJobError);
    expect(() => parseJobFile('[w]\nsize=1m\nioengine=libaio\ncmdprio_class=4\n', 'job.fio')).toThrow(/job\.fio:4: /);
  });
});
