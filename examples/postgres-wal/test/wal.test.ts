import { LINUX_6_19, LINUX_6_5, LINUX_6_6_RC1 } from '@dio/fio';
import { describe, expect, it } from 'vitest';
import { walGrid, walRun } from '../src/wal';

describe('postgres-wal', () => {
  it('with a FUA drive, io_uring on 6.6-rc1 beats 6.5 at QD1 (no workqueue hop, no fsync)', () => {
    const stock = walRun('FUA drive', LINUX_6_5, 'io_uring', 1, '20ms');
    const patched = walRun('FUA drive', LINUX_6_6_RC1, 'io_uring', 1, '20ms');
    expect(patched.iops).toBeGreaterThan(stock.iops * 1.02);
    expect(patched.p50us).toBeLessThan(stock.p50us);
    expect(stock.workqueueItems).toBeGreaterThan(0); // the tracer does see workqueue items
    expect(patched.workqueueItems).toBe(0);
  });

  it('without FUA every O_DSYNC write needs a cache flush from the workqueue, on every kernel', () => {
    for (const p of [LINUX_6_6_RC1, LINUX_6_19]) expect(walRun('no-FUA drive', p, 'io_uring', 1, '10ms').workqueueItems).toBeGreaterThan(0);
  });

  it('the series\' motivation: on 6.5 synchronous pwrite beats io_uring at QD1; 6.6-rc1 closes most of the gap', () => {
    const psync = walRun('FUA drive', LINUX_6_5, 'psync', 1, '20ms');
    const stock = walRun('FUA drive', LINUX_6_5, 'io_uring', 1, '20ms');
    const patched = walRun('FUA drive', LINUX_6_6_RC1, 'io_uring', 1, '20ms');
    expect(psync.iops).toBeGreaterThan(stock.iops * 1.05);
    expect(psync.iops - patched.iops).toBeLessThan((psync.iops - stock.iops) / 2);
  });

  it('without FUA the kernels cannot differ: every O_DSYNC completion takes the same workqueue path', () => {
    const [a, b, c] = [LINUX_6_5, LINUX_6_6_RC1, LINUX_6_19].map((p) => walRun('no-FUA drive', p, 'io_uring', 1, '10ms'));
    expect(b?.iops).toBe(a?.iops);
    expect(c?.iops).toBe(a?.iops);
    expect(c?.p99us).toBe(a?.p99us);
  });

  it('the grid covers both drives, each kernel, psync QD1 and io_uring QD1 and QD2, with ordered percentiles', () => {
    const grid = walGrid('2ms', 1);
    expect(grid.map((r) => `${r.device}/${r.profile}/${r.engine}/${r.qd}`)).toHaveLength(18);
    expect(new Set(grid.map((r) => `${r.device}/${r.profile}/${r.engine}/${r.qd}`)).size).toBe(18);
    for (const r of grid) {
      expect(r.p50us).toBeGreaterThan(0);
      expect(r.p99us).toBeGreaterThanOrEqual(r.p50us);
      expect(r.p999us).toBeGreaterThanOrEqual(r.p99us);
    }
    // QD2 nearly doubles a latency-bound writer
    const qd1 = grid.find((r) => r.device === 'FUA drive' && r.profile === 'linux-6.19' && r.engine === 'io_uring' && r.qd === 1);
    const qd2 = grid.find((r) => r.device === 'FUA drive' && r.profile === 'linux-6.19' && r.engine === 'io_uring' && r.qd === 2);
    expect((qd2?.iops ?? 0) / (qd1?.iops ?? 1)).toBeGreaterThan(1.7);
  });

  it('synchronous pwrite never touches a workqueue', () => {
    for (const device of ['FUA drive', 'no-FUA drive'] as const) {
      for (const p of [LINUX_6_5, LINUX_6_6_RC1, LINUX_6_19]) {
        const r = walRun(device, p, 'psync', 1, '10ms');
        expect(r.iops).toBeGreaterThan(0);
        expect(r.workqueueItems).toBe(0);
      }
    }
  });

  it('is deterministic for a seed', () => {
    expect(walRun('FUA drive', LINUX_6_5, 'io_uring', 2, '5ms', 9)).toEqual(walRun('FUA drive', LINUX_6_5, 'io_uring', 2, '5ms', 9));
  });
});
