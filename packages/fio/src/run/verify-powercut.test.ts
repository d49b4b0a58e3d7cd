import { describe, expect, it } from 'vitest';
import { parseJobFile } from '../parse-job-file';
import { profileByName } from './profile-schema';
import { runJobs } from './run';
import { buildStack } from './stack';

// a device with a volatile write cache: acknowledged writes are not durable until a flush
const base = profileByName('linux-6.6');
const profile = { ...base, device: { ...base.device, write_cache: true } };
const JOB = '[w]\nfilename=/data/f\nioengine=libaio\niodepth=8\ndirect=1\nrw=write\nbs=4k\nsize=256k\nverify=crc32c\n';

/** Writes the file (no read-back), optionally cuts the power, then reads it back with verify_only as a later fio run would. */
function writeCutVerify(extra: string, cut: { tear: boolean } | null) {
  const stack = buildStack(profile, { seed: 7 });
  const w = runJobs(parseJobFile(`${JOB}do_verify=0\n${extra}`, 'w.fio'), profile, { seed: 7, stack });
  expect(w.result.jobs[0]?.error).toBe(0);
  expect(w.result.jobs[0]?.write.totalIos).toBe(64);
  if (cut !== null) {
    stack.dev.powerCut(cut);
    stack.dev.powerOn();
  }
  return runJobs(parseJobFile(`${JOB}verify_only=1\n`, 'v.fio'), profile, { seed: 7, stack }).result.jobs[0];
}

describe('verify after a power cut (data through the simulated stack)', () => {
  it('without a cut every block reads back intact', () => {
    const j = writeCutVerify('', null);
    expect(j?.error).toBe(0);
    expect(j?.read.totalIos).toBe(64);
    expect(j?.messages).toEqual([]);
  });

  it('writes lost from the volatile cache fail verify as on a real device: bad magic, EILSEQ', () => {
    const j = writeCutVerify('', { tear: false });
    expect(j?.error).toBe(84);
    expect(j?.errorText).toBe('file:io_u.c:2190, func=io_u_queued_complete, error=Invalid or incomplete multibyte or wide character');
    expect(j?.messages?.[0]).toMatch(/^verify: bad magic header 0, wanted acca at file \/data\/f offset \d+, length 4096 \(requested block: offset=\d+, length=4096\)$/);
    // the job stops at the first bad block (plus what was in flight), as fio without continue_on_error
    expect(j?.read.totalIos).toBeLessThan(64);
  });

  it('a torn cut (sector by sector) fails verify too', () => {
    const j = writeCutVerify('', { tear: true });
    expect(j?.error).toBe(84);
    expect(j?.messages?.join('\n')).toMatch(/verify: bad magic header|crc32c: verify failed|verify: bad header/);
  });

  it('fsync=1 makes every write durable before the next: the cut loses nothing', () => {
    const j = writeCutVerify('fsync=1\n', { tear: true });
    expect(j?.error).toBe(0);
    expect(j?.read.totalIos).toBe(64);
  });
});
