import { ms } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { runWith } from '../src/stack';

describe('custom-workqueue', () => {
  it('the filesystem runs its completions on the custom queue, and the results differ measurably', () => {
    const kernel = runWith('kernel bound (default)', 16, ms(30));
    const custom = runWith('dedicated nice -20 thread on CPU 1', 16, ms(30));
    expect(custom.customItems).toBeGreaterThan(1000);
    expect(kernel.customItems).toBe(0);
    // moving the completion work off the submitting CPU frees it for submissions
    expect(custom.iops).toBeGreaterThan(kernel.iops * 1.1);
  });
});
