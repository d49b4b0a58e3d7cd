import { ms } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { reactorIops, SETUPS } from '../src/reactor';

describe('reactor-starvation', () => {
  it('the tuned scheduler collapses QD1 IOPS by far more than 10x; an unbound queue or 6.19 restores it', () => {
    const [normal, tuned, unbound, inline] = SETUPS.map((s) => reactorIops(s, ms(300)));
    if (normal === undefined || tuned === undefined || unbound === undefined || inline === undefined) throw new Error('setups');
    expect(normal / tuned).toBeGreaterThan(10);
    expect(tuned).toBeLessThan(500);
    expect(unbound / tuned).toBeGreaterThan(10);
    expect(inline / tuned).toBeGreaterThan(10);
  });
});
