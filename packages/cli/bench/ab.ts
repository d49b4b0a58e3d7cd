/**
 * This design against a previous one, side by side in one run: the series'
 * job (QD16, 4 KiB randwrite, linux-6.5, tracing off) through io_uring,
 * libaio and psync, each run in a child process of this checkout and of a
 * checkout of `ref` (a git worktree kept under node_modules/.cache, set up
 * once with `pnpm install --offline`), alternating, median of the rounds.
 * `ab-child.ts` is the timed run; it is copied into the other checkout, so it
 * uses only APIs both have.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The last commit of the engine before execution model v2 (charges that could fail, …Now/…After pairs). */
export const PREVIOUS_DESIGN = 'ba0bc4d';

interface ChildResult {
  readonly engine: string;
  readonly perWallSec: number;
  readonly perCpuSec: number;
  readonly eventsPerIo: number;
}

/** The checkout this runs in (from the working directory: the bench runs bundled, away from its source). */
const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
const childSource = join(root, 'packages', 'cli', 'bench', 'ab-child.ts');

/** A checkout of `ref` ready to run (created on first use), or null when git cannot make one here. */
function checkout(ref: string): string | null {
  const dir = join(root, 'node_modules', '.cache', 'dio-bench', ref);
  try {
    if (!existsSync(join(dir, 'package.json'))) {
      mkdirSync(dirname(dir), { recursive: true });
      execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', '--force', dir, ref], { stdio: 'ignore' });
    }
    if (!existsSync(join(dir, 'node_modules'))) execFileSync('pnpm', ['install', '--offline', '--frozen-lockfile'], { cwd: dir, stdio: 'ignore' });
    copyFileSync(childSource, join(dir, 'packages', 'cli', 'bench', 'ab-child.ts'));
    return dir;
  } catch {
    return null;
  }
}

/** One timed run in `dir`; `plainFirst` false: from a bundle built without the plain-first step (DIO_PLAIN_FIRST=0). */
function child(dir: string, engine: string, runtime: string, stages: boolean, plainFirst = true): ChildResult {
  const env = { ...process.env, DIO_PLAIN_FIRST: plainFirst ? '1' : '0' };
  const out = execFileSync('node', ['scripts/run-ts.mjs', 'packages/cli/bench/ab-child.ts', engine, runtime, ...(stages ? ['stages'] : [])], { cwd: dir, encoding: 'utf8', env });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as ChildResult;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Print the side-by-side table; false when the previous design could not be checked out. */
export function abAgainst(ref: string, rounds = 3, runtime = '1s', stages = false, engines: readonly string[] = ['io_uring', 'libaio', 'psync']): boolean {
  const base = checkout(ref);
  if (base === null) {
    console.log(`(no side-by-side run: could not check out ${ref} here)`);
    return false;
  }
  const rows = [['ioengine', `${ref} I/Os per CPU-s`, 'this, no plain-first', 'this', 'ratio to ' + ref, 'pairwise', 'to no plain-first', `${ref} per wall-s`, 'this', 'events per I/O', 'this']];
  for (const e of engines) {
    const a: ChildResult[] = [];
    const n: ChildResult[] = [];
    const b: ChildResult[] = [];
    for (let i = 0; i < rounds; i++) {
      a.push(child(base, e, runtime, stages));
      n.push(child(root, e, runtime, stages, false));
      b.push(child(root, e, runtime, stages));
    }
    const cpuA = median(a.map((x) => x.perCpuSec));
    const cpuN = median(n.map((x) => x.perCpuSec));
    const cpuB = median(b.map((x) => x.perCpuSec));
    // each round's two runs back to back: the median of their ratios leaves out what drifts between rounds
    const pairwise = median(b.map((x, i) => x.perCpuSec / (a[i] as ChildResult).perCpuSec));
    const l = (x: ChildResult[]): ChildResult => x[0] as ChildResult;
    rows.push([e, fmt(cpuA), fmt(cpuN), fmt(cpuB), `${(cpuB / cpuA).toFixed(2)}x`, `${pairwise.toFixed(2)}x`, `${(cpuB / cpuN).toFixed(2)}x`, fmt(median(a.map((x) => x.perWallSec))), fmt(median(b.map((x) => x.perWallSec))), l(a).eventsPerIo.toFixed(2), l(b).eventsPerIo.toFixed(2)]);
  }
  console.log(`this design against ${ref} (the previous one) and against its own bundle without the plain-first step, ${runtime} simulated per run${stages ? ', stage accounting on' : ''}, median of ${rounds} alternating rounds, each in its own process:`);
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  for (const r of rows) console.log(`  ${r.map((v, i) => (i === 0 ? v.padEnd(widths[i] as number) : v.padStart(widths[i] as number))).join('  ')}`);
  return true;
}
