import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measuredPoints, signalsOf } from './points';
import { parseFioJson } from '../fio-json';

const REAL = join(__dirname, '..', '..', 'test', 'fixtures', 'real', 'vm-2vcpu-6.18-virtio-2026-12-02');
const read = (f: string) => [f, readFileSync(join(REAL, f), 'utf8')] as const;

describe('measured points', () => {
  it('reads every signal fio reports, per I/O where fio reports totals', () => {
    const [f, text] = read('io_uring-qd1-r1.json');
    const s = signalsOf(parseFioJson(text, f), f);
    const raw = JSON.parse(text) as { jobs: { write: { iops: number; total_ios: number; clat_ns: { mean: number; percentile: Record<string, number> }; slat_ns: { mean: number } }; sys_cpu: number; ctx: number; job_runtime: number }[] };
    const j = raw.jobs[0]!;
    expect(s.iops).toBe(j.write.iops);
    expect(s.clatP50).toBe(j.write.clat_ns.percentile['50.000000']);
    expect(s.clatP99).toBe(j.write.clat_ns.percentile['99.000000']);
    expect(s.slatMean).toBe(j.write.slat_ns.mean);
    expect(s.sysPerIo).toBeCloseTo(((j.sys_cpu / 100) * j.job_runtime * 1e6) / j.write.total_ios, 6);
    expect(s.ctxPerIo).toBeCloseTo(j.ctx / j.write.total_ios, 9);
  });

  it('repetitions of one job are one point with median signals; other depths and engines are other points', () => {
    const files = readdirSync(REAL).filter((f) => f.endsWith('.json') && /qd(1|16)-/.test(f)).sort();
    const pts = measuredPoints(files.map(read), '1ms');
    expect(pts.map((p) => `${p.label}:${p.sources.length}`)).toEqual(['io_uring QD1:3', 'io_uring QD16:3', 'libaio QD1:3', 'libaio QD16:3', 'psync QD1:3']);
    const iops = ['r1', 'r2', 'r3'].map((r) => (JSON.parse(read(`io_uring-qd16-${r}.json`)[1]) as { jobs: { write: { iops: number } }[] }).jobs[0]!.write.iops).sort((a, b) => a - b);
    expect(pts[1]!.measured.iops).toBe(iops[1]);
    // psync has no submission latency: the signal is absent, not zero
    expect(pts[4]!.measured.slatMean).toBeUndefined();
    // the simulated job is fio's, with dio's runtime
    expect([pts[1]!.job.iodepth, pts[1]!.job.cpusAllowed, pts[1]!.job.runtimeNs]).toEqual([16, [1], 1_000_000]);
  });
});
