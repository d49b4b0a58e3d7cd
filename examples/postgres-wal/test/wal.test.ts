import { LINUX_6_19, LINUX_6_5, LINUX_6_6_RC1 } from '@dio/fio';
import { describe, expect, it } from 'vitest';
import { walRun } from '../src/wal';

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
