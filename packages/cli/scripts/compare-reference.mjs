#!/usr/bin/env node
// Writes test/fixtures/compare-reference.json: the default `dio compare` grid
// run for 1 s of measured time per point (after the default ramp), over
// several seeds — the steady state that test/compare-precision.test.ts holds
// the default runtime against. Takes a few minutes; rerun it when the model
// changes (the test says so when the default table moves off the reference).
// Usage: pnpm --filter @dio/cli compare:reference [--seeds 1,2,3,4,5]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dio = join(here, '..', '..', '..', 'scripts', 'dio.mjs');
const i = process.argv.indexOf('--seeds');
const seeds = (i > 0 ? (process.argv[i + 1] ?? '') : '1,2,3,4,5').split(',').map(Number);
const runtime = '1s';
const rampTime = '10ms';
const cells = [];
for (const seed of seeds) {
  const out = execFileSync(process.execPath, [dio, 'compare', '--runtime', runtime, '--ramp-time', rampTime, '--seed', String(seed), '--format', 'json', '--quiet'], { encoding: 'utf8' });
  for (const c of JSON.parse(out).results) cells.push({ seed, qd: c.qd, profile: c.profile, iops: c.iops });
  process.stderr.write(`seed ${seed} done\n`);
}
const file = join(here, '..', 'test', 'fixtures', 'compare-reference.json');
writeFileSync(file, `${JSON.stringify({ runtime, rampTime, cells }, null, 1)}\n`);
process.stderr.write(`wrote ${file}\n`);
