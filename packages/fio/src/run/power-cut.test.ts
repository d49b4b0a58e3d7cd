import { describe, expect, it } from 'vitest';
import { parseJobFile } from '../parse-job-file';
import { profileByName } from './profile-schema';
import type { KernelProfile } from './profile';
import { runJobs } from './run';

const base = profileByName('linux-6.6');
// a device with a volatile write cache: acknowledged writes are not durable until a flush
const cached: KernelProfile = { ...base, device: { ...base.device, write_cache: true } };
const JOB = '[w]\nfilename=/data/f\nioengine=io_uring\niodepth=8\ndirect=1\nrw=randwrite\nbs=4k\nsize=16m\ntime_based\nruntime=1s\nverify=crc32c\n';

function cutAt(ms: number, extra = '', profile = cached, tear = false) {
  return runJobs(parseJobFile(`${JOB}${extra}`, 'w.fio'), profile, { seed: 3, powerCut: { atNs: ms * 1e6, tear } });
}

describe('a power cut during the run (RunOptions.powerCut, dio run --power-cut)', () => {
  it('stops the jobs at the cut, loses the volatile cache and fails the read-back of acknowledged writes: EILSEQ', () => {
    const r = cutAt(2);
    const j = r.result.jobs[0];
    expect(r.powerCut?.atNs).toBe(2e6);
    expect(r.powerCut?.cutAtNs).toBeGreaterThanOrEqual(2e6);
    expect(r.powerCut?.report.droppedWrites).toBeGreaterThan(0);
    expect(j?.write.totalIos).toBeGreaterThan(100);
    expect(j?.error).toBe(84);
    expect(j?.messages?.[0]).toMatch(/^verify: bad magic header 0, wanted acca at file \/data\/f offset \d+, length 4096/);
  });

  it('torn: the cache is lost sector by sector, and verify fails too', () => {
    const r = cutAt(2, '', cached, true);
    expect(r.powerCut?.tear).toBe(true);
    expect(r.result.jobs[0]?.error).toBe(84);
  });

  it('sync=dsync (O_DSYNC): every acknowledged write was durable, all of them read back intact', () => {
    const r = cutAt(2, 'sync=dsync\n');
    const j = r.result.jobs[0];
    expect(r.powerCut?.report.droppedWrites).toBe(0);
    expect(j?.error).toBe(0);
    expect(j?.messages).toEqual([]);
    expect(j?.read.totalIos).toBeGreaterThan(0);
  });

  it('a device without a volatile cache loses nothing: every write (unique blocks) is read back', () => {
    const r = cutAt(2, 'norandommap=0\n', base);
    const j = r.result.jobs[0];
    expect(r.powerCut?.report).toEqual({ droppedWrites: 0, keptWrites: 0, droppedSectors: 0 });
    expect(j?.error).toBe(0);
    expect(j?.read.totalIos).toBe(j?.write.totalIos);
  });

  it('a cut after the jobs ended changes nothing they reported', () => {
    const job = '[w]\nfilename=/data/f\nioengine=libaio\niodepth=4\ndirect=1\nrw=write\nbs=4k\nsize=256k\nverify=crc32c\n';
    const plain = runJobs(parseJobFile(job, 'w.fio'), cached, { seed: 3 });
    const cut = runJobs(parseJobFile(job, 'w.fio'), cached, { seed: 3, powerCut: { atNs: 1e9, tear: false } });
    expect(cut.powerCut?.cutAtNs).toBe(1e9);
    expect(cut.result.jobs[0]?.error).toBe(0);
    expect(cut.result.jobs[0]?.read.totalIos).toBe(plain.result.jobs[0]?.read.totalIos);
    expect(cut.result.jobs[0]?.write.clat.mean).toBe(plain.result.jobs[0]?.write.clat.mean);
  });
});
