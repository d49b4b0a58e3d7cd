/**
 * The charts of a report as vega-lite specs — the same specs for the HTML
 * page (rendered in the browser by vega-embed) and for `--plot` (rendered
 * server-side by vega's `View.toSVG()`). Marks are named (`lines`, `points`,
 * …) so a test can count them in the rendered SVG.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import type { GridReport } from './model';
import { CONTEXT_COLORS, seriesStyle, STAGE_COLORS } from './palette';

type Spec = TopLevelSpec;
type Row = Record<string, number | string>;

const FONT = { font: 'DejaVu Sans, Helvetica, Arial, sans-serif' };
const BASE = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', config: { ...FONT, view: { stroke: '#ccc' }, legend: { labelLimit: 300 } } } as const;

/** The x values of a grid report in order of first appearance. */
export function gridXs(r: GridReport): (number | string)[] {
  return [...new Set(r.points.map((p) => p.x))];
}

/** The colour, dash and shape encodings keyed by profile, from the fixed palette. */
function seriesScales(profiles: readonly string[]) {
  const styles = profiles.map(seriesStyle);
  const scale = (range: unknown[]) => ({ domain: [...profiles], range });
  const common = { field: 'profile', type: 'nominal', title: 'kernel', legend: null } as const;
  return {
    color: { ...common, scale: scale(styles.map((s) => s.color)) },
    strokeDash: { ...common, scale: scale(styles.map((s) => [...s.dash])) },
    shape: { ...common, scale: scale(styles.map((s) => s.shape)) },
  } as const;
}

function xEncoding(r: GridReport) {
  const xs = gridXs(r);
  return r.xNumeric
    ? { field: 'x', type: 'quantitative', title: r.xTitle, scale: { type: 'log', base: 2, nice: false, padding: 36 }, axis: { values: xs, format: 'd' } }
    : { field: 'x', type: 'ordinal', title: r.xTitle, sort: xs, axis: { labelAngle: -30 } };
}

/**
 * The kernels' legend, drawn inside the plot frame at its top left (the lines
 * rise to the right): a dashed line segment, the marker and the name per
 * kernel, in pixels (`scale: null`), so it shows all three of a kernel's
 * marks — vega-lite's own legends would show colour and shape only.
 */
function legendLayers(profiles: readonly string[]): object[] {
  const rows = profiles.map((name, i) => ({ name, y: 16 + i * 18, ...seriesStyle(name) }));
  const px = (field: string) => ({ field, type: 'quantitative', scale: null });
  const width = 60 + 7 * Math.max(...profiles.map((p) => p.length));
  return [
    { name: 'legend_box', data: { values: [{ x: 6, x2: width, y: 5, y2: 10 + rows.length * 18 }] }, mark: { type: 'rect', fill: 'white', opacity: 0.85, stroke: '#ddd' }, encoding: { x: px('x'), x2: { field: 'x2' }, y: px('y'), y2: { field: 'y2' } } },
    { name: 'legend_lines', data: { values: rows.map((r) => ({ ...r, x: 12, x2: 40 })) }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { x: px('x'), x2: { field: 'x2' }, y: px('y'), color: { field: 'color', type: 'nominal', scale: null }, strokeDash: { field: 'dash', type: 'nominal', scale: null } } },
    { name: 'legend_points', data: { values: rows.map((r) => ({ ...r, x: 26 })) }, mark: { type: 'point', filled: true, size: 60 }, encoding: { x: px('x'), y: px('y'), color: { field: 'color', type: 'nominal', scale: null }, shape: { field: 'shape', type: 'nominal', scale: null } } },
    { name: 'legend_labels', data: { values: rows.map((r) => ({ ...r, x: 46 })) }, mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 11 }, encoding: { x: px('x'), y: px('y'), text: { field: 'name' } } },
  ];
}

/** Lines with markers per kernel, as two layers named `<name>_lines` and `<name>_points` (for the browser test; unique in a plot). */
function seriesLayers(name: string, r: GridReport, y: object, tooltip: object[]) {
  const s = seriesScales(r.profiles);
  const x = xEncoding(r);
  return [
    { name: `${name}_lines`, mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y, color: s.color, strokeDash: s.strokeDash } },
    { name: `${name}_points`, mark: { type: 'point', filled: true, size: 70 }, encoding: { x, y, color: s.color, shape: s.shape, tooltip } },
  ];
}

/** Gain of each point over the first profile's at the same x, %. */
function gainPct(r: GridReport, x: number | string, profile: string, iops: number): number | null {
  const base = r.points.find((p) => p.x === x && p.profile === r.profiles[0]);
  if (base === undefined || profile === r.profiles[0] || base.iops <= 0) return null;
  return ((iops - base.iops) / base.iops) * 100;
}

/** IOPS against x, one line per kernel, published points overlaid, gains annotated. */
export function iopsSpec(r: GridReport, size = { width: 460, height: 300 }): Spec {
  const values: Row[] = r.points.map((p) => {
    const g = gainPct(r, p.x, p.profile, p.iops);
    return { x: p.x, profile: p.profile, kiops: p.iops / 1000, gain: g === null ? '' : `${g >= 0 ? '+' : ''}${g.toFixed(1)}%` };
  });
  const y = { field: 'kiops', type: 'quantitative', title: 'KIOPS' };
  const tooltip = [{ field: 'profile' }, { field: 'x', title: r.xTitle }, { field: 'kiops', format: '.1f', title: 'KIOPS' }];
  const s = seriesScales(r.profiles);
  const layers: object[] = [
    ...seriesLayers('iops', r, y, tooltip),
    {
      name: 'gain',
      transform: [{ filter: "datum.gain != ''" }],
      mark: { type: 'text', align: 'left', dx: 10, dy: -10, fontSize: 11, fontWeight: 'bold' },
      encoding: { x: xEncoding(r), y, text: { field: 'gain' }, color: s.color },
    },
  ];
  if (r.published.length > 0) {
    layers.push({
      name: 'published',
      data: { values: r.published.map((p) => ({ x: p.x, profile: p.profile, kiops: p.iops / 1000, source: `published (${p.source})` })) },
      mark: { type: 'point', shape: 'cross', size: 160, strokeWidth: 2.5, filled: false },
      encoding: { x: xEncoding(r), y, color: s.color, tooltip: [{ field: 'source' }, { field: 'profile' }, { field: 'kiops', title: 'KIOPS' }] },
    });
  }
  return { ...BASE, ...size, title: r.published.length > 0 ? 'IOPS (✕: published measurements)' : 'IOPS', data: { values }, layer: [...layers, ...legendLayers(r.profiles)] } as Spec;
}

/** clat p50 or p99 against x; in the page a radio button switches the percentile. */
export function clatSpec(r: GridReport, interactive: boolean, size = { width: 460, height: 300 }): Spec {
  const values: Row[] = r.points.flatMap((p) => [
    { x: p.x, profile: p.profile, pct: 'p50', us: p.clat_ns.p50 / 1000 },
    { x: p.x, profile: p.profile, pct: 'p99', us: p.clat_ns.p99 / 1000 },
  ]);
  const y = { field: 'us', type: 'quantitative', title: 'completion latency (µs)' };
  const tooltip = [{ field: 'profile' }, { field: 'x', title: r.xTitle }, { field: 'pct', title: 'percentile' }, { field: 'us', format: '.1f', title: 'µs' }];
  const toggle = { params: [{ name: 'pct', value: 'p99', bind: { input: 'radio', options: ['p50', 'p99'], name: 'percentile ' } }], transform: [{ filter: 'datum.pct == pct' }] };
  return {
    ...BASE,
    ...size,
    title: interactive ? 'completion latency' : 'p99 completion latency',
    data: { values },
    ...(interactive ? toggle : { transform: [{ filter: "datum.pct == 'p99'" }] }),
    layer: [...seriesLayers('clat', r, y, tooltip), ...legendLayers(r.profiles)],
  } as Spec;
}

/** A bar label: kernel and x. */
const barLabel = (r: GridReport, profile: string, x: number | string): string => `${profile} @ ${r.xNumeric ? `${r.xTitle === 'queue depth' ? 'QD' : `${r.xTitle}=`}${x}` : x}`;

/** Horizontal stacked bars, one per kernel and x, of `parts` (fixed colours), named `name`. */
function stackedBars(r: GridReport, name: string, title: string, xTitle: string, parts: readonly string[], colors: Readonly<Record<string, string>>, value: (p: GridReport['points'][number]) => Readonly<Record<string, number>> | undefined, format: { readonly tooltip: string; readonly axis: string }): Spec {
  const bars = r.points.map((p) => barLabel(r, p.profile, p.x));
  const values: Row[] = r.points.flatMap((p) => {
    const v = value(p) ?? {};
    return parts.flatMap((part, i) => ((v[part] ?? 0) > 0 ? [{ bar: barLabel(r, p.profile, p.x), part, order: i, v: v[part] ?? 0 }] : []));
  });
  const present = parts.filter((part) => values.some((row) => row.part === part));
  return {
    ...BASE,
    width: 560,
    height: { step: 22 },
    title,
    name,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'bar', type: 'nominal', title: null, sort: bars },
      x: { field: 'v', type: 'quantitative', title: xTitle, stack: 'zero', axis: { format: format.axis } },
      color: { field: 'part', type: 'nominal', title: null, scale: { domain: present, range: present.map((s) => colors[s] ?? '#888') }, legend: { orient: 'bottom', columns: 6 } },
      order: { field: 'order' },
      tooltip: [{ field: 'bar', title: 'point' }, { field: 'part' }, { field: 'v', format: format.tooltip }],
    },
  } as Spec;
}

/** "Where the microseconds go": CPU time per I/O by stage, per kernel and x. */
export function stagesSpec(r: GridReport, stages: readonly string[]): Spec {
  return stackedBars(r, 'stages', 'where the microseconds go: CPU time per I/O by stage', 'CPU time per I/O (ns, every CPU)', stages, STAGE_COLORS, (p) => p.cpu_ns_per_io, { tooltip: '.1f', axis: '~s' });
}

/** The share of dio completions per context, per kernel and x. */
export function completionsSpec(r: GridReport, classes: readonly string[]): Spec {
  return stackedBars(r, 'completions', 'where completions run: share of dio completions per context', 'share of completions', classes, CONTEXT_COLORS, (p) => p.completions, { tooltip: '.1%', axis: '.0%' });
}

/** fio histogram buckets `[ns, count]` as CDF rows: `{ us, share }` with share the fraction of I/Os at or below. */
export function cdfRows(bins: readonly (readonly [number, number])[]): { us: number; share: number }[] {
  const total = bins.reduce((a, [, c]) => a + c, 0);
  let seen = 0;
  return bins.map(([ns, c]) => {
    seen += c;
    return { us: ns / 1000, share: total > 0 ? seen / total : 0 };
  });
}

/** The clat distribution per kernel at one x, chosen in the page with a drop-down. */
export function histSpec(r: GridReport): Spec {
  const xs = gridXs(r);
  const values: Row[] = r.points.flatMap((p) => cdfRows(p.clat_bins ?? []).map((row) => ({ x: p.x, profile: p.profile, ...row })));
  const s = seriesScales(r.profiles);
  const enc = { x: { field: 'us', type: 'quantitative', title: 'completion latency (µs, log)', scale: { type: 'log' } }, y: { field: 'share', type: 'quantitative', title: 'share of I/Os at or below', axis: { format: '.0%' } } };
  return {
    ...BASE,
    width: 560,
    height: 300,
    title: 'completion latency distribution (CDF of fio’s histogram buckets)',
    params: [{ name: 'at', value: xs.at(-1) ?? 0, bind: { input: 'select', options: xs, name: `${r.xTitle} ` } }],
    data: { values },
    transform: [{ filter: 'datum.x == at' }],
    layer: [
      { name: 'hist', mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 }, encoding: { ...enc, color: s.color, strokeDash: s.strokeDash } },
      { name: 'histpoints', mark: { type: 'point', size: 12, filled: true, opacity: 0.6 }, encoding: { ...enc, color: s.color, shape: s.shape, tooltip: [{ field: 'profile' }, { field: 'us', format: '.2f', title: 'µs' }, { field: 'share', format: '.2%' }] } },
      ...legendLayers(r.profiles),
    ],
  } as Spec;
}

/** `--plot`: IOPS and p99 clat side by side under one title naming the workload. */
export function plotSpec(r: GridReport, title: string): Spec {
  const panel = { width: 420, height: 280 };
  const strip = (s: Spec): object => {
    const { $schema: _s, config: _c, ...rest } = s as unknown as Record<string, unknown>;
    return rest;
  };
  return { ...BASE, title: { text: title, fontSize: 14, anchor: 'start' }, hconcat: [strip(iopsSpec(r, panel)), strip(clatSpec(r, false, panel))], resolve: { scale: { color: 'independent' } } } as Spec;
}
