import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli';

const dir = mkdtempSync(join(tmpdir(), 'dio-trace-'));
const job = join(dir, 'trace.fio');
writeFileSync(job, '[w]\nfilename=data.bin\nsize=1g\nrw=randwrite\nbs=4k\ndirect=1\nioengine=io_uring\niodepth=4\ncpus_allowed=1\ntime_based=1\nruntime=300us\n');

interface Ev {
  ph: string;
  ts: number;
  dur?: number;
}

describe('trace files', () => {
  it('run --trace writes the same trace as dio trace; --trace-format proto writes Perfetto packets', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const t = await cli('trace', job, '--out', a, '--quiet');
    expect(t.err).toMatch(/^dio: wrote \d+ trace records to /);
    expect((await cli('run', job, '--trace', b, '--quiet')).code).toBe(0);
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
    const pb = join(dir, 'a.pb');
    const p = await cli('trace', job, '--out', pb, '--trace-format', 'proto', '--quiet');
    expect(p.err).toBe(t.err.replace(a, pb));
    const bytes = readFileSync(pb);
    expect(bytes[0]).toBe(0x0a); // Trace.packet (field 1, length-delimited)
    expect(bytes.length).toBeGreaterThan(10_000);
  });

  it('--trace-window records only that slice of simulated time', async () => {
    const out = join(dir, 'w.json');
    expect((await cli('trace', job, '--out', out, '--trace-window', '100us,150us', '--quiet')).code).toBe(0);
    const ev = (JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: Ev[] }).traceEvents.filter((e) => e.ph !== 'M');
    expect(ev.length).toBeGreaterThan(20);
    for (const e of ev) {
      expect(e.ts).toBeGreaterThanOrEqual(100);
      expect(e.ts + (e.dur ?? 0)).toBeLessThanOrEqual(150 + 1e-9);
    }
  });

  it('rejects a bad window or format with one line', async () => {
    const out = join(dir, 'x.json');
    expect((await cli('trace', job, '--out', out, '--trace-window', '150us,100us')).err).toBe("dio: --trace-window: '150us,100us': the end must be after the start\n");
    expect((await cli('trace', job, '--out', out, '--trace-window', '100us')).err).toBe("dio: --trace-window: '100us' must be start,end (e.g. 100ms,110ms)\n");
    expect((await cli('run', job, '--trace', out, '--trace-window', 'x,1ms')).err).toMatch(/^dio: --trace-window: start: /);
    const f = await cli('trace', job, '--out', out, '--trace-format', 'xml');
    expect(f.code).not.toBe(0);
    expect(f.err).toMatch(/xml/);
  });
});
