import { describe, expect, it } from 'vitest';
import { FioJobError } from '../errors';
import { parseJobFile } from '../parse-job-file';
import { jobFile } from '../run/job-runner';

const job = (body: string) => {
  const [j] = parseJobFile(`[x]\nsize=64k\n${body}`, 'job.fio');
  if (j === undefined) throw new Error('no job');
  return j;
};

describe('file options', () => {
  it('names files as fio: <name>.<clone>.0, filename_format, directories taken in turn by clones', () => {
    expect(jobFile(job(''), 1).path).toBe('x.1.0');
    expect(jobFile(job('filename_format=f.$jobname.$jobnum.$filenum\n'), 1).path).toBe('f.x.1.0');
    // fio 3.33 with directory=da:db numjobs=3 made da/x.0.0, db/x.1.0, da/x.2.0
    const d = job('directory=da:db\nnumjobs=3\n');
    expect([0, 1, 2].map((k) => jobFile(d, k).path)).toEqual(['da/x.0.0', 'db/x.1.0', 'da/x.2.0']);
    // an explicit filename goes in the first directory
    expect(jobFile(job('directory=da:db\nfilename=ff\n'), 1).path).toBe('da/ff');
  });

  it('accepts nrfiles, openfiles, file_service_type, unlink, create_on_open', () => {
    expect(job('openfiles=4\nfile_service_type=random:8\nunlink=1\ncreate_on_open=1\n').files).toMatchObject({ openfiles: 4, fileServiceType: 'random:8', unlink: true, createOnOpen: true });
    expect(job('nrfiles=4\n').files.nrfiles).toBe(4);
    expect(job('nrfiles=4\nfile_service_type=zipf:1.2\n').files.fileServiceType).toBe('zipf:1.2');
    expect(() => job('nrfiles=0\n')).toThrow(FioJobError);
    expect(() => job('file_service_type=bogus\n')).toThrow(/job\.fio:3: /);
  });

  // fio 3.33's messages for the same values (options.c: str_fst_cb())
  it.each([
    ['zipf:1', 'zipf theta must be different than 1.0'],
    ['zipf:1.0', 'zipf theta must be different than 1.0'],
    ['pareto:0', 'pareto input out of range (0 < input < 1.0)'],
    ['pareto:1', 'pareto input out of range (0 < input < 1.0)'],
    ['normal:100', 'normal deviation out of range (0 <= input < 100.0)'],
    ['normal:-1', 'normal deviation out of range (0 <= input < 100.0)'],
    ['zipf:abc', 'file service type random postfix parsing failed'],
  ])('refuses file_service_type=%s as fio does: %s', (v, why) => {
    expect(() => job(`nrfiles=4\nfile_service_type=${v}\n`)).toThrow(FioJobError);
    expect(() => job(`nrfiles=4\nfile_service_type=${v}\n`)).toThrow(why);
  });

  it.each([['zipf'], ['zipf:0.5'], ['pareto:0.3'], ['normal'], ['gauss:50'], ['random:2']])('accepts file_service_type=%s as fio does', (v) => {
    expect(job(`nrfiles=4\nfile_service_type=${v}\n`).files.fileServiceType).toBe(v);
  });
});
