import { describe, expect, it } from 'vitest';
import { FioJobError } from '../errors';
import { parseJobFile } from '../parse-job-file';
import { LINUX_6_6 } from '../run/profiles';
import { runJobs } from '../run/run';
import { RatePacer } from './rate';
import { DEFAULT_PACE_OPTIONS } from './pace-options';

const head = '[global]\nioengine=libaio\ndirect=1\niodepth=4\nbs=4k\n';
const run = (text: string) => runJobs(parseJobFile(head + text, 'job.fio'), LINUX_6_6, { seed: 1 }).result.jobs;

describe('ordering', () => {
  it('stonewall and new_group start new groups; stonewall and wait_for hold a job back', () => {
    const jobs = parseJobFile(`${head}[a]\nsize=1m\n[b]\nsize=1m\nnew_group\n[c]\nsize=1m\nstonewall\n[d]\nsize=1m\nwait_for=a\n`, 'job.fio');
    expect(jobs.map((j) => j.groupId)).toEqual([0, 1, 2, 2]);
    const out = runJobs(jobs, LINUX_6_6, { seed: 1 }).result.jobs;
    expect(out.every((j) => j.error === 0 && j.write.totalIos + j.read.totalIos === 256)).toBe(true);
  });

  it('io_submit_mode=inline is fio\'s default; offload is refused at its line', () => {
    expect(parseJobFile(`${head}[a]\nsize=1m\nio_submit_mode=inline\n`, 'job.fio')).toHaveLength(1);
    expect(() => parseJobFile(`${head}[a]\nsize=1m\nio_submit_mode=offload\n`, 'job.fio')).toThrow(/job\.fio:8: .*offload is not supported/);
  });

  it('wait_for must name another job', () => {
    expect(() => parseJobFile(`${head}[a]\nsize=1m\nwait_for=nope\n`, 'job.fio')).toThrow(FioJobError);
  });

  it('exitall stops the other jobs when one finishes', () => {
    const [short, long] = run('[short]\nsize=256k\nexitall\n[long]\nsize=1m\nrw=read\nrate_iops=1000\n');
    expect(short?.read.totalIos).toBe(64);
    expect(long?.read.totalIos ?? 0).toBeLessThan(64);
  });
});

describe('rate and think time', () => {
  it('rate_iops paces a job to the rate (linear: one I/O every 1/iops)', () => {
    const [j] = run('[r]\nrw=randread\nsize=64m\nrate_iops=5000\nruntime=200ms\ntime_based\n');
    expect(j?.read.totalIos).toBeGreaterThanOrEqual(999);
    expect(j?.read.totalIos).toBeLessThanOrEqual(1001);
  });

  it('rate (bytes/s) per direction', () => {
    const [j] = run('[r]\nrw=randrw\nsize=64m\nrate=4m,2m\nruntime=250ms\ntime_based\n');
    expect(Math.abs((j?.read.ioBytes ?? 0) - 1024 * 1024)).toBeLessThanOrEqual(8192);
    expect(Math.abs((j?.write.ioBytes ?? 0) - 512 * 1024)).toBeLessThanOrEqual(8192);
  });

  it('usec_for_io(): linear is issued bytes over the rate; poisson is deterministic per seed and averages the rate', () => {
    const pace = { ...DEFAULT_PACE_OPTIONS, rateIops: [1000, 0, 0] as const };
    const lin = new RatePacer(pace, [4096, 4096, 4096], [1n]);
    lin.issued(0, 4096);
    expect(lin.pick(0, 0, false, 0).sleepUs).toBe(1000);
    const seeds = Array.from({ length: 21 }, (_, i) => BigInt(i * 7919));
    const times = (): number[] => {
      const p = new RatePacer({ ...pace, rateProcess: 'poisson' }, [4096, 4096, 4096], seeds);
      return Array.from({ length: 2000 }, () => {
        p.issued(0, 4096);
        return p.pick(0, 0, false, 0).sleepUs;
      });
    };
    const a = times();
    expect(times()).toEqual(a);
    expect((a[a.length - 1] ?? 0) / 2000).toBeGreaterThan(900);
    expect((a[a.length - 1] ?? 0) / 2000).toBeLessThan(1100);
  });

  it('thinktime sleeps after every thinktime_blocks completions', () => {
    const [plain] = run('[t]\nrw=read\nsize=256k\n');
    const [think] = run('[t]\nrw=read\nsize=256k\nthinktime=1ms\nthinktime_blocks=16\n');
    // 64 I/Os, a 1 ms think after every 16: about 4 ms more
    expect((think?.jobRuntimeNs ?? 0) - (plain?.jobRuntimeNs ?? 0)).toBeGreaterThan(3_900_000);
    expect((think?.jobRuntimeNs ?? 0) - (plain?.jobRuntimeNs ?? 0)).toBeLessThan(5_000_000);
  });

  it('startdelay holds a job back (here until its exitall stops the other job)', () => {
    const [long] = run('[long]\nrw=randread\nsize=64m\nrate_iops=1000\nruntime=100ms\ntime_based\n[short]\nrw=read\nsize=4k\nstartdelay=30ms\nexitall\n');
    expect(long?.read.totalIos).toBeGreaterThanOrEqual(30);
    expect(long?.read.totalIos).toBeLessThanOrEqual(32);
  });

  it('flow: jobs of one flow_id issue in proportion to their weights', () => {
    const [a, b] = run('[a]\nrw=randread\nsize=64m\nflow=3\nflow_sleep=20\nruntime=20ms\ntime_based\n[b]\nrw=randread\nsize=64m\nflow=1\nflow_sleep=20\nruntime=20ms\ntime_based\n');
    const ratio = (a?.read.totalIos ?? 0) / (b?.read.totalIos ?? 1);
    expect(ratio).toBeGreaterThan(2.7);
    expect(ratio).toBeLessThan(3.3);
  });

  it('rate_min ends a job that cannot keep the rate with EIO', () => {
    const [j] = run('[m]\nrw=randread\nsize=64m\nrate_iops=100\nrate_iops_min=1000\nruntime=4s\ntime_based\n');
    expect(j?.error).toBe(5);
  });
});
