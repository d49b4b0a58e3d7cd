import { describe, expect, it } from 'vitest';
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

  it('engine options name the engines they belong to', () => {
    expect(() => parseJobFile('[w]\nsize=1m\nioengine=libaio\nforce_async=2\n', 'job.fio')).toThrow(/job\.fio:4: option 'force_async' is not valid for ioengine=libaio/);
    expect(() => parseJobFile('[w]\nsize=1m\nioengine=io_uring\nuserspace_reap\n', 'job.fio')).toThrow(/job\.fio:4: option 'userspace_reap' is not valid for ioengine=io_uring \(only libaio\)/);
    expect(parseJobFile('[w]\nsize=1m\nioengine=libaio\nuserspace_reap\n', 'job.fio')[0]?.engineOpts.userspaceReap).toBe(true);
    expect(() => parseJobFile('[w]\nsize=1m\nioengine=libaio\ncmdprio_class=4\n', 'job.fio')).toThrow(/job\.fio:4: /);
  });

  // real fio 3.33 (libaio, iodepth=16, iodepth_batch_complete_min=0, randread 1 s on ext4): IO depths 1=100%,
  // usr 12.6% / sys 64.4% without userspace_reap, usr 43.3% / sys 22.0% with it: polling after every I/O, never sleeping
  it('iodepth_batch_complete_min=0 polls after every I/O (depth 1, no sleep); userspace_reap moves the polling to user space', () => {
    const poll = (extra: string) =>
      runJobs(parseJobFile(`[u]\nfilename=/data/f\ndirect=1\nrw=randread\nbs=4k\nsize=64m\nioengine=libaio\niodepth=16\niodepth_batch_complete_min=0\nruntime=2ms\ntime_based\n${extra}`, 'u.fio'), LINUX_6_6, { seed: 1 }).result.jobs[0];
    const sys = poll('');
    const user = poll('userspace_reap\n');
    for (const j of [sys, user]) {
      expect(j?.depth.level[0]).toBe(j?.read.totalIos);
      expect(j?.ctx).toBeLessThanOrEqual(1);
    }
    expect(user?.usrNs ?? 0).toBeGreaterThan(sys?.usrNs ?? 0);
    expect(user?.sysNs ?? 0).toBeLessThan(sys?.sysNs ?? 0);
  });
});
