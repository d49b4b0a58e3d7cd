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

  it.each([
    { profile: LINUX_6_6, via: 'workqueue', kind: 'task', ctx: /^kworker\/0:/ },
    { profile: LINUX_6_19, via: 'end_io', kind: 'hardirq', ctx: /^nullb0q0$/ },
  ])('$profile.name: inode_dio_end runs via $via in $kind context, not in the waiting issuer', ({ profile, via, kind, ctx }) => {
    const o = runWorkload(profile, 'fallocate');
    if (o.kind !== 'finished') throw new Error(o.message);
    expect(o.completions).toHaveLength(4);
    for (const c of o.completions) {
      expect(c).toMatchObject({ via, kind });
      expect(c.ctx).toMatch(ctx);
      expect(c.at).toBeGreaterThan(o.opStart); // the issuer was already in fallocate: someone else dropped i_dio_count
    }
  });

  it('6.19 finishes sooner than 6.6: no kworker hop', () => {
    const a = runWorkload(LINUX_6_6, 'fallocate');
    const b = runWorkload(LINUX_6_19, 'fallocate');
    if (a.kind !== 'finished' || b.kind !== 'finished') throw new Error('deadlock');
    expect(b.at).toBeLessThan(a.at);
  });

  it('is deterministic for a seed', () => {
    expect(runWorkload(LINUX_6_6, 'fallocate', 8, 5)).toEqual(runWorkload(LINUX_6_6, 'fallocate', 8, 5));
  });
});
