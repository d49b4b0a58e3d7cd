import { describe, expect, it } from 'vitest';
import { parseJobFile } from '../parse-job-file';
import { PlatHistogram } from '../plat-histogram';
import { JobLogger, logFiles } from './job-logger';

const job = (opts: string) => {
  const [j] = parseJobFile(`[j]\nsize=1m\n${opts}\n`, 'j.fio');
  if (j === undefined) throw new Error('no job');
  return j;
};
const text = (l: JobLogger): Record<string, string> => Object.fromEntries(l.files().map(([path, body]) => [path, body]));
const ms = 1e6;

describe('JobLogger (iolog.c / stat.c log files)', () => {
  it('one line per sample: time, value, direction, block size[, offset], priority', () => {
    const plain = new JobLogger(job('write_lat_log=a\nwrite_iops_log=a'), 3);
    plain.sample('clat', 12.7 * ms, 1, 4096, 8192, 41216);
    plain.sample('iops', 12.7 * ms, 1, 4096, 8192, 1);
    expect(text(plain)).toEqual({ 'a_slat.3.log': '', 'a_clat.3.log': '12, 41216, 1, 4096, 0\n', 'a_lat.3.log': '', 'a_iops.3.log': '12, 1, 1, 4096, 0\n' });
    const off = new JobLogger(job('write_bw_log\nlog_offset=1\nper_job_logs=0'), 1);
    off.sample('bw', 0, 0, 4096, 8192, 250);
    expect(text(off)).toEqual({ 'j_bw.log': '0, 250, 0, 4096, 8192, 0\n' });
  });

  it('log_avg_msec: a window becomes one line (rounded mean, or the maximum) once it spans the period; the end flushes latency windows', () => {
    for (const [max, first] of [['0', 20], ['1', 30]] as const) {
      const l = new JobLogger(job(`write_lat_log=w\nlog_avg_msec=20\nlog_max_value=${max}`), 1);
      l.sample('clat', 5 * ms, 1, 4096, 0, 10);
      l.sample('clat', 15 * ms, 1, 4096, 0, 30);
      l.sample('clat', 16 * ms, 0, 4096, 0, 7);
      l.sample('clat', 21 * ms, 1, 4096, 0, 20);
      l.sample('clat', 39 * ms, 1, 4096, 0, 99);
      l.finish(45 * ms);
      expect(text(l)['w_clat.1.log']).toBe(`21, ${first}, 1, 0, 0\n45, 7, 0, 0, 0\n45, 99, 1, 0, 0\n`);
    }
  });

  it('histogram log: counts since the last line, 2^coarseness buckets per column, every log_hist_msec', () => {
    const l = new JobLogger(job('write_hist_log=h\nlog_hist_msec=10\nlog_hist_coarseness=1'), 2);
    const clat = new PlatHistogram();
    clat.record(3);
    l.histSample(4 * ms, 1, 4096, clat); // too early: no line
    clat.record(2);
    l.histSample(10 * ms, 1, 4096, clat);
    clat.record(5);
    l.histSample(20 * ms, 1, 4096, clat);
    const lines = (text(l)['h_clat_hist.2.log'] ?? '').trimEnd().split('\n').map((x) => x.split(', ').map(Number));
    expect(lines.map((c) => c.length)).toEqual([3 + 928, 3 + 928]);
    expect(lines.map((c) => c.slice(0, 6))).toEqual([[10, 1, 4096, 0, 2, 0], [20, 1, 4096, 0, 0, 1]]);
  });

  it('a histogram log without log_hist_msec stays empty, as fio\'s; jobs sharing a file name write one after the other', () => {
    const a = new JobLogger(job('write_hist_log=s\nwrite_iops_log=s\nper_job_logs=0'), 1);
    const b = new JobLogger(job('write_iops_log=s\nper_job_logs=0'), 2);
    a.histSample(50 * ms, 0, 4096, new PlatHistogram());
    a.sample('iops', 1 * ms, 0, 4096, 0, 1);
    b.sample('iops', 2 * ms, 0, 4096, 0, 1);
    expect(logFiles([a, null, b])).toEqual([['s_iops.log', '1, 1, 0, 4096, 0\n2, 1, 0, 4096, 0\n', 'IOPS log'], ['s_clat_hist.log', '', 'histogram log']]);
  });
});

describe('streamed logs (RunOptions.logTo): written as they are made, bounded memory', () => {
  it('a sink gets the same text as the in-memory log, in chunks of about 64 KiB, the last at close', () => {
    const writes: number[] = [];
    let streamed = '';
    let closed = 0;
    const open = () => ({
      write: (t: string) => {
        writes.push(t.length);
        streamed += t;
      },
      close: () => void closed++,
    });
    const s = new JobLogger(job('write_iops_log=x'), 1, open);
    const m = new JobLogger(job('write_iops_log=x'), 1);
    for (let i = 0; i < 50_000; i++) {
      s.sample('iops', i * 1000, 1, 4096, 0, 1);
      m.sample('iops', i * 1000, 1, 4096, 0, 1);
    }
    // nothing held beyond one chunk: every write but the last is one chunk
    expect(writes.length).toBeGreaterThan(5);
    expect(Math.max(...writes)).toBeLessThan(64 * 1024 + 64);
    s.finish(50 * ms);
    s.close();
    s.close(); // once
    expect(closed).toBe(1);
    expect(streamed).toBe(text(m)['x_iops.1.log']);
    expect(text(s)['x_iops.1.log']).toBe(''); // nothing kept in memory
  });
});
