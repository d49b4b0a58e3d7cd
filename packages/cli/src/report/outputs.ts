/**
 * The CLI's picture outputs: `--report out.html` and `--plot out.svg|png`
 * for compare and sweep, `--report` for run, `dio report results.json`, and
 * `dio trace --summary`.
 * @module
 */
import type { BlkMqDevice } from '@dio/blockdev';
import { formatJson, type FioJob, type KernelProfile, type RunOutput } from '@dio/fio';
import { CONTEXT_CLASSES, UTIL_CLASSES, WORKQUEUE_HOP_STAGES } from '@dio/sim';
import { type CompareLength, lengthText, renderTable } from '../compare';
import { UsageError } from '../errors';
import { completionShares, stageTable } from './accounting';
import { reportHtml } from './html';
import { type CpuUtil, type FioJson, type GridReport, type Report, reportFromJson } from './model';
import { provenance } from './provenance';
import type { UserFs } from '../user-fs';

/** Where `--report` / `--plot` go. */
export interface PictureOptions {
  readonly report?: string | undefined;
  readonly plot?: string | undefined;
}

/** `--report` is an .html file. */
function checkReportPath(path: string): void {
  if (!/\.html?$/i.test(path)) throw new UsageError(`--report: '${path}' must end in .html`);
}

/** Check the `--report` path before anything runs (a typo should not cost a sweep). */
export function checkPictureOptions(o: PictureOptions): void {
  if (o.report !== undefined) checkReportPath(o.report);
}

/** Write a report as HTML. */
export function writeReport(files: UserFs, path: string, r: Report): void {
  checkReportPath(path);
  files.write(path, reportHtml(r), 'report');
}

/** Write the `--report` and `--plot` outputs of a compare or sweep. */
export async function writeGridPictures(files: UserFs, o: PictureOptions, r: GridReport): Promise<void> {
  if (o.report !== undefined) writeReport(files, o.report, r);
  // the plotter (vega) is loaded only when asked for: it is most of the bundle
  if (o.plot !== undefined) await (await import('../plot')).writePlot(files, o.plot, r, r.provenance?.workload ?? `seed ${r.seed}, simulated`);
}

/** The one-line workload of `dio compare`. */
export function compareWorkload(engine: string, rampTime: string, length: CompareLength, seed: number): string {
  return `4 KiB randwrite, ${engine}, fio on CPU 4, ramp ${rampTime} + ${lengthText(length)} per point, seed ${seed}, simulated`;
}

const size = (b: number): string => (b % 1024 === 0 ? `${b / 1024} KiB` : `${b} B`);

/** The one-line workload of a job file: its jobs' rw, block size, engine, depth and CPUs. */
export function jobWorkload(file: string, jobs: readonly FioJob[], seed: number, extra = ''): string {
  const one = (j: FioJob): string => {
    const bs = j.rw.includes('read') && !j.rw.includes('rw') ? j.bs.read : j.bs.write;
    const cpus = j.cpusAllowed !== undefined ? `, fio on CPU ${j.cpusAllowed.join(',')}` : '';
    const rt = j.runtimeNs > 0 ? `, runtime ${j.runtimeNs / 1e6}ms` : '';
    return `${size(bs)} ${j.rw}, ${j.ioengine}, iodepth ${j.iodepth}${cpus}${rt}`;
  };
  return `${file}: ${[...new Set(jobs.map(one))].join('; ')}${extra}, seed ${seed}, simulated`;
}

/** `dio run --report`: fio's json+ result, CPU utilisation windows and provenance. */
export function runReport(argv: readonly string[], file: string, jobs: readonly FioJob[], profile: KernelProfile, seed: number, out: RunOutput): Report {
  const fio = JSON.parse(formatJson(out.result, { plus: true })) as FioJson;
  const sim = out.stack.sim;
  const w = sim.cpuWindows;
  let cpu: CpuUtil | null = null;
  if (w !== null) {
    const rows = w.busyCpus().flatMap((c) => {
      const series = w.series(c, sim.now);
      const used = UTIL_CLASSES.filter((k) => series.some((s) => s.util[k] > 0)); // a CPU's classes that ever ran
      return series.flatMap((s) => used.map((k) => ({ cpu: c, t_ms: s.startNs / 1e6, class: k, util: Math.round(s.util[k] * 1e4) / 1e4 })));
    });
    cpu = { windowNs: w.windowNs, rows };
  }
  return { kind: 'run', fio, cpu, provenance: provenance(argv, jobWorkload(file, jobs, seed, ` on ${profile.name}`), seed, [profile]) };
}

/** The utilisation window of a `run --report`: about 100 windows over the job's runtime (1 ms when not time-based). */
export function cpuWindowFor(jobs: readonly FioJob[]): number {
  const rt = Math.max(0, ...jobs.map((j) => j.runtimeNs + j.rampTimeNs));
  return rt > 0 ? Math.max(1000, Math.round(rt / 100)) : 1_000_000;
}

/** `dio report results.json [-o out.html] [--plot out.svg|png]`. */
export async function reportFromFile(files: UserFs, file: string, o: PictureOptions): Promise<void> {
  if (o.report === undefined && o.plot === undefined) throw new UsageError('report: give -o <out.html>, --plot <out.svg|png>, or both');
  checkPictureOptions(o);
  const r = reportFromJson(files.read(file, 'results JSON'), file);
  if (r.kind !== 'run') await writeGridPictures(files, o, r);
  else if (o.plot !== undefined) throw new UsageError(`--plot: ${file} is a run's fio JSON; a plot is of a compare or sweep`);
  else if (o.report !== undefined) writeReport(files, o.report, r);
}

/** The device's interrupts and kicks (virtio VM exits, NVMe doorbells) per completed request. */
function deviceLine(dev: BlkMqDevice): string {
  const s = dev.stats;
  const per = (n: number): string => (s.completed > 0 ? (n / s.completed).toFixed(3) : '0.000');
  return `device ${dev.name}: ${s.completed} requests, ${per(s.interrupts)} interrupts and ${per(s.kicks)} kicks per request`;
}

/** `dio trace --summary`: the completion contexts and the per-stage CPU table of a run, as text. */
export function traceSummary(out: RunOutput): string[] {
  const st = out.stack.sim.stages;
  if (st === null) throw new Error('trace --summary ran without stage accounting');
  const ios = out.result.jobs.reduce((a, j) => a + j.read.totalIos + j.write.totalIos + j.trim.totalIos, 0);
  const shares = completionShares(st);
  const table = stageTable(st, ios);
  const total = Object.values(table).reduce((a, b) => a + b, 0);
  const rows = Object.entries(table)
    .filter(([, ns]) => ns > 0)
    .map(([stage, ns]) => [stage, ns.toFixed(1), `${((ns / total) * 100).toFixed(1)}%`]);
  const hop = WORKQUEUE_HOP_STAGES.reduce((a, s) => a + (table[s] ?? 0), 0);
  return [
    `dio trace --summary: ${ios} I/Os, ${(total / 1000).toFixed(3)} us of CPU per I/O (every CPU)`,
    '',
    'completions by context:',
    renderTable([['context', 'share'], ...CONTEXT_CLASSES.map((c) => [c, `${(shares[c] * 100).toFixed(1)}%`])]),
    '',
    'CPU time per I/O by stage:',
    renderTable([['stage', 'ns per I/O', 'share'], ...rows, ['total', total.toFixed(1), '100.0%']]),
    '',
    `workqueue hop (${WORKQUEUE_HOP_STAGES.join(' + ')}): ${hop.toFixed(1)} ns per I/O, ${total > 0 ? ((hop / total) * 100).toFixed(1) : '0.0'}% of the CPU time`,
    deviceLine(out.stack.dev),
  ];
}
