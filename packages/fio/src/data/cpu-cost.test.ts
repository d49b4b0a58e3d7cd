import { defaultCosts } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { parseJobFile } from '../parse-job-file';
import { parseProfile, ProfileError } from '../run/profile-schema';
import { runJobs } from '../run/run';
import { checksumNs, fillNs } from './cpu-cost';

describe('fio\'s data costs are the profile\'s cost table', () => {
  it('defaults to fio 3.33\'s measured costs, per byte as before (4 KiB: fill 652 ns, crc32c 492, md5 5601, sha1 4796, sha256 13206)', () => {
    expect(fillNs(defaultCosts, 4096)).toBe(652);
    expect(fillNs(defaultCosts, 512)).toBe(Math.round(((751 - 99) / 4096) * 512));
    expect(['meta', 'crc32c', 'md5', 'sha1', 'sha256'].map((k) => checksumNs(defaultCosts, k as 'meta', 4096))).toEqual([83, 492, 5601, 4796, 13206]);
    expect(checksumNs(defaultCosts, 'pattern', 4096)).toBe(0);
    // a shipped profile does not set them: its JSON (and every report's provenance) is unchanged
    expect(JSON.stringify(parseProfile('{}', 'p.json').costs)).not.toContain('Per4k');
  });

  it('a profile file sets them, and a verifying job pays what it says', () => {
    const job = '[w]\nfilename=/data/f\nioengine=io_uring\ndirect=1\niodepth=4\nrw=write\nbs=4k\nsize=1m\nverify=sha256\n';
    const usr = (profileText: string): number => runJobs(parseJobFile(job, 'w.fio'), parseProfile(profileText, 'p.json'), { seed: 1 }).result.jobs[0]?.usrNs ?? 0;
    const base = usr('{}');
    const dearer = usr('{"costs": {"verifySha256Per4k": 26412}}');
    // 256 writes and 256 read-back checks, each 13206 ns dearer
    expect(dearer - base).toBeGreaterThan(0.9 * 512 * 13206);
    expect(dearer - base).toBeLessThan(1.1 * 512 * 13206);
  });

  it.each([['fillPer4k', -1], ['verifyCrc32cPer4k', 1.5], ['verifyMd5Per4k', 2e9]])('refuses costs.%s=%s with its field', (k, v) => {
    expect(() => parseProfile(JSON.stringify({ costs: { [k]: v } }), 'p.json')).toThrow(ProfileError);
    expect(() => parseProfile(JSON.stringify({ costs: { [k]: v } }), 'p.json')).toThrow(`field 'costs.${k}'`);
  });
});
