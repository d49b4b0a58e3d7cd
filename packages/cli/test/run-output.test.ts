import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli';

const dir = mkdtempSync(join(tmpdir(), 'dio-run-output-'));

describe('dio run: output formats, --output and logs', () => {
  const prefix = join(dir, 'g');
  const f = join(dir, 'g.fio');
  writeFileSync(f, `[global]\nioengine=libaio\niodepth=4\ndirect=1\nsize=16m\nnumber_ios=300\nrw=randwrite\ngroup_reporting\nwrite_bw_log=${prefix}\nwrite_iops_log=${prefix}\n\n[g]\nnumjobs=2\n`);

  it('--output-format=terse,json --output FILE: terse then JSON in the file, nothing on stdout; bw and IOPS logs per job', async () => {
    const report = join(dir, 'report.txt');
    const r = await cli('run', f, '--quiet', '--output-format', 'terse,json', '--output', report);
    expect(r).toMatchObject({ code: 0, out: '', err: '' });
    const text = readFileSync(report, 'utf8');
    const [terse, ...json] = text.split('\n');
    expect(terse?.split(';').slice(0, 5)).toEqual(['3', 'fio-3.33', 'g', '0', '0']);
    // group_reporting: the two clones are one report
    const parsed = JSON.parse(json.join('\n')) as { 'global options': Record<string, string>; jobs: { jobname: string; write: { total_ios: number } }[] };
    expect(parsed.jobs.map((j) => [j.jobname, j.write.total_ios])).toEqual([['g', 600]]);
    expect(Object.keys(parsed['global options'])).toEqual(['ioengine', 'iodepth', 'direct', 'size', 'number_ios', 'rw', 'write_bw_log', 'write_iops_log']);
    for (const n of [1, 2]) {
      expect(readFileSync(`${prefix}_iops.${n}.log`, 'utf8').trim().split('\n')).toHaveLength(300);
      for (const line of readFileSync(`${prefix}_bw.${n}.log`, 'utf8').trim().split('\n')) expect(line).toMatch(/^\d+, \d+, 1, 4096, 0$/);
    }
  });

  it('refuses terse versions other than 3 and unknown formats in one line', async () => {
    const v = await cli('run', f, '--quiet', '--terse-version', '5', '--output-format', 'terse');
    expect(v.code).not.toBe(0);
    expect(v.err.trim()).toBe("dio: --terse-version: '5' is not supported (dio writes terse version 3)");
    const x = await cli('run', f, '--quiet', '--output-format', 'xml');
    expect(x.code).not.toBe(0);
    expect(x.err.trim()).toMatch(/^dio: .*'xml' is not one of normal, json, json\+, terse$/);
  });
});
