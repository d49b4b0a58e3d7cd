// Bundle a TypeScript entry point from source into one ESM file with esbuild:
// @dio/* packages resolve to their src through the "@dio/source" export
// condition, so nothing needs building first. Shared by run-ts.mjs (`pnpm dio`,
// benches), the doc-snippets checker and the CLI's worker-thread tests.
import { build } from 'esbuild';

/** Bundle `entry` (a .ts path) to `outfile` (.mjs). */
export async function bundleFromSource(entry, outfile) {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    conditions: ['@dio/source'],
    packages: 'bundle',
    logLevel: 'error',
    // Bundled CommonJS dependencies may call require(): give the ESM bundle one. `__dioSourceEntry`
    // lets code find files of its own package (e.g. browser builds it inlines) from the bundle.
    banner: {
      js: `import { createRequire as __dioCreateRequire } from 'node:module'; const require = __dioCreateRequire(import.meta.url); globalThis.__dioSourceEntry = ${JSON.stringify(entry)};`,
    },
  });
}
