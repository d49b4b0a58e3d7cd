import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJobFile } from '../parse-job-file';
import { parseProfile } from './profile-schema';
import { runJobs } from './run';

const VM = parseProfile(readFileSync(new URL('../../../../profiles/vm-virtio.json', import.meta.url), 'utf8'), 'vm-virtio.json');

/** The real VM's job: 4 KiB random O_DIRECT writes on CPU 1. */
function run(qd: number, runtime = '200ms') {
  const job = `[w]\nrw=randwrite\nbs=4k\ndirect=1\nioengine=io_uring\niodepth=${qd}\nsize=1g\nruntime=${runtime}\ntime_based=1\ncpus_allowed=1\nnorandommap=1\n`;
  const out = runJobs(parseJobFile(job, 'vm.fio'), VM, { seed: 1, accounting: { stages: true } });
  const st = out.stack.sim.stages;
  if (st === null) throw new Error('no stage accounting');
  const w = out.result.jobs[0]?.write;
  if (w === undefined) throw new Error('no result');
  const s = out.stack.dev.stats;
  return { iops: w.totalIos / (w.runtimeNs / 1e9), p50: w.clat.percentile(50), irqPerIo: s.interrupts / s.completed, kicksPerIo: s.kicks / s.completed, bySubmitter: st.countOf('iomapDioComplete', 'issuer'), completions: st.countOf('iomapDioComplete') };
}

describe('the 2-vCPU virtio-blk VM profile', () => {
  const q1 = run(1);
  const q4 = run(4, '400ms');
  const q16 = run(16);

  it('latency grows with depth and IOPS less than linearly', () => {
    expect(q4.p50).toBeGreaterThan(1.8 * q1.p50);
    expect(q16.p50).toBeGreaterThan(2.5 * q4.p50);
    expect(q16.iops).toBeLessThan(4 * q1.iops);
    expect(q16.iops).toBeGreaterThan(q4.iops);
  });

  it('kicks and interrupts batch as the queue fills', () => {
    expect([q1.kicksPerIo, q1.irqPerIo]).toEqual([1, 1]);
    expect(q4.irqPerIo).toBeLessThan(0.5);
    expect(q16.irqPerIo).toBeLessThan(0.15);
    expect(q16.kicksPerIo).toBeLessThan(0.15);
  });

  it('a few completions run in the submitter, from timing alone (the real VM: 0.2-0.5%)', () => {
    expect(q1.bySubmitter).toBe(0);
    expect(q4.bySubmitter).toBeGreaterThan(0);
    expect(q4.bySubmitter / q4.completions).toBeLessThan(0.02);
  });
});
