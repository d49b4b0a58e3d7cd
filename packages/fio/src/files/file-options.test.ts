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

  it('accepts nrfiles, openfiles, file_service_type, unlink, create_on_open; a non-uniform file service with several files is refused at its line', () => {
    expect(job('openfiles=4\nfile_service_type=random:8\nunlink=1\ncreate_on_open=1\n').files).toMatchObject({ openfiles: 4, fileServiceType: 'random:8', unlink: true, createOnOpen: true });
    expect(job('nrfiles=4\n').files.nrfiles).toBe(4);
    expect(() => job('nrfiles=4\nfile_service_type=zipf:1.2\n')).toThrow(/job\.fio:4: file_service_type=zipf:1\.2 with nrfiles=4 is not implemented by dio: use roundrobin, sequential or random/);
    expect(() => job('nrfiles=0\n')).toThrow(FioJobError);
    expect(() => job('file_service_type=bogus\n')).toThrow(/job\.fio:3: /);
  });
});
