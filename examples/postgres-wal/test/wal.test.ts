import { LINUX_6_5, LINUX_6_6_RC1 } from '@dio/fio';
import { describe, expect, it } from 'vitest';
import { walRun } from '../src/wal';

describe('postgres-wal', () => {
  it('with a FUA drive, io_uring on 6.6-rc1 beats 6.5 at QD1 (no workqueue hop, no fsync)', () => {
    const stock = walRun('FUA drive', LINUX_6_5, 'io_uring', 1, '20ms');
    const patched = walRun('FUA drive', LINUX_6_6_RC1, 'io_uring', 1, '20ms');
    expect(patched.iops).toBeGreaterThan(stock.iops * 1.02);
    expect(stock.workqueueItems).toBeGreaterThan(0);
    expect(patched.workqueueItems).toBe(0);
  });

  it('without FUA every O_DSYNC write needs a cache flush from the workqueue, on every kernel', () => {
    const patched = walRun('no-FUA drive', LINUX_6_6_RC1, 'io_uring', 1, '20ms');
    expect(patched.workqueueItems).toBeGreaterThan(0);
  });

  it('synchronous pwrite never touches a workqueue', () => {
    for (const p of [LINUX_6_5, LINUX_6_6_RC1]) expect(walRun('no-FUA drive', p, 'psync', 1, '20ms').workqueueItems).toBe(0);
  });
});
