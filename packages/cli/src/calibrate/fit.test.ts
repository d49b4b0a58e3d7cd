import { formatJson, LINUX_6_6, parseFioArgs, runJobs, type KernelProfile } from '@dio/fio';
import { describe, expect, it } from 'vitest';
import { DEVICE_KINDS } from '@dio/blockdev';
import { calibrate, everyDeviceVariant, machineLayout } from './calibrate';
import { HOP_RADIUS, hopPoint, runCalibrateTask, withVariant, type CalibrateSetup } from './fit';
import { measuredPoints } from './points';
import { simulatePoint } from './simulate';
import { applyParams, paramSpace, paramValues, unitOf } from './space';

/** fio JSON of a job run by dio on `profile`: a machine whose truth is known. */
function fioJsonOf(profile: KernelProfile, iodepth: number, engine = 'io_uring'): string {
  const job = parseFioArgs(['--name=w', '--rw=randwrite', '--bs=4k', '--direct=1', '--size=1g', `--ioengine=${engine}`, `--iodepth=${iodepth}`, '--cpus_allowed=1', '--time_based=1', '--ramp_time=5ms', '--runtime=30ms', '--norandommap=1']).jobs[0]!;
  return formatJson(runJobs([job], profile, { seed: 7 }).result);
}

describe('dio calibrate recovers a machine it knows', () => {
  // the truth: the default profile on 2 CPUs with every kernel CPU cost x3 and a 30 us device
  const base: KernelProfile = { ...LINUX_6_6, cpus: 2, device: { ...LINUX_6_6.device, kind: 'null_blk', submit_queues: 1 } };
  const space = paramSpace(base);
  const truthU = space.map((p) => unitOf(p, p.name === 'cpuScale' ? 3 : p.name === 'deviceLatencyNs' ? 30_000 : p.read(base)));
  const truth = applyParams(base, space, truthU);
  const inputs = [1, 16].map((qd) => [`qd${qd}.json`, fioJsonOf(truth, qd)] as const);

  it('fits QD1 and QD16 and predicts QD4 from them', async () => {
    // no hops: with two points, idle-exit and device time trade at QD1, and hops find that trade's noise-level
    // minima (0.0069 against 0.0081 here) far from the truth; on the real machines they found much better fits
    const setup: CalibrateSetup = { inputs, runtime: '10ms', rampTime: '2ms', profile: machineLayout(base, measuredPoints(inputs, '10ms'), { queues: 1 }).profile, seed: 1, evals: 200, variants: [], hops: 0 };
    const r = await calibrate(setup, 1, async (tasks) => tasks.map(runCalibrateTask), 'fitted');
    for (const p of r.points) expect(Math.abs(p.fitted.iops / p.measured.iops - 1), p.label).toBeLessThan(0.03);
    expect(r.parameters.cpuScale).toBeGreaterThan(2);
    expect(r.parameters.cpuScale).toBeLessThan(4.5);
    const qd4 = measuredPoints([['qd4.json', fioJsonOf(truth, 4)]], '30ms')[0]!;
    const predicted = simulatePoint(qd4.job, 'qd4', r.profile, 7);
    expect(Math.abs(predicted.iops / qd4.measured.iops - 1)).toBeLessThan(0.06);
    // two points: each is predicted from the other alone, and the report says so
    expect(r.points.every((p) => p.leaveOneOut !== undefined)).toBe(true);
  }, 120_000);

  it('hops around the best start keep the best they find and say which search found it', async () => {
    const setup: CalibrateSetup = { inputs, runtime: '2ms', rampTime: '0', profile: { ...base }, seed: 3, evals: 12, variants: [], hops: 2 };
    const r = await calibrate(setup, 1, async (tasks) => tasks.map(runCalibrateTask), 'fitted');
    expect(r.hopLosses[0]).toHaveLength(2);
    const bestHop = Math.min(...r.hopLosses.flat());
    const bestStart = Math.min(...r.startLosses);
    expect(r.bestSearch.kind).toBe(bestHop < bestStart ? 'hop' : 'start');
    // the search it names, re-run, ends where the fit did
    const b = r.bestSearch;
    const again = b.kind === 'hop' ? runCalibrateTask({ ...setup, kind: 'hop', hop: b.hop, from: b.from }) : runCalibrateTask({ ...setup, kind: 'start', start: b.start });
    expect(paramValues(paramSpace(base), again.u)).toEqual(r.parameters);
  });

  it('a hop starts within HOP_RADIUS of its point, inside the cube, at a point no other hop uses', () => {
    const from = [0, 0.5, 1, 0.95];
    const pts = [0, 1, 2, 3].map((k) => hopPoint(from, k));
    for (const p of pts) {
      p.forEach((u, i) => {
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThanOrEqual(1);
        expect(Math.abs(u - (from[i] as number))).toBeLessThanOrEqual(HOP_RADIUS + 1e-12);
      });
    }
    expect(new Set(pts.map((p) => p.join())).size).toBe(4);
  });

  it('a task gives the same answer on any thread: it depends only on what it is sent', () => {
    const setup: CalibrateSetup = { inputs, runtime: '2ms', rampTime: '0', profile: { ...base }, seed: 3, evals: 12, variants: [] };
    const a = runCalibrateTask({ ...setup, kind: 'start', start: 2 });
    const b = runCalibrateTask(structuredClone({ ...setup, kind: 'start' as const, start: 2 }));
    expect(b).toEqual(a);
  });

  it('the layout: CPUs from cpus_allowed (at least 2), queues at most one per CPU, errors name the flag', () => {
    const pts = measuredPoints(inputs, '1ms');
    expect(machineLayout(LINUX_6_6, pts, {}).cpus).toBe(2);
    expect(machineLayout(LINUX_6_6, pts, {}).queues).toBe(2);
    expect(machineLayout(LINUX_6_6, pts, { cpus: 4, queues: 1 }).profile.device).toMatchObject({ submit_queues: 1 });
    // another kind: its own defaults with the profile's capacity, the queue option it names, the interrupt where fio ran
    const vm = machineLayout(LINUX_6_6, pts, { deviceKind: 'virtio-blk' });
    expect(vm.profile.device).toEqual({ kind: 'virtio-blk', gb: LINUX_6_6.device.gb, bs: LINUX_6_6.device.bs, num_queues: 1, irq_cpu: 1 });
    expect(machineLayout(LINUX_6_6, pts, { deviceKind: 'nvme' }).profile.device).toMatchObject({ kind: 'nvme', nr_io_queues: 2 });
    expect(() => machineLayout(LINUX_6_6, pts, { irqCpu: 0 })).toThrow(/--irq-cpu: only a virtio-blk disk/);
    // --device-kind auto: every model in turn, whole devices (a variant's model replaces the profile's)
    const all = everyDeviceVariant(DEVICE_KINDS.map((k) => machineLayout(LINUX_6_6, pts, { deviceKind: k })), undefined);
    expect(all.map((v) => v.name)).toEqual(['null_blk', 'nvme', 'virtio-blk host_io=async', 'virtio-blk host_io=sync']);
    expect(withVariant(LINUX_6_6, all[1]).device).toEqual({ kind: 'nvme', gb: LINUX_6_6.device.gb, bs: LINUX_6_6.device.bs, nr_io_queues: 2 });
    expect(withVariant(vm.profile, { name: 'host_io=sync', device: { host_io: 'sync' } }).device).toMatchObject({ kind: 'virtio-blk', irq_cpu: 1, host_io: 'sync' });
    expect(() => machineLayout(LINUX_6_6, pts, { deviceKind: 'virtio-blk', irqCpu: 2 })).toThrow(/--irq-cpu 2: the machine has CPUs 0\.\.1/);
    expect(() => machineLayout(LINUX_6_6, pts, { cpus: 1 })).toThrow(/--cpus 1: the jobs are pinned to CPU 1; give at least 2/);
    expect(() => machineLayout(LINUX_6_6, pts, { queues: 3 })).toThrow(/--queues 3: at most one hardware queue per CPU \(2\)/);
  });
});
