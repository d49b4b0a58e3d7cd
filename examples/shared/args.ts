/**
 * The command line of every example: positional arguments, each with a
 * default and a parser. `start --help` prints the usage; a bad or extra
 * argument prints one line and the usage, and exits 2. Shared by the
 * examples (imported as `../../shared/args`); scripts/new-example.sh starts
 * new ones with it.
 * @module
 */
import { parseArgs } from 'node:util';

/** One positional argument: its name, default and parser (undefined: invalid). */
export interface ArgSpec<T> {
  readonly name: string;
  readonly default: string;
  readonly help: string;
  readonly parse: (s: string) => T | undefined;
}

const UNITS_NS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 };

/** A simulated time as fio writes it (`200ms`, `1s`, `500us`): `{ text, ns }`. */
export const time = (name: string, def: string, help = 'simulated runtime (fio time syntax: 500us, 200ms, 1s)'): ArgSpec<{ readonly text: string; readonly ns: number }> => ({
  name,
  default: def,
  help,
  parse: (s) => {
    const m = /^(\d+)(ns|us|ms|s)$/.exec(s);
    const ns = m === null ? NaN : Number(m[1]) * (UNITS_NS[m[2] ?? ''] ?? NaN);
    return Number.isSafeInteger(ns) && ns > 0 ? { text: s, ns } : undefined;
  },
});

/** A random seed: a safe integer. */
export const seed = (def: string): ArgSpec<number> => ({
  name: 'seed',
  default: def,
  help: 'random seed (an integer)',
  parse: (s) => (/^-?\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : undefined),
});

type Parsed<S extends readonly ArgSpec<unknown>[]> = { -readonly [I in keyof S]: S[I] extends ArgSpec<infer T> ? T : never };

/** The usage text of `specs` for `pnpm --filter <pkg> start`. */
export function usage(pkg: string, specs: readonly ArgSpec<unknown>[]): string {
  const names = specs.map((s) => `[${s.name}]`).join(' ');
  return [`usage: pnpm --filter ${pkg} start ${names}`.trimEnd(), ...specs.map((s) => `  ${s.name.padEnd(10)} ${s.help} (default ${s.default})`)].join('\n');
}

/** Thrown (and printed by {@link exampleArgs}) for a bad command line. */
export class ExampleArgsError extends Error {
  override readonly name = 'ExampleArgsError';
}

/** Parse `argv` by `specs`; throws ExampleArgsError with a one-line reason. `--help` gives null. */
export function parseExampleArgs<const S extends readonly ArgSpec<unknown>[]>(specs: S, argv: readonly string[]): Parsed<S> | null {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv.filter((a) => a !== '--'), options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new ExampleArgsError((e as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  if (parsed.values.help === true) return null;
  const pos = parsed.positionals;
  if (pos.length > specs.length) throw new ExampleArgsError(`too many arguments: ${JSON.stringify(pos.slice(specs.length)).slice(0, 80)}`);
  return specs.map((s, i) => {
    const raw = pos[i] ?? s.default;
    const v = s.parse(raw);
    if (v === undefined) throw new ExampleArgsError(`${s.name}: ${JSON.stringify(raw).slice(0, 80)} is not valid: ${s.help}`);
    return v;
  }) as Parsed<S>;
}

/**
 * Run an example's `main` with its parsed arguments. On `--help` the usage
 * goes to stdout; on a bad argument one line and the usage go to stderr and
 * the exit code is 2 — without process.exit(), so whatever started the
 * example (scripts/run-ts.mjs removes its bundle) finishes normally.
 */
export async function runExample<const S extends readonly ArgSpec<unknown>[]>(pkg: string, specs: S, main: (args: Parsed<S>) => void | Promise<void>, argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  let args: Parsed<S> | null;
  try {
    args = parseExampleArgs(specs, argv);
  } catch (e) {
    if (!(e instanceof ExampleArgsError)) throw e;
    console.error(`${pkg}: ${e.message}\n${usage(pkg, specs)}`);
    process.exitCode = 2;
    return;
  }
  if (args === null) console.log(usage(pkg, specs));
  else await main(args);
}
