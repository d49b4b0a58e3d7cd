// A bundle of a TypeScript entry point kept in node_modules/.cache/dio/ and
// rebuilt only when its sources change: `pnpm dio` and the benches start from
// it without running esbuild (~0.4 s saved per start).
//
// The key is a hash of the entry's inputs as esbuild last found them (the
// contents of the workspace's files, the paths of the node_modules ones,
// which name their versions) and of the workspace's package.json files. An
// edit that adds an import changes the importing file, so its hash, so the
// bundle is rebuilt and the new input list recorded. A build goes to a
// temporary directory renamed into place when complete, removed on Ctrl-C;
// bundles of the same entry unused for a day are removed.
import { build, version as esbuildVersion } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE_OPTIONS } from './bundle-source.mjs';
import { PLAIN_FIRST_KEY } from './plain-first-plugin.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, 'node_modules', '.cache', 'dio');
/** The dio CLI's entry point from source (`scripts/dio.mjs` runs it; `pnpm install` builds its bundle, warm-bundle.mjs). */
export const cliEntry = join(root, 'packages', 'cli', 'src', 'bin.ts');
const DAY_MS = 24 * 3600 * 1000;

/** The workspace's package.json files (their "exports" decide what resolves where). */
function manifests() {
  const out = [join(root, 'package.json')];
  for (const group of ['packages', 'examples']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const d of readdirSync(dir)) {
      const p = join(dir, d, 'package.json');
      if (existsSync(p)) out.push(p);
    }
  }
  return out;
}

/** Hash of `inputs` (paths relative to the root): contents, or the path alone under node_modules. */
function hashInputs(entry, inputs) {
  const h = createHash('sha256');
  h.update(`esbuild ${esbuildVersion}\0${JSON.stringify(BUNDLE_OPTIONS)}\0${entry}\0`);
  // the plain-first transform is part of the build
  h.update(`${PLAIN_FIRST_KEY}\0`);
  for (const f of ['plain-first-plugin.mjs', 'plain-first.mjs']) h.update(readFileSync(join(root, 'scripts', f)));
  for (const p of [...inputs].sort()) {
    h.update(`${p}\0`);
    // a source deleted since the last build changes the hash (a rebuild), it does not crash
    if (!p.includes('node_modules/')) h.update(existsSync(join(root, p)) ? readFileSync(join(root, p)) : '\0missing\0');
  }
  for (const p of manifests()) h.update(readFileSync(p));
  return h.digest('hex').slice(0, 16);
}

/** The inputs recorded at the last build of `name`, or null. */
function recordedInputs(name) {
  try {
    return JSON.parse(readFileSync(join(cacheDir, `${name}.inputs.json`), 'utf8'));
  } catch {
    return null;
  }
}

/** Remove `name`'s bundles other than `keep` that were not used for a day. */
function pruneOld(name, keep) {
  const now = Date.now();
  for (const d of readdirSync(cacheDir)) {
    if (!d.startsWith(`${name}-`) || d === keep || d.endsWith('.tmp')) continue;
    const p = join(cacheDir, d);
    if (now - statSync(p).mtimeMs > DAY_MS) rmSync(p, { recursive: true, force: true });
  }
}

/**
 * The path of an up-to-date bundle of `entry` (an absolute .ts path), built
 * now if its sources changed since the last build. The bundle is split:
 * code loaded only through `import()` (the SVG plotter) is a chunk of its own.
 */
export async function cachedBundle(entry) {
  const rel = entry.slice(root.length + 1);
  const name = `${basename(dirname(dirname(entry)))}-${basename(entry, '.ts')}`;
  const last = recordedInputs(name);
  if (last !== null) {
    const dir = `${name}-${hashInputs(rel, last)}`;
    const out = join(cacheDir, dir, `${basename(entry, '.ts')}.mjs`);
    if (existsSync(out)) {
      const t = new Date();
      utimesSync(join(cacheDir, dir), t, t); // in use: not pruned
      return out;
    }
  }
  mkdirSync(cacheDir, { recursive: true });
  const tmp = join(cacheDir, `${name}-${process.pid}.tmp`);
  const clean = () => rmSync(tmp, { recursive: true, force: true });
  const onSignal = (sig) => {
    clean();
    process.kill(process.pid, sig);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const r = await build({ ...BUNDLE_OPTIONS, absWorkingDir: root, entryPoints: [entry], outdir: tmp, splitting: true, metafile: true, entryNames: '[name]', chunkNames: 'chunks/[name]-[hash]', outExtension: { '.js': '.mjs' } });
    const inputs = Object.keys(r.metafile.inputs);
    const dir = `${name}-${hashInputs(rel, inputs)}`;
    const final = join(cacheDir, dir);
    if (existsSync(final)) clean(); // another process built the same sources meanwhile
    else renameSync(tmp, final);
    writeFileSync(`${tmp}.inputs`, JSON.stringify(inputs));
    renameSync(`${tmp}.inputs`, join(cacheDir, `${name}.inputs.json`));
    pruneOld(name, dir);
    return join(final, `${basename(entry, '.ts')}.mjs`);
  } finally {
    clean();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
