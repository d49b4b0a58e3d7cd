/**
 * Property-based fuzzing of the whole command line (issue 16): generated bad
 * argv, job files, profiles and fio JSON through main(), in-process. Fixed
 * seed (FC_SEED overrides it); `pnpm fuzz:cli --cases N` runs the same
 * generator as a longer campaign.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseLabel, cliCase, fuzzDir, outcomeProblem, runCase } from '../fuzz/cli-inputs';

const SEED = Number(process.env.FC_SEED ?? 20261202);
const fixturePath = join(__dirname, 'fixtures', 'fio-3.33-randwrite-io_uring-qd4.json');
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as unknown;

describe('the dio command line under generated bad input', () => {
  it(`never throws, exits 0/1/2 with one-line dio: errors and no stack trace, each case in bounded time (seed ${SEED})`, async () => {
    const dir = fuzzDir(fixturePath);
    const codes = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(cliCase(fixture), async (c) => {
        let problem: string | null;
        try {
          const o = await runCase(c, dir);
          codes.set(o.code, (codes.get(o.code) ?? 0) + 1);
          problem = outcomeProblem(o, 15_000);
        } catch (e) {
          problem = `main threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
        }
        if (problem !== null) throw new Error(`${problem}\n  dio ${caseLabel(c)}`);
      }),
      { seed: SEED, numRuns: 250, endOnFailure: true },
    );
    rmSync(dir, { recursive: true, force: true });
    console.log(`exit codes: ${JSON.stringify([...codes].sort())}`);
    // both sides were reached: runs that worked and every kind of refusal
    expect(codes.get(0) ?? 0).toBeGreaterThan(5);
    expect(codes.get(1) ?? 0).toBeGreaterThan(50);
    expect(codes.get(2) ?? 0).toBeGreaterThan(5);
  }, 120_000);
});
