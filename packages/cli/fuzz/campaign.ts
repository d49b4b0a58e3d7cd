/**
 * `pnpm fuzz:cli [--cases N] [--seed S] [--max-ms T]`: the CLI fuzz of
 * test/cli-fuzz.test.ts as a longer campaign. Prints progress and, on a
 * failure, the shrunk invocation that fails and why; exit 1.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { caseLabel, cliCase, fuzzDir, outcomeProblem, runCase } from './cli-inputs';

const { values } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== '--'), options: { cases: { type: 'string', default: '2000' }, seed: { type: 'string', default: String(Date.now() % 1e9) }, 'max-ms': { type: 'string', default: '30000' } } });
const cases = Number(values.cases);
const seed = Number(values.seed);
const maxMs = Number(values['max-ms']);
for (const [k, v] of [['--cases', cases], ['--seed', seed], ['--max-ms', maxMs]] as const) {
  if (!Number.isSafeInteger(v) || v < 0) {
    console.error(`fuzz:cli: ${k} must be a non-negative integer`);
    process.exit(2);
  }
}
// this file runs from a bundle somewhere under the repository (scripts/run-ts.mjs): the fixture is in the nearest ancestor that has it
const FIXTURE = join('packages', 'cli', 'test', 'fixtures', 'fio-3.33-randwrite-io_uring-qd4.json');
let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, FIXTURE)) && dirname(root) !== root) root = dirname(root);
const fixturePath = join(root, FIXTURE);
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as unknown;
const dir = fuzzDir(fixturePath);
const codes: Record<number, number> = {};
let done = 0;
const t0 = Date.now();
console.log(`fuzz:cli: ${cases} cases, seed ${seed}`);
const r = await fc.check(
  fc.asyncProperty(cliCase(fixture), async (c) => {
    let problem: string | null;
    try {
      const o = await runCase(c, dir);
      codes[o.code] = (codes[o.code] ?? 0) + 1;
      problem = outcomeProblem(o, maxMs);
    } catch (e) {
      problem = `main threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    }
    if (++done % 100 === 0) console.log(`  ${done} cases, ${Math.round((Date.now() - t0) / 1000)} s, exit codes ${JSON.stringify(codes)}`);
    if (problem !== null) throw new Error(`${problem}\n  dio ${caseLabel(c)}`);
  }),
  { seed, numRuns: cases },
);
rmSync(dir, { recursive: true, force: true });
if (r.failed) {
  console.error(fc.defaultReportMessage(r));
  process.exitCode = 1;
} else console.log(`fuzz:cli: ${cases} cases passed in ${Math.round((Date.now() - t0) / 1000)} s (seed ${seed}), exit codes ${JSON.stringify(codes)}`);
