#!/usr/bin/env node
// Runs the dio CLI from source: bundles packages/cli/src/bin.ts with esbuild
// (source export condition, so no package build is needed) and runs it.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'node_modules', '.cache', 'dio', 'dio.mjs');
mkdirSync(dirname(out), { recursive: true });
await build({
  entryPoints: [join(root, 'packages', 'cli', 'src', 'bin.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: out,
  conditions: ['@dio/source'],
  logLevel: 'error',
  banner: { js: "import { createRequire as __dioCreateRequire } from 'node:module'; const require = __dioCreateRequire(import.meta.url);" },
});
await import(pathToFileURL(out).href);
