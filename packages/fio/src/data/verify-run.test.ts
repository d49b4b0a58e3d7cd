import { describe, expect, it } from 'vitest';
import { jobWarnings } from '../blockers';
import { formatOutput } from '../format-output';
import { parseJobFile } from '../parse-job-file';
import { profileByName } from '../run/profile-schema';
import { runJobs } from '../run/run';
import type { Stack } from '../run/stack';

const profile = profileByName('linux-6.6');
const JOB = '[w]\nfilename=/data/f\ndirect=1\nbs=4k\nsize=64k\n';
const run = (text: string) => runJobs(parseJobFile(text, 'v.fio'), profile, { seed: 1 });

/** The file's bytes as the device holds them now (through its extents), outside simulated time. */
function fileBytes(stack: Stack, path: string, len: number): Uint8Array {
  const ino = stack.fs.lookup(path);
  if (ino === undefined) throw new Error(`no ${path}`);
  const out = new Uint8Array(len);
  const bs = stack.fs.blockSize;
  for (let b = 0; b * bs < len; b++) {
    const l = ino.extents.lookup(b);
    if (l.kind !== 'extent') continue;
    const disk = l.ext.diskBlock + (b - l.ext.fileBlock);
    out.set(stack.dev.readSectors((disk * bs) / 512, bs / 512), b * bs);
  }
  return out;
}

describe('verify in a run (what real fio 3.33 does with the same jobs)', () => {
  it('a write job reads every block back once and checks it: reads = writes, error 0', () => {
    for (const engine of ['psync', 'libaio\niodepth=8', 'io_uring\niodepth=8']) {
      const j = run(`${JOB}rw=write\nioengine=${engine}\nverify=crc32c\n`).result.jobs[0];
      expect([j?.error, j?.read.totalIos, j?.read.ioBytes, j?.write.totalIos]).toEqual([0, 16, 65536, 16]);
    }
  });

  it('random writes too, and every checksum type', () => {
    for (const v of ['md5', 'sha1', 'sha256', 'meta', 'null', 'pattern\nverify_pattern=0xdeadbeef', 'crc32c\nverify_interval=1k\nverify_offset=64']) {
      const j = run(`${JOB}rw=randwrite\nioengine=libaio\niodepth=4\nverify=${v}\n`).result.jobs[0];
      expect([v, j?.error, j?.read.totalIos]).toEqual([v, 0, 16]);
    }
  });

  it('a mixed job: its reads are not checked, its writes are read back after it (fio 3.33, randrw and rw, 256 KiB: reads 29 + 35, writes 35)', () => {
    for (const rw of ['randrw', 'rw']) {
      const j = run(`[m]\nfilename=/data/f\ndirect=1\nbs=4k\nsize=256k\nioengine=psync\nrw=${rw}\nverify=crc32c\n`).result.jobs[0];
      // fio's rwmix stream: the same 35 writes; 29 mixed reads plus the 35 read back
      expect([rw, j?.error, j?.write.totalIos, j?.read.totalIos]).toEqual([rw, 0, 35, 64]);
    }
  });

  it('loops: each loop’s writes are read back before the next loop (fio 3.33, randwrite 64 KiB, loops=3: 48 reads, 48 writes)', () => {
    for (const engine of ['psync', 'io_uring\niodepth=4']) {
      const j = run(`${JOB}rw=randwrite\nioengine=${engine}\nverify=crc32c\nloops=3\n`).result.jobs[0];
      expect([j?.error, j?.read.totalIos, j?.write.totalIos]).toEqual([0, 48, 48]);
    }
  });

  it('with verify, write sizes come from fio’s read-size seed (fio 3.33 counts: bsrange 34 writes where 38 without verify, bssplit 79 where 86)', () => {
    const count = (opts: string) => run(`[c]\nfilename=/data/f\ndirect=1\nioengine=psync\nrw=randwrite\n${opts}`).result.jobs[0]?.write.totalIos;
    expect(count('size=256k\nbsrange=4k-16k\n')).toBe(38);
    expect(count('size=256k\nbsrange=4k-16k\nverify=crc32c\ndo_verify=0\n')).toBe(34);
    expect(count('size=1m\nbssplit=4k/50:16k/30:64k/20\n')).toBe(86);
    expect(count('size=1m\nbssplit=4k/50:16k/30:64k/20\nverify=crc32c\ndo_verify=0\n')).toBe(79);
    // randrw with bsrange and verify: 23 writes, 44 reads (mixed reads plus the writes read back)
    const j = run('[c]\nfilename=/data/f\ndirect=1\nioengine=psync\nrw=randrw\nsize=1m\nbsrange=4k-64k\nverify=md5\n').result.jobs[0];
    expect([j?.error, j?.read.totalIos, j?.write.totalIos]).toEqual([0, 44, 23]);
  });

  it('the fill and checksums cost fio’s user time (measured on fio 3.33: crc32c < sha1 < md5 < sha256)', () => {
    const usr = (v: string) => run(`${JOB}rw=write\nioengine=psync\n${v}`).result.jobs[0]?.usrNs ?? 0;
    const none = usr('');
    const [crc, sha1, md5, sha256] = ['crc32c', 'sha1', 'md5', 'sha256'].map((v) => usr(`verify=${v}\n`));
    expect(none).toBeLessThan(crc ?? 0);
    expect(crc).toBeLessThan(sha1 ?? 0);
    expect(sha1).toBeLessThan(md5 ?? 0);
    expect(md5).toBeLessThan(sha256 ?? 0);
  });

  it('do_verify=0 writes the headers and reads nothing back', () => {
    const j = run(`${JOB}rw=write\nioengine=psync\nverify=crc32c\ndo_verify=0\n`).result.jobs[0];
    expect([j?.read.totalIos, j?.write.totalIos]).toEqual([0, 16]);
  });

  it('verify_backlog reads back as it writes; with a batch, the rest at the end: every block once (fio: read 64 KiB)', () => {
    for (const extra of ['verify_backlog=4\n', 'verify_backlog=4\nverify_backlog_batch=2\n']) {
      const j = run(`${JOB}rw=write\nioengine=psync\nverify=crc32c\n${extra}`).result.jobs[0];
      expect([j?.error, j?.read.ioBytes]).toEqual([0, 65536]);
    }
  });

  it('time_based: the write phase uses all of runtime, no read-back, and fio’s warning', () => {
    const jobs = parseJobFile(`${JOB}rw=randwrite\nioengine=psync\nverify=crc32c\ntime_based\nruntime=1ms\n`, 'v.fio');
    expect(jobWarnings(jobs[0] as (typeof jobs)[0])).toEqual(["v.fio:8: job 'w': verification read phase will never start because write phase uses all of runtime (as fio: add verify_backlog=N to verify as it writes)"]);
    const j = runJobs(jobs, profile, { seed: 1 }).result.jobs[0];
    expect(j?.read.totalIos).toBe(0);
    expect(j?.write.totalIos).toBeGreaterThan(0);
  });

  it('verifying clones of one file: fio’s multiple-writers warning', () => {
    const jobs = parseJobFile(`${JOB}rw=randwrite\nioengine=psync\nverify=crc32c\nnumjobs=2\n`, 'v.fio');
    expect(jobWarnings(jobs[0] as (typeof jobs)[0])).toEqual(["v.fio:8: job 'w': multiple writers may overwrite blocks that belong to other jobs. This can cause verification failures."]);
  });

  it('verify_only on a never-written file: bad magic header 0, err=84 in the normal and JSON reports; the dry-run writes count, as fio', () => {
    const out = run(`${JOB}rw=write\nioengine=psync\nverify=crc32c\nverify_only\n`);
    const j = out.result.jobs[0];
    expect(j?.error).toBe(84);
    expect(j?.messages).toEqual(['verify: bad magic header 0, wanted acca at file /data/f offset 0, length 4096 (requested block: offset=0, length=4096)']);
    // fio: "issued rwts: total=1,16", write io_bytes 16 KiB... with runtime 0
    expect([j?.read.totalIos, j?.write.totalIos, j?.write.ioBytes, j?.write.runtimeNs]).toEqual([1, 16, 65536, 0]);
    expect(formatOutput(out.result, ['normal'])).toContain('w: (groupid=0, jobs=1): err=84 (file:io_u.c:2152, func=io_u_sync_complete, error=Invalid or incomplete multibyte or wide character): pid=');
    expect(formatOutput(out.result, ['json'])).toContain('"error" : 84,');
  });

  it('a read job with verify checks every block a write job left (any order, any seed, as fio)', () => {
    const text = `[global]\nfilename=/data/f\ndirect=1\nbs=4k\nsize=64k\nioengine=psync\nverify=crc32c\n[w]\nrw=randwrite\ndo_verify=0\n[r]\nstonewall\nrw=randread\n`;
    const [w, r] = run(text).result.jobs;
    expect([w?.read.totalIos, r?.error, r?.read.totalIos, r?.messages]).toEqual([0, 0, 16, []]);
  });

  it('a read job with verify on a file of other data fails at the first block', () => {
    const text = `[global]\nfilename=/data/f\ndirect=1\nbs=4k\nsize=64k\nioengine=psync\n[w]\nrw=write\nbuffer_pattern=0x0102\n[r]\nstonewall\nrw=read\nverify=md5\n`;
    const r = run(text).result.jobs[1];
    expect(r?.error).toBe(84);
    expect(r?.messages?.[0]).toMatch(/^verify: bad magic header 201, wanted acca at file \/data\/f offset 0, length 4096/);
  });
});

describe('buffer contents (what fio writes, on the simulated device)', () => {
  const written = (opts: string, len = 8192): Uint8Array => {
    const out = run(`${JOB}rw=write\nioengine=psync\nsize=${len}\n${opts}`);
    return fileBytes(out.stack, '/data/f', len);
  };
  it('buffer_pattern: the bytes repeated (hex as written, decimal little-endian, strings)', () => {
    expect(Array.from(written('buffer_pattern=0xdeadbeef\n').subarray(0, 8))).toEqual([0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef]);
    expect(Array.from(written('buffer_pattern=258\n').subarray(0, 4))).toEqual([2, 1, 2, 1]);
    expect(Array.from(written('buffer_pattern=0x01"xy"7\n').subarray(0, 8))).toEqual([1, 0x78, 0x79, 7, 1, 0x78, 0x79, 7]);
  });
  it('zero_buffers: zeroes', () => {
    expect(written('zero_buffers\n').every((b) => b === 0)).toBe(true);
  });
  it('buffer_compress_percentage=50, chunk 1k: 512 random bytes then 512 zeroes, per chunk', () => {
    const b = written('buffer_compress_percentage=50\nbuffer_compress_chunk=1k\n');
    for (let c = 0; c < 8; c++) {
      expect(b.subarray(c * 1024, c * 1024 + 512).some((x) => x !== 0)).toBe(true);
      expect(b.subarray(c * 1024 + 512, (c + 1) * 1024).every((x) => x === 0)).toBe(true);
    }
  });
  it('dedupe_percentage=100: every block the same; 0 and refill_buffers: all different', () => {
    const same = written('dedupe_percentage=100\n', 16384);
    const blocks = (b: Uint8Array) => [0, 1, 2, 3].map((i) => Buffer.from(b.subarray(i * 4096, (i + 1) * 4096)).toString('hex'));
    expect(new Set(blocks(same)).size).toBe(1);
    expect(new Set(blocks(written('refill_buffers\n', 16384))).size).toBe(4);
  });
  it('scramble_buffers (the default) makes every block differ, even without refill', () => {
    const blocks = (b: Uint8Array) => [0, 1, 2, 3].map((i) => Buffer.from(b.subarray(i * 4096, (i + 1) * 4096)).toString('hex'));
    expect(new Set(blocks(written('scramble_buffers=1\n', 16384))).size).toBe(4);
  });
});
