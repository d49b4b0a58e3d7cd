import { rmSync } from 'node:fs';
import { allSnippets, runSnippet, typecheck, WORK_DIR, writeSnippets } from './snippets';

// Type-check and run every ts block of docs/ and packages/*/README.md; exit 1 if any fails.
// usage: start [--verbose] (also print what each snippet printed)
const verbose = process.argv.includes('--verbose');
const snippets = allSnippets();
const paths = writeSnippets(snippets);
const diags = typecheck(paths);
let failed = 0;
for (const [s, path] of paths) {
  const errs = diags.get(s) ?? [];
  let status = 'ok';
  if (errs.length > 0) status = `type errors:\n    ${errs.join('\n    ')}`;
  else {
    try {
      const out = await runSnippet(path);
      if (verbose) status = `ok\n    ${out.trimEnd().split('\n').join('\n    ')}`;
    } catch (e) {
      status = `run failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  if (!status.startsWith('ok')) failed++;
  console.log(`${`${s.file}:${s.line}`.padEnd(40)} ${status}`);
}
rmSync(WORK_DIR, { recursive: true, force: true });
console.log(`${snippets.length - failed}/${snippets.length} snippets type-check and run`);
if (failed > 0) process.exitCode = 1;
