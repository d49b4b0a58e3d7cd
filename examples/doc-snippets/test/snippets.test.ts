import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allSnippets, extractSnippets, ROOT, runSnippet, type Snippet, typecheck, WORK_DIR, writeSnippets } from '../src/snippets';

const snippets = allSnippets();
const paths = writeSnippets(snippets);
const diags = typecheck(paths);
afterAll(() => rmSync(WORK_DIR, { recursive: true, force: true }));

describe('extractSnippets', () => {
  it('finds ts blocks, indented ones too, with their markdown line', () => {
    const md = ['# x', '```ts', 'const a = 1;', '```', '1. step', '   ```ts', '   const b = 2;', '   ```', '```sh', 'ls', '```'].join('\n');
    const s = extractSnippets('docs/x.md', md);
    expect(s.map((x) => [x.line, x.code])).toEqual([
      [3, 'const a = 1;\n'],
      [7, 'const b = 2;\n'],
    ]);
  });

  it('reports a type error in a snippet at its markdown line', () => {
    const [bad] = extractSnippets('docs/bad.md', "intro\n```ts\nimport { Simulator } from '@dio/sim';\nconst n: string = new Simulator({ seed: 1 }).now;\n```\n");
    if (bad === undefined) throw new Error('no snippet');
    const d = typecheck(writeSnippets([bad], `${WORK_DIR}-selftest`)).get(bad) ?? [];
    rmSync(`${WORK_DIR}-selftest`, { recursive: true, force: true });
    expect(d.join('\n')).toMatch(/^docs\/bad\.md:4:\d+: TS2322 /);
  });
});

const PACKAGES = ['sim', 'kiocb', 'blockdev', 'workqueue', 'fs', 'iomap', 'io-uring', 'aio', 'fio', 'cli'];

describe('package READMEs', () => {
  it.each(PACKAGES)('@dio/%s: how to use it today (not on the registry), a runnable example, what it mirrors', (p) => {
    const file = `packages/${p}/README.md`;
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(text).toMatch(/not on the npm registry yet/i);
    expect(text).toMatch(p === 'cli' ? /pnpm dio <command>/ : new RegExp(`scripts/new-example\\.sh my-tool "[^"]+" ${p}\\b`));
    expect(text).toMatch(new RegExp(`pnpm pack[\\s\\S]*npm install[^\\n]*dio-${p === 'cli' ? '' : `${p}-`}`));
    expect(snippets.some((s) => s.file === file)).toBe(true);
    expect(text).toMatch(/^## .*(mirror|modell?ed)/im); // a section mapping the code to the kernel (or tool) source
  });
});

describe('documentation snippets', () => {
  it('docs/guides/extend.md says how to run its snippets: a new-example.sh package depending on every @dio package they import', () => {
    const text = readFileSync(join(ROOT, 'docs/guides/extend.md'), 'utf8');
    const cmd = /scripts\/new-example\.sh \S+ "[^"]*" ([a-z -]+)\n/.exec(text);
    const deps = new Set(cmd?.[1]?.trim().split(/\s+/));
    const imported = new Set(snippets.filter((s) => s.file === 'docs/guides/extend.md').flatMap((s) => [...s.code.matchAll(/from '@dio\/([a-z-]+)'/g)].map((m) => m[1])));
    expect(imported.size).toBeGreaterThan(3);
    for (const p of imported) expect(deps, `@dio/${p}`).toContain(p);
  });

  it.each(snippets.map((s): [string, Snippet] => [`${s.file}:${s.line}`, s]))('%s type-checks and runs', async (_where, s) => {
    expect(diags.get(s)).toEqual([]);
    const path = paths.get(s);
    if (path === undefined) throw new Error('not written');
    await expect(runSnippet(path)).resolves.toBeTypeOf('string');
  });
});
