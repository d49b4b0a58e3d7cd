#!/usr/bin/env node
// The dio CLI from source (`pnpm dio …` runs it through the `dio` bin of
// @dio/cli): its bundle from bundle-cache.mjs, rebuilt only when the sources change.
import { cliEntry } from './bundle-cache.mjs';

process.argv.splice(2, 0, cliEntry);
// the bundle runs from node_modules/.cache: this lets the CLI find its own dependencies' files (report assets)
globalThis.__dioSourceEntry = cliEntry;
await import('./run-ts.mjs');
