// `dio compare`'s default ramp and runtime keep every cell of the default
// table within COMPARE_DEFAULTS.precisionPct of steady state: a 1 s run of the
// same point (test/fixtures/compare-reference.json, written by
// `pnpm --filter @dio/cli compare:reference`), over the reference's seeds.
// The 50 cells run on two worker threads from the CLI's bundle, as `dio
// compare` runs them (~650K simulated I/Os per seed).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LINUX_6_5, LINUX_6_6_RC1 } from '@dio/fio';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleFromSource } from '../../../scripts/bundle-source.mjs';
import { COMPARE_DEFAULTS, type CompareTask, compareTasks } from '../src/compare';
import { runCells } from '../src/parallel';

interface Reference {
  readonly runtime: string;
  readonly rampTime: string;
  readonly cells: readonly { readonly seed: number; readonly qd: number; readonly profile: string; readonly iops: number }[];
}

const ref = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'compare-reference.json'), 'utf8')) as Reference;
const seeds = [...new Set(ref.cells.map((c) => c.seed))];

const dir = mkdtempSync(join(tmpdir(), 'dio-precision-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dio compare default precision', () => {
  it('the reference is the default grid run for 1 s after the default ramp', () => {
    expect(ref.runtime).toBe('1s');
    expect(ref.rampTime).toBe(COMPARE_DEFAULTS.rampTime);
    expect(seeds.length).toBeGreaterThanOrEqual(5);
    expect(ref.cells).toHaveLength(seeds.length * 5 * 2);
  });

  it(`every cell at the default is within ${COMPARE_DEFAULTS.precisionPct}% of the 1 s run, for every seed`, { timeout: 600_000 }, async () => {
    const entry = join(dir, 'dio.mjs');
    await bundleFromSource(join(__dirname, '..', 'src', 'bin.ts'), entry);
    const tasks: CompareTask[] = seeds.flatMap((seed) =>
      compareTasks({ qds: [1, 2, 4, 8, 16], profiles: [LINUX_6_5, LINUX_6_6_RC1], engine: 'io_uring', length: { ios: COMPARE_DEFAULTS.ios }, rampTime: COMPARE_DEFAULTS.rampTime, seed }),
    );
    const cells = await runCells('compare', tasks, pathToFileURL(entry), 2);
    let worst = 0;
    const off: string[] = [];
    cells.forEach((c, i) => {
      const seed = (tasks[i] as CompareTask).seed;
      const r = ref.cells.find((x) => x.seed === seed && x.qd === c.qd && x.profile === c.profile);
      if (r === undefined) throw new Error(`no reference for seed ${seed} QD${c.qd} ${c.profile}`);
      const errPct = Math.abs(c.iops / r.iops - 1) * 100;
      worst = Math.max(worst, errPct);
      if (errPct > COMPARE_DEFAULTS.precisionPct) off.push(`seed ${seed} QD${c.qd} ${c.profile}: ${Math.round(c.iops)} vs ${r.iops} (${errPct.toFixed(3)}%)`);
    });
    // a model change moves the steady state too: rerun `pnpm --filter @dio/cli compare:reference`, then this test
    expect(off, `worst ${worst.toFixed(3)}%`).toEqual([]);
    expect(worst).toBeGreaterThan(0); // the cells did run
  });
});
