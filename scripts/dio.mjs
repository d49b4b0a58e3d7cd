#!/usr/bin/env node
// `pnpm dio …`: the dio CLI from source, bundled by run-ts.mjs (no build step).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

process.argv.splice(2, 0, join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'cli', 'src', 'bin.ts'));
await import('./run-ts.mjs');
