// ramp_time: fio's counters start again when the ramp ends (time.c: ramp_time_over() → reset_all_stats()),
// so number_ios and a size-based job's size count from there. Measured on fio 3.33 (psync, 4 KiB randwrite):
// number_ios=20000 ramp_time=500ms runtime=5s size=1g → 20000 I/Os reported; size=64m norandommap
// ramp_time=100ms runtime=5s → 16383 (the whole file) after a ramp that wrote thousands.
import { describe, expect, it } from 'vitest';
import { parseJobFile } from '../parse-job-file';
import { LINUX_6_6 } from './profiles';
import { runJobs } from './run';

const job = (extra: string): string => `[w]\nfilename=/f\nrw=randwrite\nbs=4k\ndirect=1\nioengine=psync\n${extra}\n`;
const ios = (text: string): number => runJobs(parseJobFile(job(text), 'ramp.fio'), LINUX_6_6, { seed: 1 }).result.jobs[0]?.write.totalIos ?? -1;

describe('ramp_time and the job length', () => {
  it('number_ios counts the I/Os after the ramp', () => {
    const ramped = ios('size=1g\nnumber_ios=2000\nramp_time=5ms\nruntime=1s');
    // within one of fio's: the I/O in flight when the ramp ends completes after it and is counted
    expect(ramped).toBeGreaterThanOrEqual(2000);
    expect(ramped).toBeLessThanOrEqual(2001);
    expect(ios('size=1g\nnumber_ios=2000')).toBe(2000);
  });

  it('a size-based norandommap job writes its whole size after the ramp', () => {
    const ramped = ios('size=16m\nnorandommap\nramp_time=5ms\nruntime=1s');
    expect(ramped).toBeGreaterThanOrEqual(4096);
    expect(ramped).toBeLessThanOrEqual(4097);
  });
});
