import { ms } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { runReactor, SETUPS } from '../src/reactor';

describe('reactor-starvation', () => {
  it('the tuned scheduler collapses QD1 IOPS by far more than 10x; an unbound queue or 6.19 restores it', () => {
    const [normal, tuned, unbound, inline] = SETUPS.map((s) => runReactor(s, ms(300)));
    if (normal === undefined || tuned === undefined || unbound === undefined || inline === undefined) throw new Error('setups');
    expect(normal.iops).toBeGreaterThan(10_000); // the report: "> 10,000"
    expect(normal.iops / tuned.iops).toBeGreaterThan(10);
    expect(tuned.iops).toBeLessThan(500); // the report: 91
    expect(unbound.iops / tuned.iops).toBeGreaterThan(10);
    expect(inline.iops / tuned.iops).toBeGreaterThan(10);
    // the starved completions are the bound kworker's; the fixes move them off the reactor's CPU queue
    expect(tuned.completedIn).toEqual([expect.stringMatching(/^task:kworker\/0:/)]);
    expect(unbound.completedIn).toEqual([expect.stringMatching(/^task:kworker\/u/)]);
    expect(inline.completedIn).toEqual(['hardirq']);
  });

  it('is deterministic for a seed', () => {
    const s = SETUPS[0];
    if (s === undefined) throw new Error('setups');
    expect(runReactor(s, ms(5), 11)).toEqual(runReactor(s, ms(5), 11));
  });
});
