/**
 * Files the CLI reads from its own dependencies at run time: the browser
 * builds of vega, vega-lite and vega-embed (inlined into reports) and the
 * resvg renderer (a native module, loaded only for `--plot out.png`).
 * @module
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A require() resolving from this package: from the source or the build, or,
 * when `pnpm dio` runs a bundle from elsewhere, from the entry point it was
 * bundled from (scripts/dio.mjs records it).
 */
function cliRequire(): NodeJS.Require {
  const entry = (globalThis as { __dioSourceEntry?: string }).__dioSourceEntry;
  return createRequire(entry ?? fileURLToPath(import.meta.url));
}

/** The directory of dependency `name` (its exports may not expose the file wanted). */
function packageDir(req: NodeJS.Require, name: string): string {
  const main = req.resolve(name);
  const mark = `${sep}node_modules${sep}${name}${sep}`;
  const i = main.lastIndexOf(mark);
  if (i < 0) throw new Error(`cannot locate the ${name} package (resolved ${main})`);
  return main.slice(0, i + mark.length);
}

/** The minified browser builds of vega, vega-lite and vega-embed, in load order. */
export function vegaBrowserScripts(): string[] {
  const req = cliRequire();
  return ['vega', 'vega-lite', 'vega-embed'].map((name) => readFileSync(join(packageDir(req, name), 'build', `${name}.min.js`), 'utf8'));
}

/** The subset of @resvg/resvg-js that `--plot out.png` uses. */
interface ResvgModule {
  Resvg: new (svg: string, opts: { fitTo: { mode: 'zoom'; value: number }; background: string; font: { loadSystemFonts: boolean; defaultFontFamily: string } }) => { render(): { asPng(): Buffer } };
}

/** Render an SVG document to PNG at `zoom`× with resvg (in-process, no browser). */
export function svgToPng(svg: string, zoom = 2): Buffer {
  const { Resvg } = cliRequire()('@resvg/resvg-js') as ResvgModule;
  return new Resvg(svg, { fitTo: { mode: 'zoom', value: zoom }, background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
}
