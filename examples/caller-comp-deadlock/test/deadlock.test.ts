import { LINUX_6_19, LINUX_6_6, LINUX_6_6_RC1 } from '@dio/fio';
import { describe, expect, it } from 'vitest';
import { runWorkload } from '../src/deadlock';

describe('caller-comp-deadlock', () => {
  it.each(['fallocate', 'ftruncate'] as const)("6.6-rc1: %s before reaping deadlocks on the issuer's own i_dio_count reference", (op) => {
    const o = runWorkload(LINUX_6_6_RC1, op);
    expect(o.kind).toBe('deadlock');
    if (o.kind !== 'deadlock') return;
    const chain = o.chain.join(' -> ');
    expect(chain).toMatch(/^postgres\[\d+\] -> waits on '\/pgdata\/base\/16384\/16385 i_dio_count'/);
    expect(chain).toMatch(/which only postgres\[\d+\] can make true$/);
  });

  it.each([LINUX_6_6, LINUX_6_19])('the same workload finishes on $name', (profile) => {
    expect(runWorkload(profile, 'fallocate')).toMatchObject({ kind: 'finished', syscallRet: 0, cqes: [8192, 8192, 8192, 8192], iSize: 80 * 8192 });
    expect(runWorkload(profile, 'ftruncate')).toMatchObject({ kind: 'finished', syscallRet: 0, cqes: [8192, 8192, 8192, 8192], iSize: 48 * 8192 });
  });

  it('is deterministic for a seed', () => {
    expect(runWorkload(LINUX_6_6, 'fallocate', 8, 5)).toEqual(runWorkload(LINUX_6_6, 'fallocate', 8, 5));
  });
});
