#!/usr/bin/env node
// Publish-readiness check: build every @dio/* package, `pnpm pack` each one,
// install the tarballs with npm into a temporary project outside the
// workspace (no workspace links, no "@dio/source" condition: only what is
// published), type-check a small TypeScript consumer against the published
// .d.ts files, and run stacks assembled from single packages.
// Usage: node scripts/consumer-test.mjs [--keep] [--no-build]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
if (!process.argv.includes('--no-build')) execFileSync('pnpm', ['build'], { cwd: root, stdio: 'inherit' });

const dir = mkdtempSync(join(tmpdir(), 'dio-consumer-'));
const step = (s) => console.log(`consumer-test: ${s}`);
try {
  const deps = {};
  for (const name of readdirSync(join(root, 'packages')).sort()) {
    const pkgDir = join(root, 'packages', name);
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    if (!existsSync(join(pkgDir, 'dist', 'index.js'))) throw new Error(`${pkg.name}: dist/index.js missing (build failed?)`);
    const out = execFileSync('pnpm', ['pack', '--pack-destination', dir], { cwd: pkgDir, encoding: 'utf8' }).trim().split('\n').pop();
    deps[pkg.name] = `file:${out}`;
  }
  step(`packed ${Object.keys(deps).length} packages into ${dir}`);

  // `overrides` makes the tarballs' own @dio/* dependencies resolve to the tarballs too, not to the registry.
  const tsVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'typescript', 'package.json'), 'utf8')).version;
  const nodeTypes = JSON.parse(readFileSync(join(root, 'node_modules', '@types', 'node', 'package.json'), 'utf8')).version;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'dio-consumer', private: true, type: 'module', dependencies: deps, devDependencies: { typescript: tsVersion, '@types/node': nodeTypes }, overrides: deps }, null, 2),
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'], { cwd: dir, stdio: 'inherit' });

  for (const [name] of Object.entries(deps)) {
    const files = readdirSync(join(dir, 'node_modules', name));
    if (files.includes('src')) throw new Error(`${name}: the tarball ships src/`);
    for (const f of ['package.json', 'README.md', 'dist']) if (!files.includes(f)) throw new Error(`${name}: the tarball lacks ${f}`);
  }
  step('every tarball has package.json, README.md and dist/, and no src/');

  // 1. A stack from single packages, written in strict TypeScript against the published types.
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, noEmit: true, types: ['node'], skipLibCheck: false }, include: ['stack.ts'] }, null, 2),
  );
  writeFileSync(
    join(dir, 'stack.ts'),
    `import { NullBlk } from '@dio/blockdev';
import { DioFs, pwrite } from '@dio/fs';
import { InlinePolicy, iomapFileOperations, WorkqueuePolicy, type CompletionPolicy } from '@dio/iomap';
import { cqeSeen, getSqe, prepWrite, queueInitParams, submitAndWait, waitCqe } from '@dio/io-uring';
import { ioGetevents, ioPrepPwrite, ioSetup, ioSubmit } from '@dio/aio';
import { FdTable, IovIter, O_DIRECT, O_RDWR } from '@dio/kiocb';
import { type KGen, Simulator } from '@dio/sim';
import { SingleThreadWorkqueue } from '@dio/workqueue';

export function run(policy: CompletionPolicy): { sync: number; uring: number; aio: number; completedIn: string[]; now: number } {
  const sim = new Simulator({ seed: 1, cpus: 2 });
  const fs = new DioFs(sim, new NullBlk(sim, { gb: 1, irqmode: 'hardirq' }), {
    fops: iomapFileOperations(policy),
    dioWq: (s, name) => new SingleThreadWorkqueue(s, name, { cpu: 1 }),
  });
  fs.create('/f', 1 << 20, 'written');
  const f = fs.open('/f', O_RDWR | O_DIRECT);
  if (typeof f === 'number') throw new Error('open: ' + f);
  const files = new FdTable();
  const fd = files.install(f);
  const out = { sync: 0, uring: 0, aio: 0, completedIn: [] as string[], now: 0 };
  sim.spawn('app', function* (): KGen<void> {
    out.sync = yield* pwrite(f, IovIter.ubuf(new Uint8Array(4096).fill(7), 4096), 0);
    const ring = yield* queueInitParams(4, { flags: 0 }, { files, kernel: { dioCallerComp: false } });
    if (typeof ring === 'number') throw new Error('io_uring_setup: ' + ring);
    const sqe = getSqe(ring);
    if (sqe === null) throw new Error('SQ full');
    prepWrite(sqe, fd, null, 4096, 4096);
    yield* submitAndWait(ring, 1);
    const cqe = yield* waitCqe(ring);
    if (typeof cqe === 'number') throw new Error('wait_cqe: ' + cqe);
    out.uring = cqe.res;
    cqeSeen(ring, cqe);
    const ctx = yield* ioSetup(4, files);
    if (typeof ctx === 'number') throw new Error('io_setup: ' + ctx);
    yield* ioSubmit(ctx, [ioPrepPwrite(fd, null, 4096, 8192)]);
    const ev = yield* ioGetevents(ctx, 1, 1, null);
    if (typeof ev === 'number') throw new Error('io_getevents: ' + ev);
    out.aio = ev[0]?.res ?? -1;
    out.completedIn = [...ctx.completedIn.keys()]; // contexts that completed events (a Map of counts)
  }, { cpusAllowed: [0] });
  sim.run();
  out.now = sim.now;
  return out;
}

const wq = run(new WorkqueuePolicy());
const inline = run(new InlinePolicy());
console.log('workqueue policy:', JSON.stringify(wq));
console.log('inline policy:   ', JSON.stringify(inline));
if (wq.sync !== 4096 || wq.uring !== 4096 || wq.aio !== 4096 || inline.aio !== 4096) throw new Error('a write did not complete');
if (wq.completedIn[0] !== 'task:dio/nullb0' || inline.completedIn[0] !== 'hardirq') throw new Error('completion contexts: ' + wq.completedIn + ' / ' + inline.completedIn);
`,
  );
  execFileSync(join(dir, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: dir, stdio: 'inherit' });
  step('strict TypeScript consumer type-checks against the published .d.ts files');
  // Run the type-checked consumer: strip its types with the compiler itself, then execute.
  execFileSync(join(dir, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--noEmit', 'false', '--outDir', 'out'], { cwd: dir, stdio: 'inherit' });
  execFileSync('node', ['out/stack.js'], { cwd: dir, stdio: 'inherit' });
  step('the stack (sync pwrite, io_uring, libaio; a custom workqueue; two policies) runs');

  // 2. The fio layer and the dio command from the tarballs.
  writeFileSync(
    join(dir, 'fio.mjs'),
    `import { LINUX_6_5, LINUX_6_6_RC1, parseFioArgs, runJobs } from '@dio/fio';
const { jobs } = parseFioArgs(['--name=w', '--filename=/f', '--size=64m', '--rw=randwrite', '--bs=4k', '--direct=1', '--ioengine=io_uring', '--iodepth=16', '--time_based=1', '--runtime=5ms', '--cpus_allowed=0']);
const iops = (p) => { const w = runJobs(jobs, p, { seed: 1 }).result.jobs[0].write; return w.totalIos / (w.runtimeNs / 1e9); };
const stock = iops(LINUX_6_5), patched = iops(LINUX_6_6_RC1);
console.log('fio QD16:', Math.round(stock), '->', Math.round(patched), 'IOPS');
if (!(patched > stock)) { console.error('patched should beat stock'); process.exit(1); }
`,
  );
  execFileSync('node', ['fio.mjs'], { cwd: dir, stdio: 'inherit' });
  const help = execFileSync(join(dir, 'node_modules', '.bin', 'dio'), ['--help'], { cwd: dir, encoding: 'utf8' });
  if (!/compare/.test(help)) throw new Error(`dio --help: ${help}`);
  step('@dio/fio runs a job; the installed `dio` bin starts');
  // the report inlines vega from the installed dependencies; the PNG plot loads resvg's prebuilt binary package
  execFileSync(join(dir, 'node_modules', '.bin', 'dio'), ['compare', '--qd', '1', '--ramp-time', '0', '--runtime', '2ms', '--quiet', '--jobs', '1', '--report', 'r.html', '--plot', 'p.png'], { cwd: dir, stdio: 'inherit' });
  if (!readFileSync(join(dir, 'r.html'), 'utf8').includes('vegaEmbed') || readFileSync(join(dir, 'p.png')).subarray(1, 4).toString() !== 'PNG') throw new Error('dio compare --report/--plot from the tarballs');
  step('the installed `dio` writes an HTML report and a PNG plot');
  console.log('consumer stack OK');
} finally {
  if (keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
