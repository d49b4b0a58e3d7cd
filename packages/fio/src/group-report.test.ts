import { describe, expect, it } from 'vitest';
import { formatJson } from './format-json';
import { formatNormal } from './format-normal';
import { reportedJobs } from './group-report';
import type { FioJob } from './job';
import { parseJobFile } from './parse-job-file';
import { createJobResult, type RecordingJobResult } from './recording';
import type { FioRunResult } from './result';

/** A result for `job` with `n` writes of 4 KiB, clat `base`+i ns, over `ms` ms. */
function filled(job: FioJob, pid: number, n: number, base: number, ms: number, groupId = job.groupId): RecordingJobResult {
  const r = createJobResult({ ...job, groupId }, pid);
  for (let i = 0; i < n; i++) {
    r.write.clat.record(base + i);
    r.write.lat.record(base + i + 100);
    r.latency.record(base + i);
    r.depth.markDepth(1);
  }
  r.write.totalIos = n;
  r.write.ioBytes = n * 4096;
  r.write.runtimeNs = ms * 1e6;
  r.jobRuntimeNs = ms * 1e6;
  r.write.bw.record(1000);
  r.write.bw.record(3000);
  r.ctx = 10;
  return r;
}

const run = (jobs: RecordingJobResult[]): FioRunResult => ({ fioVersion: 'fio-3.33', timestampMs: 0, jobs, diskUtil: [], globalOptions: [] });

describe('group_reporting (stat.c sum_thread_stats)', () => {
  const [w] = parseJobFile('[global]\ngroup_reporting\nsize=1m\n[w]\nrw=randwrite\n', 'g.fio');
  const [solo] = parseJobFile('[s]\nsize=1m\nrw=randwrite\n', 's.fio');
  if (w === undefined || solo === undefined) throw new Error('no job');

  it('merges consecutive jobs of one group: counts add, runtime is the longest, the first names the report', () => {
    const [m, ...rest] = reportedJobs([filled(w, 10, 100, 1000, 50), filled(w, 11, 300, 5000, 80)]);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ name: 'w', pid: 10, members: 2, ctx: 20, jobRuntimeNs: 130e6 });
    expect(m?.write).toMatchObject({ totalIos: 400, ioBytes: 400 * 4096, runtimeNs: 80e6 });
    expect(m?.write.clat).toMatchObject({ count: 400, min: 1000, max: 5299 });
    expect(m?.write.clat.mean).toBeCloseTo((100 * 1049.5 + 300 * 5149.5) / 400, 6);
    // bandwidth samples sum as fio's pure_sum: the group's rate is the sum of its jobs'
    expect(m?.write.bw).toMatchObject({ samples: 4, min: 2000, max: 6000, mean: 4000 });
    expect(m?.depth.level[0]).toBe(400);
    expect(m?.latency.us.reduce((a, b) => a + b, 0)).toBe(400);
  });

  it('keeps groups apart and leaves jobs without group_reporting as they are', () => {
    const a = filled(w, 1, 10, 1000, 5);
    const b = filled(w, 2, 10, 1000, 5, 1);
    const c = filled(solo, 3, 10, 1000, 5);
    const d = filled(solo, 4, 10, 1000, 5);
    const out = reportedJobs([a, b, c, d]);
    expect(out).toHaveLength(4);
    expect(out[2]).toBe(c);
    expect(out[3]).toBe(d);
  });

  it('prints one report with jobs=N in normal and JSON output', () => {
    const res = run([filled(w, 10, 100, 1000, 50), filled(w, 11, 300, 5000, 80)]);
    expect(formatNormal(res)).toContain('w: (groupid=0, jobs=2): err= 0: pid=10:');
    const json = JSON.parse(formatJson(res)) as { jobs: { jobname: string; write: { total_ios: number; runtime: number } }[] };
    expect(json.jobs.map((j) => [j.jobname, j.write.total_ios, j.write.runtime])).toEqual([['w', 400, 80]]);
  });
});
