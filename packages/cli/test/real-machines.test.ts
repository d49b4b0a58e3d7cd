// Real machines, predicted. Each fixture under test/fixtures/real/ is a real
// machine measured with real fio; its calibrated.json was fitted by `dio
// calibrate` on the io_uring QD1 and QD16 points only (`pnpm --filter
// @dio/cli calibrate:real`). Here the profile predicts what was kept back —
// io_uring QD 2, 4, 8, libaio at QD 1 to 8, psync QD1 — and one
// search of the calibration is re-run to show the profile is what calibrate
// wrote, not a hand-edited file.
import { readdirSync, readFileSync } from 'node:fs';
import type { DeviceKind } from '@dio/blockdev';
import { join } from 'node:path';
import { parseProfile, shippedProfile } from '@dio/fio';
import { describe, expect, it } from 'vitest';
import { type BestSearch, machineLayout } from '../src/calibrate/calibrate';
import { runCalibrateTask, variantOf, withVariant, type CalibrateSetup, type DeviceVariant } from '../src/calibrate/fit';
import { measuredPoints, type MeasuredPoint } from '../src/calibrate/points';
import { simulatePoint } from '../src/calibrate/simulate';
import { paramSpace, paramValues } from '../src/calibrate/space';
import { sha256 } from '../src/shard';

const ROOT = join(__dirname, 'fixtures', 'real');
const machines = readdirSync(ROOT).filter((d) => readdirSync(join(ROOT, d)).includes('calibrated.json'));

/** What calibrate recorded in the profile (see calibrate/command.ts). */
interface Provenance {
  readonly from_profile: string;
  readonly layout: { readonly cpus: number; readonly kind: DeviceKind; readonly queues: number; readonly irq_cpu: number | null };
  readonly inputs: readonly { readonly file: string; readonly sha256: string }[];
  readonly seed: number;
  readonly runtime: string;
  readonly ramp_time: string;
  readonly evaluations_per_start: number;
  readonly best_start: number;
  readonly best_search: BestSearch;
  readonly device_variants?: readonly DeviceVariant[];
  readonly parameters: Readonly<Record<string, number>>;
}

/**
 * How close the predictions must be (issue 18's bounds; docs/calibration.md
 * has the numbers): IOPS within the bound of the median of the repetitions —
 * or inside their min..max, which is as close as the measurement itself can
 * tell — and p50 clat within its bound.
 */
const TARGETS = { io_uring: { iops: 0.1, p50: 0.2, depths: [2, 4, 8] }, libaio: { iops: 0.15, p50: 0.2, depths: [1, 2, 4, 8, 16] }, psync: { iops: 0.1, p50: 0.2, depths: [1] } } as const;

/**
 * Points a machine's own measurement calls unexplained, left out of its
 * checks: the team's libaio QD16 (shared/data/real-vm-6.18.md: "an
 * unexplained outlier", io_uring/libaio 1.69× there and on no other boot).
 */
const OUTLIERS: Readonly<Record<string, readonly string[]>> = { 'vm-2vcpu-6.18-virtio-shared': ['libaio QD16'] };

/** The IOPS of each repetition of a point. */
const repetitionIops = (dir: string, p: MeasuredPoint): number[] => p.sources.map((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { jobs: { write: { iops: number } }[] }).jobs[0]?.write.iops ?? 0);

describe.each(machines)('real machine %s', (machine) => {
  const dir = join(ROOT, machine);
  const text = readFileSync(join(dir, 'calibrated.json'), 'utf8');
  const profile = parseProfile(text, 'calibrated.json');
  const cal = (JSON.parse(text) as { calibration: Provenance }).calibration;
  const files = readdirSync(dir).filter((f) => /^(io_uring|libaio|psync)-qd\d+[.-]/.test(f));
  const all = measuredPoints(
    files.map((f) => [f, readFileSync(join(dir, f), 'utf8')] as const),
    '100ms',
    '5ms',
  );
  const point = (engine: string, qd: number): MeasuredPoint | undefined => all.find((p) => p.job.ioengine === engine && p.job.iodepth === qd);

  it('was fitted on io_uring QD1 and QD16 only', () => {
    expect(cal.inputs.map((i) => /(io_uring-qd\d+)/.exec(i.file)?.[1])).toSatisfy((xs: (string | undefined)[]) => xs.every((x) => x === 'io_uring-qd1' || x === 'io_uring-qd16'));
  });

  for (const [engine, t] of Object.entries(TARGETS)) {
    for (const qd of t.depths) {
      it(`predicts ${engine} QD${qd}: IOPS within ${t.iops * 100}%${t.p50 !== null ? `, p50 clat within ${t.p50 * 100}%` : ''}`, () => {
        const p = point(engine, qd);
        if (p === undefined || OUTLIERS[machine]?.includes(`${engine} QD${qd}`) === true) return; // not measured on this machine, or an outlier it names
        const m = simulatePoint(p.job, p.label, profile, 1);
        const reps = repetitionIops(dir, p);
        const inRange = m.iops >= Math.min(...reps) && m.iops <= Math.max(...reps);
        const err = Math.abs(m.iops / p.measured.iops - 1);
        expect(inRange || err <= t.iops, `${Math.round(m.iops)} vs median ${Math.round(p.measured.iops)} (${reps.map(Math.round).join(', ')})`).toBe(true);
        if (t.p50 !== null && p.measured.clatP50 !== undefined) expect(Math.abs((m.clatP50 ?? 0) / p.measured.clatP50 - 1), `p50 ${m.clatP50} vs ${p.measured.clatP50}`).toBeLessThanOrEqual(t.p50);
      });
    }
  }

  it('is what dio calibrate wrote: its best search, re-run, lands on the same parameters', { timeout: 600_000 }, () => {
    const inputs = cal.inputs.map((i) => [i.file, readFileSync(join(__dirname, '..', i.file), 'utf8')] as const);
    for (const [k, [, t]] of inputs.entries()) expect(sha256(t)).toBe(cal.inputs[k]?.sha256);
    const from = shippedProfile(cal.from_profile);
    if (from === undefined) throw new Error(`calibrated.json: from_profile ${cal.from_profile} is not shipped`);
    const layout = machineLayout(from, measuredPoints(inputs, cal.runtime, cal.ramp_time), { cpus: cal.layout.cpus, queues: cal.layout.queues, irqCpu: cal.layout.irq_cpu ?? undefined, deviceKind: cal.layout.kind });
    const setup: CalibrateSetup = { inputs, runtime: cal.runtime, rampTime: cal.ramp_time, profile: layout.profile, seed: cal.seed, evals: cal.evaluations_per_start, variants: cal.device_variants ?? [] };
    // the start's variant is the machine; a hop searches from a point with that variant (as finishCalibration runs it)
    const variant = variantOf(setup, cal.best_start);
    const fitted: CalibrateSetup = { ...setup, profile: withVariant(layout.profile, variant), variants: variant === undefined ? [] : [variant] };
    const b = cal.best_search;
    const cell = b.kind === 'start' ? runCalibrateTask({ ...setup, kind: 'start', start: b.start }) : runCalibrateTask({ ...fitted, kind: 'hop', hop: b.hop, from: b.from });
    const space = paramSpace(fitted.profile);
    expect(paramValues(space, cell.u)).toEqual(cal.parameters);
  });
});
