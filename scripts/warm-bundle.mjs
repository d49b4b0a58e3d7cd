#!/usr/bin/env node
// `pnpm install`'s last step (the root `postinstall`): builds the dio CLI's
// bundle (bundle-cache.mjs), so the first `pnpm dio …` on a fresh clone starts
// as fast as later ones (the build is ~2 s of the 2-core machine's time). It
// never fails the install: a build that fails here is built again, and its
// error shown, by the first `pnpm dio`.
import { cachedBundle, cliEntry } from './bundle-cache.mjs';

try {
  await cachedBundle(cliEntry);
} catch (e) {
  console.warn(`dio: the CLI's bundle was not built at install (\`pnpm dio\` will build it): ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
}
