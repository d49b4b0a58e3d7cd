/**
 * The charts of a `run` report: fio's latency histograms (json+ buckets),
 * per-CPU utilisation by context over time, and the iodepth distribution.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CpuUtil, FioJson } from './model';
import { CONTEXT_COLORS } from './palette';
import { cdfRows } from './specs';

const BASE = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', view: { stroke: '#ccc' } } } as const;
const DDIRS = ['read', 'write', 'trim'] as const;

/** The job·direction pairs that did I/O: `job (write)`. */
export function runSeries(fio: FioJson): { label: string; job: FioJson['jobs'][number]; ddir: (typeof DDIRS)[number] }[] {
  return fio.jobs.flatMap((job) => DDIRS.filter((d) => job[d].total_ios > 0).map((ddir) => ({ label: `${job.jobname} (${ddir})`, job, ddir })));
}

/** clat histogram per job and direction from json+ `bins` (null when the JSON has none: plain `json`). */
export function runHistSpec(fio: FioJson): TopLevelSpec | null {
  const values = runSeries(fio).flatMap(({ label, job, ddir }) => {
    const bins = Object.entries(job[ddir].clat_ns.bins ?? {})
      .map(([ns, c]) => [Number(ns), c] as const)
      .sort((a, b) => a[0] - b[0]);
    return cdfRows(bins).map((row) => ({ series: label, ...row }));
  });
  if (values.length === 0) return null;
  const enc = { x: { field: 'us', type: 'quantitative', title: 'completion latency (µs, log)', scale: { type: 'log' } }, y: { field: 'share', type: 'quantitative', title: 'share of I/Os at or below', axis: { format: '.0%' } }, color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom-right' } } };
  return {
    ...BASE,
    width: 560,
    height: 280,
    title: 'completion latency distribution (CDF of fio’s histogram buckets)',
    data: { values },
    layer: [
      { name: 'hist', mark: { type: 'line', interpolate: 'step-after' }, encoding: enc },
      { name: 'histpoints', mark: { type: 'point', size: 12, filled: true }, encoding: { ...enc, tooltip: [{ field: 'series' }, { field: 'us', format: '.2f', title: 'µs' }, { field: 'share', format: '.2%' }] } },
    ],
  } as TopLevelSpec;
}

/** Per-CPU utilisation by context over time: one stacked area chart per busy CPU. */
export function cpuSpec(cpu: CpuUtil): TopLevelSpec {
  const classes = [...new Set(cpu.rows.map((r) => r.class))];
  return {
    ...BASE,
    title: `CPU utilisation by context (${cpu.windowNs / 1e6} ms windows)`,
    data: { values: cpu.rows },
    facet: { row: { field: 'cpu', type: 'ordinal', title: 'CPU', header: { labelAngle: 0 } } },
    spec: {
      width: 560,
      height: 70,
      name: 'util',
      mark: { type: 'area', interpolate: 'step-after' },
      encoding: {
        x: { field: 't_ms', type: 'quantitative', title: 'simulated time (ms)' },
        y: { field: 'util', type: 'quantitative', title: 'busy', stack: 'zero', scale: { domain: [0, 1] }, axis: { format: '.0%', tickCount: 2 } },
        color: { field: 'class', type: 'nominal', title: 'context', scale: { domain: classes, range: classes.map((c) => CONTEXT_COLORS[c] ?? '#888') } },
        tooltip: [{ field: 'cpu' }, { field: 't_ms', title: 'ms' }, { field: 'class' }, { field: 'util', format: '.1%' }],
      },
    },
  } as TopLevelSpec;
}

/** fio's iodepth distribution (`iodepth_level`, % of I/Os submitted at each depth) per job. */
export function depthSpec(fio: FioJson): TopLevelSpec {
  const levels = Object.keys(fio.jobs[0]?.iodepth_level ?? {});
  const values = fio.jobs.flatMap((j) => Object.entries(j.iodepth_level).map(([level, pct]) => ({ job: j.jobname, level, pct: pct / 100 })));
  return {
    ...BASE,
    width: 420,
    height: 220,
    title: 'iodepth distribution (fio iodepth_level)',
    data: { values },
    name: 'depth',
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'level', type: 'ordinal', title: 'I/Os in flight', sort: levels, axis: { labelAngle: 0 } },
      xOffset: { field: 'job' },
      y: { field: 'pct', type: 'quantitative', title: 'share of I/Os', axis: { format: '.0%' } },
      color: { field: 'job', type: 'nominal', title: 'job', legend: fio.jobs.length > 1 ? {} : null },
      tooltip: [{ field: 'job' }, { field: 'level' }, { field: 'pct', format: '.2%' }],
    },
  } as TopLevelSpec;
}
