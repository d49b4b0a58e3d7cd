#!/usr/bin/env node
// Runs a TypeScript entry point from source at full speed: bundles it with
// esbuild (resolving @dio/* packages to their src through the "@dio/source"
// export condition, so nothing needs building first) and imports the bundle.
// Usage: node scripts/run-ts.mjs <entry.ts> [args...]
import { bundleFromSource } from './bundle-source.mjs';
import { mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = resolve(process.argv[2] ?? '');
const out = join(root, 'node_modules', '.cache', 'dio', `${basename(entry, '.ts')}-${process.pid}.mjs`);
mkdirSync(dirname(out), { recursive: true });
await bundleFromSource(entry, out);
process.argv.splice(1, 2, out);
try {
  await import(pathToFileURL(out).href);
} finally {
  rmSync(out, { force: true });
}
