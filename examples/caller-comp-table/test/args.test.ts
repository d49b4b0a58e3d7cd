import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExampleArgsError, parseExampleArgs, seed, time, usage } from '../../shared/args';

const specs = [time('runtime', '200ms'), seed('1')] as const;

describe('the examples\' shared argument parser', () => {
  it('defaults, fio time syntax and seeds', () => {
    expect(parseExampleArgs(specs, [])).toEqual([{ text: '200ms', ns: 200_000_000 }, 1]);
    expect(parseExampleArgs(specs, ['1s', '7'])).toEqual([{ text: '1s', ns: 1_000_000_000 }, 7]);
    expect(parseExampleArgs(specs, ['--', '500us'])).toEqual([{ text: '500us', ns: 500_000 }, 1]);
    expect(parseExampleArgs(specs, ['--help'])).toBeNull();
  });

  it.each([[['bogus']], [['1000']], [['0ms']], [['1s', 'x']], [['1s', '1.5']], [['1s', '1', 'extra']], [['--frobnicate']], [['1e400s']]])('%j is refused in one line', (argv) => {
    expect(() => parseExampleArgs(specs, argv)).toThrow(ExampleArgsError);
    try {
      parseExampleArgs(specs, argv);
    } catch (e) {
      expect((e as Error).message).not.toMatch(/\n/);
    }
  });

  it('prints a usage line per argument', () => {
    expect(usage('@dio-example/x', specs)).toMatch(/^usage: pnpm --filter @dio-example\/x start \[runtime\] \[seed\]\n  runtime .*\(default 200ms\)\n  seed .*\(default 1\)$/);
  });

  it('every example takes its arguments through it', () => {
    const root = join(__dirname, '..', '..');
    const mains = readdirSync(root).filter((d) => d !== 'shared' && d !== 'doc-snippets' && readdirSync(join(root, d)).includes('src'));
    expect(mains.length).toBeGreaterThanOrEqual(5);
    for (const d of mains) expect(readFileSync(join(root, d, 'src', 'main.ts'), 'utf8'), d).toMatch(/runExample\('@dio-example\//);
  });
});
