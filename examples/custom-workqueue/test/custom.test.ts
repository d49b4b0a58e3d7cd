import { ms } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { runWith } from '../src/stack';

describe('custom-workqueue', () => {
  it('the filesystem runs its completions on the custom queue, and the results differ measurably', () => {
    const kernel = runWith({ kind: 'bound' }, 16, ms(30));
    const custom = runWith({ kind: 'dedicated', cpu: 1 }, 16, ms(30));
    expect(kernel.customItems).toBe(0);
    // every completed write went through the custom queue's one thread
    expect(custom.customItems).toBeGreaterThan(1000);
    expect(custom.customItems).toBeGreaterThanOrEqual(custom.iops * 0.03 * 0.99);
    // moving the completion work off the submitting CPU frees it for submissions
    expect(custom.iops).toBeGreaterThan(kernel.iops * 1.1);
  });

  it('at QD1 the remote completion thread costs a cross-CPU wakeup, like WQ_UNBOUND', () => {
    const bound = runWith({ kind: 'bound' }, 1, ms(10));
    const unbound = runWith({ kind: 'unbound' }, 1, ms(10));
    const custom = runWith({ kind: 'dedicated', cpu: 1 }, 1, ms(10));
    expect(unbound.iops).toBeLessThan(bound.iops * 0.97);
    expect(custom.iops).toBeLessThan(bound.iops * 0.97);
  });

  it('at QD16 taking completions off the saturated CPU raises IOPS but widens the tail (p99 up)', () => {
    const bound = runWith({ kind: 'bound' }, 16, ms(30));
    const unbound = runWith({ kind: 'unbound' }, 16, ms(30));
    expect(unbound.iops).toBeGreaterThan(bound.iops * 1.1);
    expect(unbound.meanUs).toBeLessThan(bound.meanUs);
    expect(unbound.p99us).toBeGreaterThan(bound.p99us);
  });

  it('where the completion runs matters, not which implementation: a dedicated thread on the interrupted CPU behaves like the bound kworker', () => {
    const bound = runWith({ kind: 'bound' }, 16, ms(20));
    const local = runWith({ kind: 'dedicated', cpu: 0 }, 16, ms(20));
    expect(local.customItems).toBeGreaterThan(0);
    expect(Math.abs(local.iops / bound.iops - 1)).toBeLessThan(0.02);
    expect(Math.abs(local.p99us / bound.p99us - 1)).toBeLessThan(0.05);
  });

  it('is deterministic for a seed', () => {
    expect(runWith({ kind: 'dedicated', cpu: 0 }, 4, ms(5), 7)).toEqual(runWith({ kind: 'dedicated', cpu: 0 }, 4, ms(5), 7));
  });
});
