/**
 * Keeps the documentation honest: every ```ts block in docs/ and in the
 * package READMEs is a complete module that must type-check under the
 * repository's strict settings (tsconfig.base.json) against the current
 * source of the @dio/* packages, and must run to completion.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleFromSource } from '../../../scripts/bundle-source.mjs';
import ts from 'typescript';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where snippets are written to be checked (inside this package, so `@dio/*` resolve through its node_modules). */
export const WORK_DIR = join(ROOT, 'examples', 'doc-snippets', '.snippets');


/** One fenced ```ts block. */
export interface Snippet {
  /** Repository-relative markdown file. */
  readonly file: string;
  /** 1-based line of the block's first code line. */
  readonly line: number;
  readonly code: string;
  /** A file-system-safe id, e.g. `packages-sim-README-16`. */
  readonly id: string;
}

/** The markdown files checked: docs/**\/*.md and packages/*\/README.md. */
export function markdownFiles(root = ROOT): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = join(dir, e.name);
      if (e.isDirectory() && e.name !== 'api') walk(rel);
      else if (e.isFile() && e.name.endsWith('.md')) out.push(rel);
    }
  };
  walk('docs');
  for (const p of readdirSync(join(root, 'packages'))) out.push(join('packages', p, 'README.md'));
  return out.sort();
}

/** Every ```ts / ```typescript block of one markdown text. */
export function extractSnippets(file: string, text: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(ts|typescript)\s*$/.exec(lines[i] ?? '');
    if (open === null) continue;
    const indent = open[1]?.length ?? 0;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j] ?? ''); j++) body.push((lines[j] ?? '').slice(indent));
    if (j >= lines.length) throw new Error(`${file}:${i + 1}: unterminated code block`);
    out.push({ file, line: i + 2, code: `${body.join('\n')}\n`, id: `${file.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-')}-${i + 2}` });
    i = j;
  }
  return out;
}

/** All snippets of the repository. */
export function allSnippets(root = ROOT): Snippet[] {
  return markdownFiles(root).flatMap((f) => extractSnippets(f, readFileSync(join(root, f), 'utf8')));
}

/** Write the snippets as modules under `dir`; returns the path of each. */
export function writeSnippets(snippets: readonly Snippet[], dir = WORK_DIR): Map<Snippet, string> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const paths = new Map<Snippet, string>();
  for (const s of snippets) {
    const p = join(dir, `${s.id}.ts`);
    writeFileSync(p, s.code);
    paths.set(s, p);
  }
  return paths;
}

/** Type-check the written snippets as one program with the repository's compiler options; diagnostics per snippet, located in the markdown. */
export function typecheck(paths: ReadonlyMap<Snippet, string>, root = ROOT): Map<Snippet, string[]> {
  const cfgPath = join(root, 'tsconfig.base.json');
  const cfg = ts.parseJsonConfigFileContent(ts.readConfigFile(cfgPath, (p) => ts.sys.readFile(p)).config, ts.sys, root);
  const program = ts.createProgram([...paths.values()], { ...cfg.options, noEmit: true });
  const byPath = new Map([...paths].map(([s, p]) => [p, s] as const));
  const out = new Map<Snippet, string[]>([...paths.keys()].map((s) => [s, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const s = d.file === undefined ? undefined : byPath.get(d.file.fileName);
    if (s === undefined || d.file === undefined || d.start === undefined) {
      const where = d.file === undefined ? '' : `${relative(root, d.file.fileName)}: `;
      for (const list of out.values()) list.push(`${where}${msg}`);
      continue;
    }
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    out.get(s)?.push(`${s.file}:${s.line + line}:${character + 1}: TS${d.code} ${msg}`);
  }
  return out;
}

/** Bundle one snippet from source (the `@dio/source` condition) and run it in a child node; returns its stdout. Throws with its stderr on failure. */
export async function runSnippet(path: string, timeoutMs = 60_000): Promise<string> {
  const out = path.replace(/\.ts$/, '.mjs');
  await bundleFromSource(path, out);
  return execFileSync(process.execPath, [out], { encoding: 'utf8', timeout: timeoutMs, cwd: dirname(path), stdio: ['ignore', 'pipe', 'pipe'] });
}
