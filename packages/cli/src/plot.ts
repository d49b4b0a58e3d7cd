/**
 * `--plot out.svg|out.png`: IOPS and p99 completion latency against queue
 * depth (or the swept option), one line per kernel in its fixed colour, dash
 * and marker, titled with the workload — the report's own chart specs,
 * rendered headless by vega (SVG) and resvg (PNG), no browser.
 * @module
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { UserFs } from './user-fs';
import { svgToPng } from './report/assets';
import type { GridReport } from './report/model';
import { plotSpec } from './report/specs';

/** Render a vega-lite spec to an SVG document. */
export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

/** The plot of a report as an SVG document. */
export function plotSvg(r: GridReport, title: string): Promise<string> {
  return specToSvg(plotSpec(r, title));
}

/** Write the plot to `path`: PNG when it ends in .png, else SVG (as `--plot` always wrote). */
export async function writePlot(files: UserFs, path: string, r: GridReport, title: string): Promise<void> {
  const svg = await plotSvg(r, title);
  files.write(path, /\.png$/i.test(path) ? svgToPng(svg) : svg, 'plot');
}
