/**
 * A report as one self-contained HTML file: the data, the chart specs and
 * the vega / vega-lite / vega-embed browser builds inlined; a Content
 * Security Policy that allows no network at all. Opens from disk anywhere.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import { CONTEXT_CLASSES, UTIL_CLASSES } from '@dio/sim';
import { kiops } from '../compare';
import { STAGE_NAMES } from './accounting';
import { vegaBrowserScripts } from './assets';
import type { GridReport, Report, RunReport } from './model';
import { clatSpec, completionsSpec, gridXs, histSpec, iopsSpec, stagesSpec } from './specs';
import { cpuSpec, depthSpec, runHistSpec, runSeries } from './run-specs';

/** One section of the page: a heading, a paragraph, and a chart or some HTML. */
interface Section {
  readonly id: string;
  readonly title: string;
  readonly note: string;
  readonly spec?: TopLevelSpec;
  readonly html?: string;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Text safe inside a <script> element. */
const scriptSafe = (s: string): string => s.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
const us = (ns: number): string => `${(ns / 1000).toFixed(1)}`;
const pct = (d: number): string => `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`;

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** The results table: IOPS per kernel, gains over the first, published IOPS where known, p50/p99 clat. */
function gridTable(r: GridReport): string {
  const head = [r.xTitle, ...r.profiles.map((p) => `IOPS ${p}`), ...r.profiles.slice(1).map((p) => `gain ${p}`)];
  if (r.published.length > 0) head.push(...r.profiles.filter((p) => r.published.some((q) => q.profile === p)).map((p) => `published ${p}`));
  head.push(...r.profiles.flatMap((p) => [`p50 µs ${p}`, `p99 µs ${p}`]));
  const rows = gridXs(r).map((x) => {
    const at = r.profiles.map((p) => r.points.find((q) => q.x === x && q.profile === p));
    const base = at[0]?.iops ?? 0;
    const row = [String(x), ...at.map((c) => (c ? kiops(c.iops) : '-')), ...at.slice(1).map((c) => (c && base > 0 ? pct(((c.iops - base) / base) * 100) : '-'))];
    if (r.published.length > 0) {
      for (const p of r.profiles.filter((p) => r.published.some((q) => q.profile === p))) {
        const q = r.published.find((v) => v.x === x && v.profile === p);
        row.push(q ? `${kiops(q.iops)} (${q.source})` : '');
      }
    }
    row.push(...at.flatMap((c) => (c ? [us(c.clat_ns.p50), us(c.clat_ns.p99)] : ['-', '-'])));
    return row;
  });
  return table(head, rows);
}

function gridSections(r: GridReport): Section[] {
  const s: Section[] = [
    { id: 'table', title: 'Results', note: r.published.length > 0 ? 'Simulated IOPS per kernel, the gain over the first, and the series’ published measurements where the job is the series’ job.' : 'Simulated IOPS per kernel and the gain over the first.', html: gridTable(r) },
    { id: 'iops', title: 'IOPS', note: 'One colour, dash and marker per kernel, the same in every report. Labels: gain over the first kernel.', spec: iopsSpec(r) },
    { id: 'clat', title: 'Completion latency', note: 'Switch between p50 and p99 below the chart.', spec: clatSpec(r, true) },
  ];
  if (r.points.some((p) => p.cpu_ns_per_io !== undefined)) {
    s.push({ id: 'stages', title: 'Where the microseconds go', note: 'CPU time per I/O on every CPU, by stage of the path, from the simulation’s own accounting of each named cost. The workqueue hop is queue_work + work item + context switch (at depth fio never sleeps, so every switch is the hop’s).', spec: stagesSpec(r, STAGE_NAMES) });
  }
  if (r.points.some((p) => p.completions !== undefined)) {
    s.push({ id: 'completions', title: 'Where completions run', note: 'Share of iomap dio completions run in hardirq, softirq, a kworker, or the issuer (io_uring task_work, or the syscall itself for sync engines).', spec: completionsSpec(r, CONTEXT_CLASSES) });
  }
  if (r.points.some((p) => (p.clat_bins?.length ?? 0) > 0)) {
    s.push({ id: 'hist', title: 'Latency distribution', note: `Per kernel at the ${r.xTitle} chosen below the chart.`, spec: histSpec(r) });
  }
  return s;
}

/** fio's report numbers per job and direction. */
function runTable(r: RunReport): string {
  const head = ['job', 'dir', 'IOPS', 'BW (KiB/s)', 'I/Os', 'slat mean µs', 'clat mean µs', 'clat p50 µs', 'clat p99 µs', 'clat p99.9 µs', 'usr %', 'sys %', 'ctx'];
  const p = (lat: { percentile?: Record<string, number> | undefined }, k: string): string => {
    const v = lat.percentile?.[k];
    return v === undefined ? '-' : us(v);
  };
  const rows = runSeries(r.fio).map(({ job, ddir }) => {
    const d = job[ddir];
    return [job.jobname, ddir, kiops(d.iops), String(d.bw), String(d.total_ios), us(d.slat_ns.mean), us(d.clat_ns.mean), p(d.clat_ns, '50.000000'), p(d.clat_ns, '99.000000'), p(d.clat_ns, '99.900000'), job.usr_cpu.toFixed(1), job.sys_cpu.toFixed(1), String(job.ctx)];
  });
  return table(head, rows);
}

function runSections(r: RunReport): Section[] {
  const s: Section[] = [{ id: 'table', title: 'fio’s numbers', note: `${r.fio['fio version']} output format, per job and direction.`, html: runTable(r) }];
  const hist = runHistSpec(r.fio);
  if (hist !== null) s.push({ id: 'hist', title: 'Latency histograms', note: 'fio’s clat histogram (json+ bins) per job and direction.', spec: hist });
  if (r.cpu !== null) s.push({ id: 'cpu', title: 'CPU utilisation over time', note: `Each busy CPU’s time by context (${UTIL_CLASSES.join(', ')}), from the engine’s CPU accounting in windows; no trace needed.`, spec: cpuSpec(r.cpu) });
  s.push({ id: 'depth', title: 'I/O depth', note: 'fio’s iodepth distribution: the share of I/Os issued with this many in flight.', spec: depthSpec(r.fio) });
  return s;
}

function provenanceHtml(r: Report): string {
  const p = r.provenance;
  if (p === null) return '<p>No provenance: the JSON was saved without it (fio’s own JSON, or an older dio).</p>';
  const rows: [string, string][] = [
    ['dio version', p.dio_version],
    ['command', p.command],
    ['workload', p.workload],
    ['seed', String(p.seed)],
    ['machine', p.machine],
  ];
  const profiles = p.profiles.map((q) => `<details><summary>profile ${esc(q.name)}</summary><pre>${esc(q.json)}</pre></details>`).join('');
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(v)}</code></td></tr>`).join('')}</table>${profiles}`;
}

const CSS = `body{font:14px/1.45 "DejaVu Sans",Helvetica,Arial,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 4px;border-bottom:1px solid #ddd;padding-bottom:3px}
.sub{color:#555;margin:0 0 12px}.note{color:#555;margin:2px 0 8px;font-size:13px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f4f4f4}table.kv th,table.kv td{text-align:left}pre{background:#f7f7f7;padding:8px;overflow:auto;font-size:12px}
.vega-bind{margin:4px 0;font-size:13px}.vega-bind-name{font-weight:bold}`;

/** The page's script: render every chart as SVG; `window.dioRendered` resolves when all are drawn. */
const LOADER = `const specs = JSON.parse(document.getElementById('dio-specs').textContent);
window.dioRendered = Promise.all(Object.entries(specs).map(([id, spec]) => vegaEmbed('#chart-' + id, spec, { renderer: 'svg', actions: false })))
  .then(() => { document.body.dataset.rendered = 'yes'; return true; })
  .catch((e) => { console.error('dio report: ' + e); throw e; });`;

/** The report as one HTML document. */
export function reportHtml(r: Report): string {
  const sections = r.kind === 'run' ? runSections(r) : gridSections(r);
  const specs = Object.fromEntries(sections.filter((s) => s.spec !== undefined).map((s) => [s.id, s.spec]));
  const what = r.kind === 'run' ? `dio run: ${r.fio.jobs.map((j) => j.jobname).join(', ')}` : `dio ${r.kind}: ${r.profiles.join(' vs ')}`;
  const sub = r.provenance?.workload ?? (r.kind === 'run' ? 'from saved fio JSON' : `seed ${r.seed}, from saved JSON`);
  const body = sections.map((s) => `<section id="${s.id}"><h2>${esc(s.title)}</h2><p class="note">${esc(s.note)}</p>${s.html ?? `<div class="chart" id="chart-${s.id}"></div>`}</section>`).join('\n');
  const libs = vegaBrowserScripts()
    .map((js) => `<script>${scriptSafe(js)}</script>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(what)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(what)}</h1><p class="sub">${esc(sub)}</p>
${body}
<section id="provenance"><h2>Provenance</h2>${provenanceHtml(r)}</section>
${libs}
<script type="application/json" id="dio-specs">${JSON.stringify(specs).replace(/</g, '\\u003c')}</script>
<script>${LOADER}</script>
</body></html>
`;
}
