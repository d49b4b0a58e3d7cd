import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli';

const dir = mkdtempSync(join(tmpdir(), 'dio-hangs-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const COSTS = ['syscall', 'contextSwitch', 'idleExit', 'hardirq', 'softirq', 'blkSubmit', 'blkComplete', 'iomapDioRw', 'iomapBio', 'iomapDioComplete', 'queueWork', 'workItem', 'kworkerCreate', 'taskWorkAdd', 'taskWorkRun', 'ioUringIssue', 'ioUringCqe', 'aioSubmit', 'aioComplete', 'aioGetevents', 'fsMetadataUpdate', 'userPerIo', 'userPerReap'];

describe('runs that would never end are errors, not hangs', () => {
  it('a profile whose costs are all 0 with irqmode none (time never advances) is one dio: livelock line naming the task', async () => {
    const zero = { kind: 'fixed', value: 0 };
    const profile = file('zero.json', JSON.stringify({ extends: 'linux-6.5', costs: Object.fromEntries(COSTS.map((c) => [c, 0])), device: { irqmode: 'none', completion_nsec: 0, latency: zero, write_latency: zero } }));
    const job = file('w.fio', '[w]\nfilename=f\nsize=64m\ntime_based=1\nruntime=10ms\nbs=4k\nrw=randwrite\nioengine=io_uring\niodepth=4\ndirect=1\n');
    const r = await cli('run', job, '--profile', profile, '--quiet');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^dio: livelock: \d+ steps at simulated time 0 ns without time advancing; spinning: task 'fio' on cpu0 in event callback \w+/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('calibrate --runtime 0 is a usage error; a time_based job without a runtime warns and runs size-based, as fio', async () => {
    const fixture = join(import.meta.dirname, 'fixtures', 'fio-3.33-randwrite-io_uring-qd4.json');
    const c = await cli('calibrate', fixture, '--out', join(dir, 'p.json'), '--runtime', '0');
    expect([c.code, c.err]).toEqual([1, "dio: --runtime: '0' must be more than 0\n"]);
    const r = await cli('run', file('tb.fio', '[w]\nsize=1m\ndirect=1\ntime_based=1\n'), '--quiet');
    expect([r.code, r.err]).toEqual([0, `dio: warning: ${join(dir, 'tb.fio')}:4: job 'w': time_based requires a runtime/timeout setting; it runs size-based, as in fio\n`]);
  });
});
