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

  it('$mb_memory is the machine\'s memory in MiB, a bare number as in fio (size=$mb_memory is that many bytes)', () => {
    const m = { ...ctx, keywords: { ...ctx.keywords, mbMemory: 16384 } };
    // fio 3.33 on a 24105 MiB machine: size=$mb_memory -> "24105", 8*$mb_memory -> "192840", ($mb_memory*2) -> "48210"
    expect(expandValue('$mb_memory', m)).toEqual({ ok: true, value: '16384' });
    expect(expandValue('8*$mb_memory', m)).toEqual({ ok: true, value: '131072' });
    expect(expandValue('($mb_memory*2)', m)).toEqual({ ok: true, value: '32768' });
    const [j] = parseJobFile('[w]\nsize=$mb_memory/4*1048576\n', 'job.fio', m);
    expect(j?.size).toBe(4096 * 1048576);
  });

  it('computes bc\'s % and ^ (right-associative, below unary minus), once + - * / brings bc in', () => {
    // fio 3.33 with bc, 24105 MiB, 2 CPUs: $mb_memory%1000*2 -> 210, 2^3*$ncpus -> 16, -2^2*$ncpus -> 8
    const m = { ...ctx, keywords: { pagesize: 4096, ncpus: 2, mbMemory: 24105 } };
    expect(expandValue('$mb_memory%1000*2', m)).toEqual({ ok: true, value: '210' });
    expect(expandValue('2^3*$ncpus', m)).toEqual({ ok: true, value: '16' });
    expect(expandValue('-2^2*$ncpus', m)).toEqual({ ok: true, value: '8' });
    expect(expandValue('2^3^2+$ncpus', m)).toEqual({ ok: true, value: '514' });
  });

  it('refuses what bc refuses: a unit in the math, a division by zero (fio: failed parsing)', () => {
    const m = { ...ctx, keywords: { pagesize: 4096, ncpus: 2, mbMemory: 24105 } };
    expect(expandValue('4k*$ncpus', m).ok).toBe(false);
    expect(expandValue('$mb_memory/0', m).ok).toBe(false);
    expect(expandValue('$mb_memory%0+1', m).ok).toBe(false);
  });

  it('$mb_memory without a machine is refused at its line', () => {
    expect(() => parseJobFile('[w]\nsize=1m\nbs=$mb_memory\n', 'job.fio', ctx)).toThrow(FioJobError);
    try {
      parseJobFile('[w]\nsize=1m\nbs=$mb_memory\n', 'job.fio', ctx);
    } catch (e) {
      expect((e as FioJobError).message).toMatch(/^job\.fio:3: option 'bs': \$mb_memory: the machine's memory size is not known here/);
    }
  });
});
