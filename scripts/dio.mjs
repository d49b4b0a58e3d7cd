#!/usr/bin/env node
// The dio CLI from source (`pnpm dio …` runs it through the `dio` bin of
// @dio/cli): its bundle from bundle-cache.mjs, rebuilt only when the sources change.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'cli', 'src', 'bin.ts');
process.argv.splice(2, 0, entry);
// the bundle runs from node_modules/.cache: this lets the CLI find its own dependencies' files (report assets)
globalThis.__dioSourceEntry = entry;
await import('./run-ts.mjs');
