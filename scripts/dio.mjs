#!/usr/bin/env node
// The dio CLI from source (`pnpm dio …` runs it through the `dio` bin of
// @dio/cli): its bundle from bundle-cache.mjs, rebuilt only when the sources change.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

process.argv.splice(2, 0, join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'cli', 'src', 'bin.ts'));
await import('./run-ts.mjs');
