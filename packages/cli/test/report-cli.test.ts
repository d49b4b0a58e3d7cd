import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli';

const dir = mkdtempSync(join(tmpdir(), 'dio-report-cli-'));
const jobFile = join(dir, 'j.fio');
writeFileSync(jobFile, '[j]\nfilename=/f\nsize=64m\ndirect=1\nioengine=io_uring\nrw=randwrite\nbs=4k\ntime_based=1\nruntime=3ms\ncpus_allowed=4\niodepth=16\n');

describe('report outputs from the CLI', () => {
  it('compare --format json keeps its keys first and adds the report figures after them', async () => {
    const r = await cli('compare', '--qd', '4', '--ramp-time', '1ms', '--runtime', '3ms', '--quiet', '--format', 'json');
    const j = JSON.parse(r.out) as { results: Record<string, unknown>[] };
    expect(Object.keys(j)).toEqual(['results', 'seed', 'runtime_ns', 'ramp_time_ns', 'provenance']);
    expect(Object.keys(j.results[0] ?? {})).toEqual(['qd', 'policy', 'profile', 'iops', 'clat_ns', 'cpu_ns_per_io', 'completions', 'clat_bins']);
    expect(j.results[0]?.completions).toMatchObject({ kworker: 1 });
  });

  it('writes an HTML report and an SVG and a PNG plot, from saved JSON too', async () => {
    const json = join(dir, 'c.json');
    const r = await cli('compare', '--qd', '1,4', '--ramp-time', '1ms', '--runtime', '3ms', '--quiet', '--format', 'json', '--plot', join(dir, 'c.svg'));
    writeFileSync(json, r.out);
    expect(readFileSync(join(dir, 'c.svg'), 'utf8')).toMatch(/^<svg[^]*4 KiB randwrite, io_uring, fio on CPU 4, ramp 1ms \+ runtime 3ms per point, seed 1, simulated/);
    expect((await cli('report', json, '-o', join(dir, 'c.html'), '--plot', join(dir, 'c.png'))).code).toBe(0);
    const html = readFileSync(join(dir, 'c.html'), 'utf8');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    expect(readFileSync(join(dir, 'c.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('rejects bad picture paths and inputs in one line', async () => {
    expect((await cli('run', jobFile, '--report', 'x.pdf')).err).toBe("dio: --report: 'x.pdf' must end in .html\n");
    expect((await cli('report', join(dir, 'missing.json'), '-o', 'x.html')).err).toMatch(/^dio: cannot read results JSON '.*missing\.json': no such file or directory \(ENOENT\)\n$/);
    expect((await cli('report', jobFile)).err).toBe('dio: report: give -o <out.html>, --plot <out.svg|png>, or both\n');
    expect((await cli('trace', jobFile)).err).toBe('dio: trace: give --out <trace.json>, --summary, or both\n');
  });

  it('trace --summary prints the completion contexts and the stage table', async () => {
    const r = await cli('trace', jobFile, '--summary', '--profile', 'linux-6.5');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/kworker \| 100\.0%/);
    expect(r.out).toMatch(/queue_work \| 120\.0 +\|/);
    expect(r.out).toMatch(/workqueue hop \(queue_work \+ work item \+ context switch\): [\d.]+ ns per I\/O/);
    expect(r.out).toMatch(/device nullb0: \d+ requests, [\d.]+ interrupts and 0\.000 kicks per request/);
  });
});
