// Bundle a TypeScript entry point from source into one ESM file with esbuild:
// @dio/* packages resolve to their src through the "@dio/source" export
// condition, so nothing needs building first. Shared by bundle-cache.mjs
// (`pnpm dio`, benches), the doc-snippets checker and the CLI's worker-thread tests.
import { build } from 'esbuild';
import { plainFirstPlugin } from './plain-first-plugin.mjs';

/** The esbuild options every bundle of the workspace's sources uses. */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@dio/source'],
  packages: 'bundle',
  logLevel: 'error',
  // the plain-first twins (plain-first.mjs): in every bundle of the sources
  plugins: [plainFirstPlugin()],
  // Bundled CommonJS dependencies may call require(): give the ESM bundle one.
  banner: { js: "import { createRequire as __dioCreateRequire } from 'node:module'; const require = __dioCreateRequire(import.meta.url);" },
};

/** Bundle `entry` (a .ts path) to `outfile` (.mjs). */
export async function bundleFromSource(entry, outfile) {
  await build({ ...BUNDLE_OPTIONS, entryPoints: [entry], outfile });
}
