import { describe, expect, it } from 'vitest';
import { parseJobFile } from '../parse-job-file';
import { profileByName } from './profile-schema';
import { runJobs } from './run';

const run = (text: string, wallTimeoutMs?: number) =>
  runJobs(parseJobFile(text, 'b.fio'), profileByName('linux-6.6'), { seed: 1, ...(wallTimeoutMs === undefined ? {} : { wallTimeoutMs }) });

describe('bounded runs', () => {
  it('runtime= ends a size-based job before its size (whichever comes first)', () => {
    const { result } = run('[w]\nioengine=io_uring\ndirect=1\nrw=randwrite\nbs=4k\niodepth=8\nsize=64m\nruntime=1ms\n');
    const [j] = result.jobs;
    expect(j?.jobRuntimeNs).toBe(1e6);
    expect(j?.write.totalIos).toBeGreaterThan(0);
    expect(j?.write.totalIos).toBeLessThan(16384);
  });

  it('the wall-clock cap stops a long time-based run and reports what was done', () => {
    const out = run('[w]\nioengine=io_uring\ndirect=1\nrw=randwrite\nbs=4k\niodepth=8\nsize=64m\nruntime=1h\ntime_based\n', 30);
    const [j] = out.result.jobs;
    expect(out.wallCappedAtNs).toBeGreaterThan(0);
    expect(j?.jobRuntimeNs).toBeLessThan(3600e9);
    expect(j?.jobRuntimeNs).toBeGreaterThanOrEqual((out.wallCappedAtNs ?? 0) - 5e6);
    expect(j?.write.totalIos).toBeGreaterThan(0);
  });

  it('ends when more I/Os are in flight than iodepth_batch_complete_max reaps at once', () => {
    const { result } = run('[w]\nioengine=libaio\ndirect=1\nrw=randwrite\nbs=4k\niodepth=64\niodepth_batch_complete_min=8\niodepth_batch_complete_max=16\nsize=64m\nruntime=1ms\ntime_based\n');
    expect(result.jobs[0]?.write.totalIos).toBeGreaterThan(64);
  });
});
