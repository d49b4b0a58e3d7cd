// esbuild plugin: plain-first calls (plain-first.mjs) in the workspace's
// kernel packages, for every bundle (bundle-source.mjs, bundle-cache.mjs)
// and each package's dist (tsup.shared.ts). @dio/sim's own files import the
// runtime from its src; the others from @dio/sim.
import { readFile } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';

/** The files transformed: a package's src/, not its tests. */
const SOURCE = /[\\/]packages[\\/][^\\/]+[\\/]src[\\/].*\.ts$/;
const SKIP = /\.(test|spec|d)\.ts$/;

/** Whether builds make the twins: yes, unless DIO_PLAIN_FIRST=0 (to measure or compare a build without them). */
const PLAIN_FIRST = process.env.DIO_PLAIN_FIRST !== '0';
/** DIO_PLAIN_FIRST_ONLY=<regex>: the step on matching files only (to bisect a transform bug by package, then file). */
const ONLY = process.env.DIO_PLAIN_FIRST_ONLY ? new RegExp(process.env.DIO_PLAIN_FIRST_ONLY) : null;

/** What a cached bundle's key must hold of the step's settings. */
export const PLAIN_FIRST_KEY = `plain-first ${PLAIN_FIRST} ${ONLY?.source ?? ''}`;

/** Where `path` imports the runtime from. */
function runtimeFor(path) {
  const m = /^(.*[\\/]packages[\\/]sim[\\/]src)[\\/]/.exec(path);
  if (m === null) return '@dio/sim';
  const rel = relative(dirname(path), `${m[1]}${sep}plain-first`).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** The esbuild plugin. */
export function plainFirstPlugin() {
  return {
    name: 'dio-plain-first',
    setup(build) {
      let transform = null; // loaded on the first file: a cached bundle's start never loads typescript
      build.onLoad({ filter: SOURCE }, async (args) => {
        if (!PLAIN_FIRST || SKIP.test(args.path) || (ONLY !== null && !ONLY.test(args.path))) return undefined;
        transform ??= (await import('./plain-first.mjs')).transformPlainFirst;
        const text = await readFile(args.path, 'utf8');
        const out = transform(text, args.path, runtimeFor(args.path));
        return out === null ? undefined : { contents: out, loader: 'ts' };
      });
    },
  };
}
