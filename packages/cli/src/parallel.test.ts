import { LINUX_6_5, LINUX_6_6_RC1 } from '@dio/fio';
import { describe, expect, it } from 'vitest';
import { compareTasks } from './compare';
import { dispatchOrder, runCells } from './parallel';

describe('runCells dispatch order', () => {
  const tasks = compareTasks({ qds: [1, 16, 4], profiles: [LINUX_6_5, LINUX_6_6_RC1], engine: 'io_uring', length: { runtime: '1ms' }, rampTime: '0', seed: 1 });

  it('hands out the deepest queues first, ties in task order', () => {
    expect(dispatchOrder('compare', tasks).map((i) => tasks[i]?.qd)).toEqual([16, 16, 4, 4, 1, 1]);
    expect(dispatchOrder('compare', tasks)).toEqual([2, 3, 4, 5, 0, 1]);
  });

  it('returns results in task order on this thread', async () => {
    const cells = await runCells('compare', tasks, null, 1);
    expect(cells.map((c) => [c.qd, c.profile])).toEqual(tasks.map((t) => [t.qd, t.profile.name]));
  });
});
