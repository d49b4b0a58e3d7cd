#!/usr/bin/env node
// Publish-readiness check: `pnpm pack` every @dio/* package (after `pnpm build`),
// install the tarballs into a temporary project outside the workspace with npm,
// and run a small stack assembled from single packages.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'dio-consumer-'));
const deps = {};
for (const name of readdirSync(join(root, 'packages'))) {
  const pkgDir = join(root, 'packages', name);
  const out = execFileSync('pnpm', ['pack', '--pack-destination', dir], { cwd: pkgDir, encoding: 'utf8' }).trim().split('\n').pop();
  deps[`@dio/${name}`] = `file:${out}`;
}
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'dio-consumer', private: true, type: 'module', dependencies: deps, overrides: deps }, null, 2));
execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
writeFileSync(
  join(dir, 'stack.mjs'),
  `import { Simulator } from '@dio/sim';
import { NullBlk } from '@dio/blockdev';
import { DioFs, pwrite } from '@dio/fs';
import { iomapFileOperations, InlinePolicy } from '@dio/iomap';
import { IovIter, O_DIRECT, O_RDWR } from '@dio/kiocb';
import { PROFILES } from '@dio/fio';
const sim = new Simulator({ seed: 1, cpus: 2 });
const fs = new DioFs(sim, new NullBlk(sim, { gb: 1 }), { fops: iomapFileOperations(new InlinePolicy()) });
fs.create('/f', 1 << 20, 'written');
const f = fs.open('/f', O_RDWR | O_DIRECT);
let res = 0;
sim.spawn('app', function* () { res = yield* pwrite(f, IovIter.ubuf(new Uint8Array(4096).fill(7), 4096), 0); });
sim.run();
if (res !== 4096 || !PROFILES['linux-6.19']) { console.error('consumer stack failed', res); process.exit(1); }
console.log('consumer stack OK: pwrite returned', res, 'at', sim.now, 'ns');
`,
);
execFileSync('node', ['stack.mjs'], { cwd: dir, stdio: 'inherit' });
