#!/usr/bin/env node
// Runs a TypeScript entry point from source at full speed: imports its bundle
// (bundle-cache.mjs: built by esbuild, with @dio/* packages resolved to their
// src through the "@dio/source" export condition, and rebuilt only when the
// sources change), so nothing needs building first.
// Usage: node scripts/run-ts.mjs <entry.ts> [args...]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cachedBundle } from './bundle-cache.mjs';

const out = await cachedBundle(resolve(process.argv[2] ?? ''));
process.argv.splice(1, 2, out);
await import(pathToFileURL(out).href);
