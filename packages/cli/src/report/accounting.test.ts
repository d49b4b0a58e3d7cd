import { parseFioArgs, runJobs } from '@dio/fio';
import { WORKQUEUE_HOP_STAGES } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { seriesJobArgs } from '../compare';
import { profilesForPolicies } from '../profile-arg';
import { completionShares, stageTable } from './accounting';

/** The series' job at `qd` on the profile of `policy`: stage table, CPU time per I/O from the CPUs' own times, completion shares. */
const point = (policy: string, qd: number, runtime = '5ms', rampTime = '0') => {
  const key = `${policy} ${qd} ${runtime} ${rampTime}`;
  const p = memo.get(key) ?? simulate(policy, qd, runtime, rampTime);
  memo.set(key, p);
  return p;
};
const memo = new Map<string, ReturnType<typeof simulate>>();

function simulate(policy: string, qd: number, runtime: string, rampTime: string) {
  const [profile] = profilesForPolicies(policy);
  if (profile === undefined) throw new Error(policy);
  const out = runJobs(parseFioArgs(seriesJobArgs(qd, 'io_uring', runtime, rampTime)).jobs, profile, { seed: 1, accounting: { stages: true } });
  const sim = out.stack.sim;
  const ios = out.result.jobs[0]?.write.totalIos ?? 0;
  const stages = sim.stages;
  if (stages === null) throw new Error('no stage accounting');
  const cpuNs = sim.cpus.reduce((a, c) => a + c.times.user + c.times.sys + c.times.hardirq + c.times.softirq, 0);
  const table = stageTable(stages, ios);
  const total = Object.values(table).reduce((a, b) => a + b, 0);
  const hop = WORKQUEUE_HOP_STAGES.reduce((a, s) => a + table[s], 0);
  return { table, total, cpuPerIo: cpuNs / ios, hop, shares: completionShares(stages), other: table.other };
}

describe('CPU time per I/O by stage', () => {
  for (const policy of ['workqueue', 'caller', 'inline']) {
    for (const qd of [1, 16]) {
      it(`sums to the simulated CPU time per I/O within 1%: ${policy}, QD${qd}`, () => {
        const p = point(policy, qd);
        expect(Math.abs(p.total - p.cpuPerIo) / p.cpuPerIo).toBeLessThan(0.01);
        expect(p.other).toBe(0); // every spend of the series' path is a named cost
      });
    }
  }

  it('puts completions where each policy runs them', () => {
    expect(point('workqueue', 16).shares).toMatchObject({ kworker: 1, issuer: 0 });
    expect(point('caller', 16).shares).toMatchObject({ kworker: 0, issuer: 1 });
    expect(point('inline', 16).shares).toMatchObject({ hardirq: 1, kworker: 0 });
  });

  it("gives the workqueue hop the share docs/calibration.md states for the main job: 24.8% of the stock CPU time per I/O at QD16", () => {
    // the main job is a 10 ms ramp + 150 ms; after the same ramp, 30 ms is within 0.3 points of it (and fast)
    const stock = point('workqueue', 16, '30ms', '10ms');
    const patched = point('caller', 16, '30ms', '10ms');
    expect(Math.abs((stock.hop / stock.total) * 100 - 24.8)).toBeLessThan(0.3);
    // and the hop is what the patch saves: the difference of the two CPU times per I/O, within 5%
    expect(Math.abs(stock.hop - (stock.total - patched.total)) / stock.hop).toBeLessThan(0.05);
    expect(patched.hop).toBeLessThan(1); // no kworker, fio never sleeps at QD16: no hop left
  });
});
