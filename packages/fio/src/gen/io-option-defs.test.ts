import { describe, expect, it } from 'vitest';
import { FioJobError } from '../errors';
import { formatJobHeader } from '../job-header';
import { parseJobFile } from '../parse-job-file';
import { planFile } from './file-plan';

const job = (body: string) => {
  const [j] = parseJobFile(`[w]\n${body}`, 'job.fio');
  if (j === undefined) throw new Error('no job');
  return j;
};

function errorOf(body: string): FioJobError {
  try {
    parseJobFile(`[w]\n${body}`, 'job.fio');
  } catch (e) {
    if (e instanceof FioJobError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('block size and offset options', () => {
  it('bssplit: per direction, missing shares split the rest, sorted as fio sorts them', () => {
    const j = job('size=1m\nbssplit=4k/50:8k:16k,64k\n');
    expect(j.io.bssplit?.[0]).toEqual([{ bs: 8192, perc: 25 }, { bs: 16384, perc: 25 }, { bs: 4096, perc: 50 }]);
    expect(j.io.bssplit?.[1]?.map((e) => e.bs)).toEqual([65536]);
    expect(j.io.bssplit?.[2]?.map((e) => e.bs)).toEqual([65536]);
  });

  it('the job header shows the block size ranges as fio', () => {
    expect(formatJobHeader([job('size=1m\nrw=randrw\nbssplit=4k/60:64k/40,16k/100\n')])).toContain('bs=(R) 4096B-64.0KiB, (W) 16.0KiB-16.0KiB, (T) 16.0KiB-16.0KiB');
  });

  it('size and offset as percentages of filesize; offset_increment per clone', () => {
    const j = job('filesize=1m\noffset=25%\nbs=64k\n');
    expect(planFile(j, 'w.0.0', 0, undefined)).toEqual({ name: 'w.0.0', realSize: 1048576, ioSize: 786432, startOffset: 262144 });
    const h = job('filesize=1m\nsize=50%\nbs=64k\n');
    expect(planFile(h, 'w.0.0', 0, undefined)).toMatchObject({ ioSize: 524288, startOffset: 0 });
    const k = job('size=128k\noffset=1m\noffset_increment=256k\nnumjobs=4\n');
    expect(planFile(k, 'w.2.0', 2, undefined)).toMatchObject({ startOffset: 1048576 + 2 * 262144, ioSize: 131072 });
  });

  it('rw=...:<nr> parses sizes for holes and counts for random', () => {
    expect(job('size=1m\nrw=read:8k\n').io.rwPostfix).toBe('8192');
    expect(job('size=1m\nrw=randread:16\n').io.rwPostfix).toBe('16');
  });

  it.each([
    ['size=1m\nbssplit=4k/70:8k/70:16k:32k\n', 3, 'bssplit'],
    ['size=1m\nbsrange=4k\n', 3, 'bsrange'],
    ['size=1m\nrandom_distribution=zipf:1\n', 3, 'random_distribution'],
    ['size=1m\nrandom_distribution=pareto:1.5\n', 3, 'random_distribution'],
    ['size=1m\nrandom_distribution=zoned:60/10:30/20\n', 3, 'random_distribution'],
    ['size=1m\nrandom_distribution=gauss\n', 3, 'random_distribution'],
    ['size=1m\nzonesize=64k\n', 3, 'zonesize'],
    ['size=1m\nzonemode=zbd\n', 3, 'zonemode'],
    ['size=50%\n', 2, 'size'],
    ['size=1m\nrw=randread:0\n', 3, 'rw'],
    ['size=1m\npercentage_random=101\n', 3, 'percentage_random'],
    ['size=1m\nrandom_generator=xorshift\n', 3, 'random_generator'],
  ])('rejects %j at line %i', (body, line, option) => {
    const e = errorOf(body);
    expect(e.line).toBe(line);
    expect(e.option).toBe(option);
    expect(e.message).toMatch(/^job\.fio:\d+: /);
  });
});
