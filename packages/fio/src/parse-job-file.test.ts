import { describe, expect, it } from 'vitest';
import { FioJobError } from './errors';
import { parseJobFile } from './parse-job-file';

function err(text: string): FioJobError {
  try {
    parseJobFile(text, 'job.fio');
  } catch (e) {
    if (e instanceof FioJobError) return e;
    throw e;
  }
  throw new Error('expected FioJobError');
}

describe('parseJobFile', () => {
  it('parses sections, globals, comments and fio defaults', () => {
    const jobs = parseJobFile(
      [
        '; a comment',
        '# another',
        '[global]',
        'ioengine=io_uring',
        'direct = 1   ; inline comment',
        'size=1g',
        'bs=4k',
        '',
        '[w1]',
        'rw=randwrite',
        'iodepth=16',
        '[w2]',
        'rw=write',
        'ioengine=libaio',
      ].join('\n'),
      'job.fio',
    );
    expect(jobs).toHaveLength(2);
    const [a, b] = jobs;
    expect(a).toMatchObject({ name: 'w1', ioengine: 'io_uring', direct: true, size: 2 ** 30, rw: 'randwrite', iodepth: 16, source: { file: 'job.fio', line: 9 } });
    expect(a?.bs).toEqual({ read: 4096, write: 4096, trim: 4096 });
    expect(a?.iodepthBatchSubmit).toBe(1);
    expect(a?.iodepthBatchCompleteMin).toBe(1);
    expect(a?.iodepthBatchCompleteMax).toBe(1); // fio: defaults to iodepth_batch_complete_min (one completion per getevents)
    expect(b).toMatchObject({ name: 'w2', ioengine: 'libaio', rw: 'write', iodepth: 1, randrepeat: true, numjobs: 1 });
    expect(a?.globalOptions).toEqual([
      { name: 'ioengine', value: 'io_uring' },
      { name: 'direct', value: '1' },
      { name: 'size', value: '1g' },
      { name: 'bs', value: '4k' },
    ]);
    expect(a?.options).toEqual([{ name: 'rw', value: 'randwrite' }, { name: 'iodepth', value: '16' }]);
  });

  it('globals only apply to jobs after them', () => {
    const jobs = parseJobFile('[global]\nsize=1m\n[a]\n[global]\niodepth=8\n[b]\n', 'j.fio');
    expect(jobs.map((j) => j.iodepth)).toEqual([1, 8]);
    expect(jobs[0]?.globalOptions.map((o) => o.name)).toEqual(['size', 'iodepth']);
  });

  it('echoes canonical fio names for aliases and resolves their semantics', () => {
    const [j] = parseJobFile(
      '[x]\nsize=1m\nreadwrite=randrw\nrwmixwrite=30\niodepth=8\niodepth_batch_submit=4\niodepth_batch_complete=2\nblocksize=4k,8k\ntimeout=2m\nbuffered=0\nsync=dsync\n',
      'x.fio',
    );
    expect(j?.options.map((o) => o.name)).toEqual(['size', 'rw', 'rwmixwrite', 'iodepth', 'iodepth_batch', 'iodepth_batch_complete_min', 'bs', 'runtime', 'buffered', 'sync']);
    expect(j).toMatchObject({ rw: 'randrw', rwmixread: 70, iodepthBatchSubmit: 4, iodepthBatchCompleteMin: 2, runtimeNs: 120e9, direct: true, sync: 'dsync' });
    expect(j?.bs).toEqual({ read: 4096, write: 8192, trim: 8192 });
  });

  it('handles bare flags, write_lat_log and percentile_list', () => {
    const [j] = parseJobFile('[lat]\nsize=1m\ntime_based\nruntime=1s\nnorandommap\nwrite_lat_log\npercentile_list=50:99.9\nioengine=io_uring\nhipri\n', 'l.fio');
    expect(j).toMatchObject({ timeBased: true, norandommap: true, writeLatLog: 'lat', percentileList: [50, 99.9], percentilePrecision: 2, hipri: true });
    // fio 3.33 lists a bare option with no value (its JSON leaves it out)
    expect(j?.options.find((o) => o.name === 'time_based')).toEqual({ name: 'time_based', value: '', bare: true });
    const [k] = parseJobFile('[k]\nsize=1m\nwrite_lat_log=foo\n', 'k.fio');
    expect(k?.writeLatLog).toBe('foo');
  });

  it('applies kb_base before sizes of the same section, whatever the order', () => {
    const [j] = parseJobFile('[x]\nsize=1k\nkb_base=1000\n', 'x.fio');
    expect(j?.size).toBe(1000);
  });

  it('clamps iodepth_batch like fio (0 or > iodepth means iodepth)', () => {
    const [j] = parseJobFile('[x]\nsize=1m\niodepth=4\niodepth_batch=0\niodepth_batch_complete_max=64\n', 'x.fio');
    expect(j).toMatchObject({ iodepthBatchSubmit: 4, iodepthBatchCompleteMax: 4 });
  });

  it.each([
    ['[w]\nsize=1m\nfoo=1\n', 3, 'foo', "job.fio:3: bad option <foo=1>: fio has no option 'foo'"],
    ['[w]\nsize=1m\n\n\n\n\nfoo\n', 7, 'foo', "job.fio:7: bad option <foo>: fio has no option 'foo'"],
    ['[w]\nsize=1m\nbs=4q\n', 3, 'bs', "job.fio:3: invalid value '4q' for option 'bs': '4q' has an unknown size suffix 'q'"],
    ['[w]\nsize=1m\niodepth=0\n', 3, 'iodepth', "job.fio:3: invalid value '0' for option 'iodepth': must be at least 1"],
    ['[w]\nsize=1m\nrwmixread=101\n', 3, 'rwmixread', "job.fio:3: invalid value '101' for option 'rwmixread': must be at most 100"],
    ['[w]\nsize=1m\nrw=randwrite:0\n', 3, 'rw', undefined],
    ['[w]\nsize=1m\nrw=trim\n', 3, 'rw', undefined],
    ['[w]\nsize=1m\nioengine=mmap\n', 3, 'ioengine', undefined],
    ['[w]\nsize=1m\ndirect=yes\n', 3, 'direct', undefined],
    ['[w]\nsize=1m\nbs\n', 3, 'bs', "job.fio:3: option 'bs' requires a value"],
    ['[w]\nsize=1m\ninclude other.fio\n', 3, 'include', undefined],
    ['[w]\nsize=1m\noutput-format=json\n', 3, 'output-format', undefined],
    ['size=1m\n[w]\n', 1, 'size', "job.fio:1: option 'size' outside of a [job] section"],
    ['[w\nsize=1m\n', 1, undefined, undefined],
    ['[]\n', 1, undefined, 'job.fio:1: empty section name'],
    ['[w]\n=4\n', 2, undefined, undefined],
    ['\n\n[w]\nrw=write\n', 3, undefined, "job.fio:3: job 'w' has no size (set size= or filesize=)"],
    ['[w]\nsize=1m\nfixedbufs=1\n', 3, 'fixedbufs', 'job.fio:3: option \'fixedbufs\' is not valid for ioengine=psync (only io_uring)'],
    ['[w]\nsize=1m\niodepth=4\niodepth_batch_complete_min=3\niodepth_batch_complete_max=2\n', 4, 'iodepth_batch_complete_min', undefined],
    ['[global]\nsize=1m\n', 0, undefined, 'job.fio: no jobs defined'],
    ['[global]\nbs=0\n[w]\nsize=1m\n', 2, 'bs', "job.fio:2: invalid value '0' for option 'bs': block size must not be 0"],
  ])('rejects %j at line %i', (text, line, option, message) => {
    const e = err(text);
    if (line > 0) expect(e.line).toBe(line);
    expect(e.file).toBe('job.fio');
    expect(e.option).toBe(option);
    if (message !== undefined) expect(e.message).toBe(message);
    expect(e.message.startsWith(line > 0 ? `job.fio:${line}: ` : 'job.fio')).toBe(true);
  });
});
