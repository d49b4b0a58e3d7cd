import { describe, expect, it } from 'vitest';
import { KERNELS, runWorkload } from '../src/deadlock';

describe('caller-comp-deadlock', () => {
  it('6.6-rc1: fallocate before reaping deadlocks on the issuer\'s own i_dio_count reference', () => {
    const o = runWorkload(KERNELS[0] as (typeof KERNELS)[number]);
    expect(o.kind).toBe('deadlock');
    if (o.kind !== 'deadlock') return;
    const chain = o.chain.join(' -> ');
    expect(chain).toMatch(/postgres\[\d+\] -> waits on '.*16385 i_dio_count'/);
    expect(chain).toMatch(/which only postgres\[\d+\] can make true/);
  });

  it.each([1, 2])('the same workload finishes on %s', (i) => {
    const o = runWorkload(KERNELS[i] as (typeof KERNELS)[number]);
    expect(o).toMatchObject({ kind: 'finished', fallocateRet: 0, cqes: 4 });
  });
});
