import { describe, expect, it } from 'vitest';
import { FioJobError } from './errors';
import { expandValue } from './expand';
import { parseJobFile } from './parse-job-file';

const ctx = { env: { SIZE: '64m', NJ: '4' }, keywords: { pagesize: 4096, ncpus: 8 } };

describe('${VAR} and $keywords in option values', () => {
  it('expands the environment, unset variables to nothing', () => {
    const [j] = parseJobFile('[w]\nsize=${SIZE}\nnumjobs=${NJ}\ndescription=a${NOPE}b\n', 'job.fio', ctx);
    expect(j?.size).toBe(64 * 1024 * 1024);
    expect(j?.numjobs).toBe(4);
    expect(j?.description).toBe('ab');
  });

  it('replaces keywords and computes integer math as fio has bc do it', () => {
    expect(expandValue('$pagesize', ctx)).toEqual({ ok: true, value: '4096' });
    expect(expandValue('2*$ncpus+1', ctx)).toEqual({ ok: true, value: '17' });
    expect(expandValue('($pagesize*3)/2', ctx)).toEqual({ ok: true, value: '6144' });
    expect(expandValue('4k-1', ctx)).toEqual({ ok: true, value: '4k-1' }); // no keyword: no math, as fio
  });

  it('$mb_memory is refused at its line: dio has no memory size', () => {
    expect(() => parseJobFile('[w]\nsize=1m\nbs=$mb_memory\n', 'job.fio', ctx)).toThrow(FioJobError);
    try {
      parseJobFile('[w]\nsize=1m\nbs=$mb_memory\n', 'job.fio', ctx);
    } catch (e) {
      expect((e as FioJobError).message).toMatch(/^job\.fio:3: option 'bs': \$mb_memory: /);
    }
  });
});
