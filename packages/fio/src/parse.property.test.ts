/**
 * Property tests: whatever text or arguments reach the parsers, the only
 * thing that may be thrown is a FioJobError naming a file and a line.
 * Seeded (FC_SEED overrides); the seed is printed on failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FioJobError } from './errors';
import { OPTION_DEFS } from './options';
import { COMMAND_LINE, parseFioArgs } from './parse-args';
import { parseJobFile } from './parse-job-file';

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : 0x5eed_f10;
const RUNS = 600;

function check<T>(name: string, arb: fc.Arbitrary<T>, pred: (v: T) => void): void {
  try {
    fc.assert(fc.property(arb, pred), { seed: SEED, numRuns: RUNS });
  } catch (e) {
    console.error(`[${name}] fast-check failed with seed ${SEED} (rerun with FC_SEED=${SEED})`);
    throw e;
  }
}

/** Calls `f`; anything thrown must be a FioJobError pointing at one of `files`. */
function onlyFioJobError(f: () => unknown, files: readonly string[]): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof FioJobError)) throw new Error(`threw non-FioJobError: ${String(e)}`);
    expect(files).toContain(e.file);
    expect(Number.isInteger(e.line) && e.line >= 0).toBe(true);
    expect(e.message.startsWith(e.line > 0 ? `${e.file}:${e.line}: ` : `${e.file}: `)).toBe(true);
  }
}

const NAMES = [...OPTION_DEFS.flatMap((o) => [o.name, ...o.aliases]), 'foo', 'include', 'output-format', 'Size', 'bs ', ''];
const VALUES = [
  '0', '1', '2', '4k', '4K', '8KiB', '1g', '1GiB', '1.5g', '-1', '50%', '0x10', '0x', '99999999999999999999', '',
  'randwrite', 'randrw', 'rw', 'readwrite', 'trim', 'write:4k', 'io_uring', 'libaio', 'psync', 'pvsync2', 'sync', 'mmap',
  'none', 'dsync', 'native', 'keep', '1000', '1024', '0-3,5', '3-1', '4096', '50:99:99.9', '0:50', '101', '8', '8s',
  '250ms', '2m', '1h', '5x', 'data.bin', 'a:b', 'λ', '\u0000', ' 4k ', '4k,8k', '4k,,', '4k,8k,16k,32k', '=', ';', '#x',
];

const optionLine = fc.oneof(
  fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...VALUES)).map(([n, v]) => `${n}=${v}`),
  fc.constantFrom(...NAMES),
  fc.tuple(fc.constantFrom(...NAMES), fc.string()).map(([n, v]) => `${n} = ${v}`),
);
const line = fc.oneof(
  { weight: 6, arbitrary: optionLine },
  { weight: 2, arbitrary: fc.constantFrom('[global]', '[w]', '[job 2]', '[]', '[x', '; c', '# c', '', '   ', 'size=1m', 'size=4k ; c') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);
const nearValidFile = fc.array(line, { maxLength: 25 }).map((ls) => ['[w]', 'size=1m', ...ls].join('\n'));

/** Mutates a valid file: insert / delete / replace characters. */
const mutated = fc
  .tuple(
    fc.constant('[global]\nioengine=io_uring\nsize=1g\n[w]\nrw=randwrite\nbs=4k\niodepth=4\nruntime=8\ntime_based\n'),
    fc.array(fc.tuple(fc.nat(200), fc.nat(3), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 6 }),
  )
  .map(([base, edits]) => {
    let s = base;
    for (const [pos, del, ins] of edits) {
      const p = pos % (s.length + 1);
      s = s.slice(0, p) + ins + s.slice(p + del);
    }
    return s;
  });

describe('parser robustness (fast-check)', () => {
  it('parseJobFile: arbitrary strings only ever raise FioJobError', () => {
    check('arbitrary', fc.string({ unit: 'binary', maxLength: 300 }), (text) => onlyFioJobError(() => parseJobFile(text, 'fuzz.fio'), ['fuzz.fio']));
  });

  it('parseJobFile: near-valid files only ever raise FioJobError', () => {
    check('near-valid', nearValidFile, (text) => onlyFioJobError(() => parseJobFile(text, 'fuzz.fio'), ['fuzz.fio']));
  });

  it('parseJobFile: mutated valid files only ever raise FioJobError, and results are sane', () => {
    check('mutated', mutated, (text) =>
      onlyFioJobError(() => {
        for (const j of parseJobFile(text, 'fuzz.fio')) {
          expect(j.iodepth).toBeGreaterThanOrEqual(1);
          expect(j.iodepthBatchSubmit).toBeLessThanOrEqual(j.iodepth);
          expect(j.iodepthBatchCompleteMin).toBeLessThanOrEqual(j.iodepthBatchCompleteMax);
          expect(j.size ?? j.filesize).toBeGreaterThan(0);
        }
      }, ['fuzz.fio']),
    );
  });

  it('parseFioArgs: arbitrary and near-valid argv only ever raise FioJobError', () => {
    const arg = fc.oneof(
      fc.tuple(fc.constantFrom('--', '-'), fc.constantFrom(...NAMES, 'name', 'output', 'minimal'), fc.constantFrom(...VALUES)).map(([d, n, v]) => `${d}${n}=${v}`),
      fc.constantFrom('--name=w', '--size=1m', '--output-format=json', '--output-format=terse', '--iodepth', '8', '--', '-', 'job.fio', '--=x'),
      fc.string({ unit: 'binary', maxLength: 12 }),
    );
    const readFile = (p: string): string => {
      if (p.length % 3 === 0) throw new Error('ENOENT');
      return `[${p}]\nsize=1m\n${p}\n`;
    };
    check('argv', fc.array(arg, { maxLength: 12 }), (argv) => {
      const files = [COMMAND_LINE, ...argv];
      onlyFioJobError(() => parseFioArgs(argv, { readFile }), files);
      onlyFioJobError(() => parseFioArgs(argv), [COMMAND_LINE]);
    });
  });
});
