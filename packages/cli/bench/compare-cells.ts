/**
 * Where `dio compare`'s simulation time goes: each cell of the default
 * table (QD 1, 2, 4, 8, 16 × linux-6.5, linux-6.6-rc1; io_uring; ramp 10 ms
 * + 20,000 I/Os; no stage accounting, as the table runs) on this thread,
 * with its CPU time (the machine is shared: CPU time moves less with the
 * load than wall time) and IOPS, then what two workers handed the heaviest
 * cells first would take (the longest worker's sum of CPU times).
 *
 * Run: node scripts/run-ts.mjs packages/cli/bench/compare-cells.ts
 */
import { LINUX_6_5, LINUX_6_6_RC1 } from '@dio/fio';
import { COMPARE_DEFAULTS, compareTasks, runCompareTask } from '../src/compare';
import { dispatchOrder } from '../src/parallel';

const tasks = compareTasks({ qds: [1, 2, 4, 8, 16], profiles: [LINUX_6_5, LINUX_6_6_RC1], engine: 'io_uring', length: { ios: COMPARE_DEFAULTS.ios }, rampTime: COMPARE_DEFAULTS.rampTime, seed: 1, accounting: false });
runCompareTask({ ...tasks[0], length: { runtime: '20ms' } } as (typeof tasks)[number]); // warm up
const ms: number[] = [];
for (const t of tasks) {
  const c0 = process.cpuUsage();
  const c = runCompareTask(t);
  const u = process.cpuUsage(c0);
  ms.push((u.user + u.system) / 1000);
  console.log(`QD ${String(t.qd).padStart(2)} ${t.profile.name.padEnd(14)} ${(ms.at(-1) as number).toFixed(0).padStart(5)} ms  ${Math.round(c.iops / 1000)}K IOPS`);
}
// two workers, each taking the next heaviest cell when it is free
const free: [number, number] = [0, 0];
for (const i of dispatchOrder('compare', tasks)) {
  const w = free[0] <= free[1] ? 0 : 1;
  free[w] += ms[i] as number;
}
console.log(`total ${ms.reduce((a, b) => a + b, 0).toFixed(0)} ms on one thread; two workers: ${Math.max(...free).toFixed(0)} ms (${free.map((f) => f.toFixed(0)).join(' + ')})`);
