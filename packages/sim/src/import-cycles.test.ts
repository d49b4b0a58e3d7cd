// The engine's files import one way (docs/engine.md, "Layers"): no file of
// src/ reaches itself through its imports, type-only imports included.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

/** `import … from './x'`, `import './x'`, `export … from './x'` (type-only too, over several lines): the local modules named. */
function localImports(source: string): string[] {
  const out: string[] = [];
  const re = /^\s*(?:import|export)\b[^;]*?(?:\bfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]/gms;
  for (const m of source.matchAll(re)) out.push((m[1] as string).replace(/\.(?:js|ts)$/, ''));
  return out;
}

/** The import graph of the non-test .ts files in `dir`: file name (without .ts) → the files it imports. */
function importGraph(dir: string): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.ts') || f.endsWith('.test.ts') || f.endsWith('.d.ts')) continue;
    const deps = localImports(readFileSync(join(dir, f), 'utf8')).map((p) => p.replace(/^\.\//, ''));
    g.set(f.replace(/\.ts$/, ''), deps);
  }
  return g;
}

/** One cycle of `g` as a path `a -> b -> … -> a`, or null when `g` has none (depth-first search, three colours). */
function findCycle(g: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string[] | null => {
    state.set(n, 'open');
    path.push(n);
    for (const d of g.get(n) ?? []) {
      if (!g.has(d)) continue;
      const s = state.get(d);
      if (s === 'open') return [...path.slice(path.indexOf(d)), d];
      if (s === undefined) {
        const c = visit(d);
        if (c !== null) return c;
      }
    }
    path.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of [...g.keys()].sort()) {
    if (state.has(n)) continue;
    const c = visit(n);
    if (c !== null) return c;
  }
  return null;
}

describe('import structure of packages/sim/src', () => {
  it('reads every form of import and re-export', () => {
    const src = [
      "import { a } from './a';",
      "import type { B } from './b';",
      'import {\n  c,\n  type C,\n} from "./c.js";',
      "export { d } from './d';",
      "export type { E } from './e';",
      "export * from './f';",
      "import './g';",
      "import { h } from 'pure-rand';",
      "const s = 'import x from \"./not-an-import\"';",
    ].join('\n');
    expect(localImports(src)).toEqual(['./a', './b', './c', './d', './e', './f', './g']);
  });

  it('finds a cycle, and only a cycle', () => {
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', []]]))).toBeNull();
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual(['a', 'b', 'c', 'a']);
  });

  it('has no import cycle', () => {
    const g = importGraph(SRC);
    expect(g.size).toBeGreaterThan(20);
    expect(g.get('index')?.length).toBeGreaterThan(20);
    const cycle = findCycle(g);
    expect(cycle === null ? 'no cycle' : `import cycle: ${cycle.join(' -> ')}`).toBe('no cycle');
  });
});
