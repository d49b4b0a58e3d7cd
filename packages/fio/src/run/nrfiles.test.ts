import { describe, expect, it } from 'vitest';
import { parseJobFile } from '../parse-job-file';
import { profileByName } from './profile-schema';
import { runJobs } from './run';
import { buildStack } from './stack';

const profile = profileByName('linux-6.6');
const job = (extra: string) => parseJobFile(`[n]\ndirectory=/data\ndirect=1\nbs=4k\nsize=1m\nnrfiles=4\n${extra}`, 'n.fio');

describe('nrfiles', () => {
  it('splits size among $filenum files (fio: n.0.0 .. n.0.3, 256 KiB each) and does I/O to all of them, on every engine', () => {
    for (const engine of ['psync', 'libaio\niodepth=8', 'io_uring\niodepth=8\nregisterfiles']) {
      const out = runJobs(job(`rw=randwrite\nioengine=${engine}\n`), profile, { seed: 1 });
      expect(out.result.jobs[0]?.write.totalIos).toBe(256);
      expect([0, 1, 2, 3].map((i) => out.stack.fs.lookup(`/data/n.0.${i}`)?.iSize)).toEqual([262144, 262144, 262144, 262144]);
    }
  });

  it('verify reads every file back; a bad block is reported in its own file', () => {
    const stack = buildStack(profile, { seed: 3 });
    const w = runJobs(job('rw=write\nioengine=libaio\niodepth=4\nverify=crc32c\n'), profile, { seed: 3, stack }).result.jobs[0];
    expect([w?.error, w?.read.totalIos]).toEqual([0, 256]);
    // another job overwrites the third file with a pattern; reading the four back fails there
    runJobs(parseJobFile('[x]\nfilename=/data/n.0.2\ndirect=1\nbs=4k\nsize=256k\nrw=write\nioengine=psync\nbuffer_pattern=0x0102\n', 'x.fio'), profile, { seed: 3, stack });
    const v = runJobs(job('rw=write\nioengine=psync\nverify=crc32c\nverify_only\n'), profile, { seed: 3, stack }).result.jobs[0];
    expect(v?.error).toBe(84);
    expect(v?.messages?.[0]).toMatch(/^verify: bad magic header 201, wanted acca at file \/data\/n\.0\.2 offset 0, /);
  });

  it('filename= wins over nrfiles, as in fio', () => {
    const out = runJobs(parseJobFile('[n]\nfilename=/data/one\ndirect=1\nbs=4k\nsize=64k\nnrfiles=4\nrw=write\n', 'n.fio'), profile, { seed: 1 });
    expect(out.stack.fs.lookup('/data/one')?.iSize).toBe(65536);
    expect(out.result.jobs[0]?.write.totalIos).toBe(16);
  });
});
