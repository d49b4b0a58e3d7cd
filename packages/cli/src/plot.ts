/**
 * `dio compare --plot out.svg`: IOPS and p99 completion latency against queue
 * depth, one line per profile, rendered headless with vega-lite.
 * @module
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { CompareCell } from './compare';

/** The vega-lite spec of a comparison. */
export function plotSpec(cells: readonly CompareCell[]): TopLevelSpec {
  const values = cells.map((c) => ({ qd: c.qd, profile: `${c.profile} (${c.policy})`, kiops: c.iops / 1000, p99us: c.clat_ns.p99 / 1000 }));
  const x = { field: 'qd', type: 'quantitative' as const, title: 'queue depth', scale: { type: 'log' as const, base: 2 } };
  const color = { field: 'profile', type: 'nominal' as const, title: 'kernel', legend: { labelLimit: 400 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values },
    hconcat: [
      { width: 320, height: 220, title: 'IOPS', mark: { type: 'line', point: true }, encoding: { x, y: { field: 'kiops', type: 'quantitative', title: 'KIOPS' }, color } },
      { width: 320, height: 220, title: 'p99 completion latency', mark: { type: 'line', point: true }, encoding: { x, y: { field: 'p99us', type: 'quantitative', title: 'clat p99 (µs)' }, color } },
    ],
  };
}

/** Render the comparison as an SVG document. */
export async function plotSvg(cells: readonly CompareCell[]): Promise<string> {
  const view = new View(parse(compile(plotSpec(cells)).spec), { renderer: 'none' });
  return view.toSVG();
}
