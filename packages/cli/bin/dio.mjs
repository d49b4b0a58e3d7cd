#!/usr/bin/env node
// The `dio` command. In the repository it runs the CLI from source
// (scripts/dio.mjs: a bundle cached until the sources change, no build step);
// installed from the registry, the built dist/bin.js.
import { existsSync } from 'node:fs';

const fromSource = new URL('../../../scripts/dio.mjs', import.meta.url);
if (existsSync(new URL('../src/bin.ts', import.meta.url)) && existsSync(fromSource)) await import(fromSource.href);
else await import('../dist/bin.js');
