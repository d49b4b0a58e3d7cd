/**
 * Generated bad input for the whole `dio` command line, run in-process:
 * argv (random flags and values, unicode, huge strings, prototype names,
 * numbers at the edges), job files, profile JSON and fio JSON. Every case
 * must end with exit code 0, 1 or 2, every stderr line a one-line `dio:`
 * message, no stack trace, nothing thrown — and finish quickly: the
 * generator never asks for long simulations (each job section ends with
 * `number_ios` and a short `runtime`; runtimes, iteration and seed counts
 * come from bounded sets), so a slow case is a finding.
 * @module
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { main } from '../src/main';

/** One generated invocation and the files it reads. */
export interface CliCase {
  readonly argv: readonly string[];
  /** Files written into the case's directory first (name → content). */
  readonly files: Readonly<Record<string, string>>;
}

/** What one case did. */
export interface CaseOutcome {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly ms: number;
}

const PROTO = ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf'];
const HUGE = 'x'.repeat(200_000);
const NUMBERS = ['0', '-0', '-1', '1', '2', '1.5', '1e308', '-1e308', '1e-300', 'NaN', 'Infinity', '0x10', '9007199254740993', '65536', '4294967296', '18446744073709551616'];
const PATHS = ['job.fio', 'gen.fio', 'adir', 'missing.fio', 'nodir/x', 'job.fio/x', 'p.json', 'gen.json', 'fio.json', 'genfio.json', 'dir.json', '', ' '];

/** A value at an edge: numbers, prototype names, paths, unicode, control bytes, a huge string. */
const edge: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NUMBERS, ...PROTO, ...PATHS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }).map((s) => `${s}\u0000\n\u001b[2J${s}`) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double()).map(String) },
  { weight: 1, arbitrary: fc.constant(HUGE) },
);

/** Values of flags that would make a case slow when valid: only short or invalid ones. */
const BOUNDED: Readonly<Record<string, readonly string[]>> = {
  '--runtime': ['0', '-1', '1ms', '500us', '2ms', '1e308', '99999999999999999999s', 'abc', '1x', ''],
  '--ramp-time': ['0', '1ms', '-1', 'abc', '1e308'],
  '--trace-window': ['0,1ms', '1ms,0', 'x', '0', '1ms,2ms,3ms', ''],
  '--shard': ['0/1', '1/2', '2/2', '0/0', 'x', '-1/2', '1e308/1'],
  '--iterations': ['0', '1', '2', '-1', '1e308', '10001', 'abc', '1.5'],
  '--seeds': ['0', '1', '2', '-1', '1e308', 'abc', '1e12'],
  '--qd': ['1', '2,1', '65536', '0', '1,,2', 'x', '-1', '32769', '1e308', '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17'],
};

/** Each command's own flags (a generated case mostly uses its command's). */
const COMMAND_FLAGS: Readonly<Record<string, readonly string[]>> = {
  compare: ['--qd', '--policies', '--profiles', '--engine', '--runtime', '--ramp-time', '--seed', '--format', '--jobs', '--plot', '--shard'],
  sweep: ['--set', '--set', '--profiles', '--seed', '--format', '--jobs', '--shard'],
  run: ['--profile', '--seed', '--trace', '--output-format', '--trace-format', '--trace-window'],
  trace: ['--profile', '--seed', '--out', '--trace-format', '--trace-window'],
  calibrate: ['--out', '--profile', '--runtime', '--iterations', '--seed'],
  fuzz: ['--seeds', '--from', '--format', '--shard'],
  merge: ['--out', '--format'],
};
const FLAGS = [...new Set([...Object.values(COMMAND_FLAGS).flat(), '--quiet', '--help', '-h', '--version', '-V'])];
const PROFILE_ARGS = ['linux-6.5', 'linux-6.19', 'p.json', 'gen.json', 'dir.json', 'adir', 'missing.json', ...PROTO];
const SET_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  iodepth: ['1', '4', '0', '65536', 'x', '-1'],
  bs: ['4k', '512', '100', '64k', '1m', '0', 'x'],
  rw: ['randwrite', 'write', 'read', 'trim', 'bogus'],
  ioengine: ['io_uring', 'libaio', 'psync', 'spdk'],
  size: ['1m', '2t', '0', 'x'],
};

/** `--set opt=v1,v2`, with options whose values cannot make a point long. */
const setArg: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...Object.keys(SET_OPTIONS)).chain((o) => fc.array(fc.constantFrom(...(SET_OPTIONS[o] ?? [])), { minLength: 0, maxLength: 3 }).map((vs) => `${o}=${vs.join(',')}`)),
  fc.constantFrom('=', 'x', 'iodepth', '=1', 'runtime=abc', '__proto__=1', 'toString=1'),
);

/** A value for flag `f`: bounded where a valid one could make the case long. */
const valueFor = (f: string): fc.Arbitrary<string> =>
  Object.hasOwn(BOUNDED, f) ? fc.constantFrom(...(BOUNDED[f] ?? [])) : f === '--set' ? setArg : f.startsWith('--prof') ? fc.oneof(fc.constantFrom(...PROFILE_ARGS, 'gen.json,p.json', 'p.json,p.json', 'linux-6.5,gen.json'), edge) : fc.oneof(fc.constantFrom('json', 'table', 'text', 'proto', 'normal', 'json+', 'io_uring', 'libaio', 'psync', 'workqueue,caller', 'inline', 'out.svg', 'o.json'), edge);

/** One flag of `command` (or any flag, or garbage) with a value, or without one. */
const flagOf = (command: string): fc.Arbitrary<string[]> => {
  const own = Object.hasOwn(COMMAND_FLAGS, command) ? (COMMAND_FLAGS[command] ?? FLAGS) : FLAGS;
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...own).chain((f) => valueFor(f).map((v) => [f, v])) },
    { weight: 1, arbitrary: fc.constantFrom(...FLAGS).chain((f) => valueFor(f).map((v) => [f, v])) },
    { weight: 1, arbitrary: fc.constantFrom(...FLAGS).map((f) => [f]) },
    { weight: 1, arbitrary: edge.map((s) => [`--${s}`]) },
    { weight: 1, arbitrary: fc.tuple(edge, edge).map(([a, b]) => [`--${a}=${b}`]) },
  );
};

// ---- job files -----------------------------------------------------------

/** Options and values (bad ones among them) that cannot make a job long: the section's own number_ios / runtime close it. */
const JOB_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  rw: ['randwrite', 'write', 'randread', 'read', 'rw', 'randrw', 'trim', 'bogus', ''],
  bs: ['4k', '512', '100', '513', '64k', '1m', '0', '-1', '4k,8k', '1e308', '4294967296'],
  size: ['1m', '64m', '16g', '100g', '2t', '1p', '0', '-1', 'abc', '1e308', '18446744073709551615'],
  ioengine: ['io_uring', 'libaio', 'psync', 'pvsync2', 'sync', 'spdk', '', 'posixaio'],
  iodepth: ['1', '2', '16', '4096', '65536', '0', '-1', '4294967296', 'abc'],
  direct: ['0', '1', '2', 'yes'],
  numjobs: ['0', '1', '2', '3', '-1', 'x'],
  filename: ['data', 'a:b', '', ' ', '../x', '__proto__'],
  write_lat_log: ['lat', 'adir', 'adir/x/lat', 'nodir/lat', 'job.fio/lat'],
  cpus_allowed: ['0', '1', '0-3', '4095', '4096', '-1', 'abc', '3-1'],
  fsync: ['0', '1', '2', 'x'],
  sync: ['0', '1', 'dsync', 'sync', 'x'],
  rwmixread: ['0', '50', '100', '101'],
  offset: ['0', '4k', '1g', '100g', '2t'],
  hipri: ['0', '1'],
  sqthread_poll: ['0', '1'],
  fixedbufs: ['0', '1'],
  registerfiles: ['0', '1'],
  iodepth_batch_submit: ['0', '1', '8', '100000'],
  time_based: ['0', '1'],
  runtime: ['1ms', '0', '-1', 'abc'],
  randrepeat: ['0', '1'],
  fallocate: ['none', 'native', 'posix', 'keep', 'truncate', 'bogus'],
  overwrite: ['0', '1'],
  norandommap: ['', '1'],
};

const jobLine: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...Object.keys(JOB_OPTIONS)).chain((o) => fc.constantFrom(...(JOB_OPTIONS[o] ?? [])).map((v) => `${o}=${v}`)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...Object.keys(JOB_OPTIONS), ...PROTO), edge).map(([o, v]) => `${o}=${v}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ' ')) },
  { weight: 1, arbitrary: fc.constantFrom('[global]', '[x]', '[', '; comment', '#', 'include x.fio', `[${HUGE.slice(0, 5000)}]`) },
);

const VALID_JOB = ['rw=randwrite', 'bs=4k', 'size=64m', 'direct=1', 'ioengine=io_uring', 'iodepth=4'];

/** A job file: an optional [global] section and one or two jobs, each closed by bounds on its work. */
export const jobFileText: fc.Arbitrary<string> = fc
  .tuple(fc.option(fc.array(jobLine, { maxLength: 4 })), fc.array(fc.tuple(fc.constantFrom('w', 'r', 'job 2', '__proto__'), fc.array(jobLine, { maxLength: 5 })), { minLength: 1, maxLength: 2 }))
  .map(([global, jobs]) => {
    const sections = global === null ? [] : [`[global]\n${global.join('\n')}`];
    // random lines may have opened sections of their own: every section, then, ends with the bounds
    for (const [name, lines] of jobs) sections.push(`[${name}]\n${[...VALID_JOB, ...lines].join('\n')}`);
    return sections.map((s) => s.replace(/(\n\[[^\n]*\])/g, '\nnumber_ios=32\nruntime=2ms$1') + '\nnumber_ios=32\nruntime=2ms\n').join('\n');
  });

// ---- profile JSON and fio JSON --------------------------------------------

const jsonEdge: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, 1, 0.5, 1e-9, 1e-300, 1e308, 1e15, 1e6, 512, 513, 4096, 65536, 10_241, null, true, '', 'x', '+1-2', '+9-1', 'bogus', ...PROTO),
  fc.constantFrom([], {}, ['+1-2'], ['bad'], { kind: 'uniform', min: 9, max: 1 }, { kind: 'lognormal', mean: 1e-300, stddev: 1 }, { kind: 'fixed', value: 1e15 }, { kind: 'fixed', value: 2000 }, { kind: 'nope' }),
  fc.double().map((d) => (Number.isFinite(d) ? d : null)),
  edge,
);

const PROFILE_PATHS = [
  ['extends'], ['name'], ['policy'], ['cpus'], ['ioUringCallerComp'],
  ['device', 'bs'], ['device', 'gb'], ['device', 'mbps'], ['device', 'poll_nsec'], ['device', 'hw_queue_depth'], ['device', 'submit_queues'],
  ['device', 'poll_queues'], ['device', 'irqmode'], ['device', 'badblocks'], ['device', 'write_latency'], ['device', 'max_sectors'], ['device', 'completion_nsec'],
  ['sched', 'tickNs'], ['sched', 'preempt'], ['costs', 'userPerIo'], ['costs', 'syscall'], ['costs'], ['device'], ['bogus'], [],
] as const;

/** `o` with `value` at `path` (created as needed; the empty path replaces the whole). */
function setPath(o: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [k, ...rest] = path as [string | number, ...(string | number)[]];
  const base = (o !== null && typeof o === 'object' ? structuredClone(o) : {}) as Record<string | number, unknown>;
  Object.defineProperty(base, k, { value: setPath(base[k], rest, value), enumerable: true, writable: true, configurable: true });
  return base;
}

/** Profile JSON: a valid one with a few fields set to edge values, or raw text. */
export const profileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.tuple(fc.constantFrom(...PROFILE_PATHS), jsonEdge), { maxLength: 3 }).map((edits) => JSON.stringify(edits.reduce<unknown>((o, [p, v]) => setPath(o, p, v), { extends: 'linux-6.6', device: { irqmode: 'hardirq' } }))) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('null', '[]', '"x"', '{', '{"__proto__": {"cpus": 1}}', '{"extends": "__proto__"}'), fc.string({ unit: 'binary', maxLength: 60 })) },
);

const FIO_PATHS = [
  [], ['jobs'], ['jobs', 0], ['jobs', 1], ['jobs', 0, 'job options'], ['jobs', 0, 'job options', 'iodepth'], ['jobs', 0, 'job options', 'bs'], ['jobs', 0, 'job options', 'rw'],
  ['jobs', 0, 'job options', 'ioengine'], ['jobs', 0, 'write', 'iops'], ['jobs', 0, 'write'], ['jobs', 0, 'write', 'clat_ns'], ['jobs', 0, 'jobname'],
  ['global options'], ['global options', 'direct'], ['global options', 'size'], ['global options', 'numjobs'], ['global options', 'iodepth'], ['global options', '__proto__'],
] as const;

/** fio JSON: the real fio 3.33 result with a few paths set to edge values, or raw text. */
export function fioJsonText(fixture: unknown): fc.Arbitrary<string> {
  const value = fc.oneof(jsonEdge, fc.constantFrom('65536', '0', '100g', '1', '2', 'libaio', 'psync', 'randread'));
  return fc.oneof(
    { weight: 5, arbitrary: fc.array(fc.tuple(fc.constantFrom(...FIO_PATHS), value), { maxLength: 3 }).map((edits) => JSON.stringify(edits.reduce<unknown>((o, [p, v]) => setPath(o, p, v), fixture))) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom('null', '{"jobs":[null]}', '{"jobs":[{"job options":null}]}', '{"jobs":[{"job options":"x"}]}', '{"jobs":{}}'), fc.string({ unit: 'binary', maxLength: 60 })) },
  );
}

// ---- whole invocations -------------------------------------------------------

/** Flags that keep a command's valid runs short; generated flags come after them, and commander takes the last. */
const BOUNDS: Readonly<Record<string, readonly string[]>> = {
  compare: ['--runtime', '1ms', '--ramp-time', '0', '--qd', '1', '--quiet'],
  calibrate: ['--iterations', '1', '--runtime', '1ms', '--out', 'out.json', '--quiet'],
  fuzz: ['--seeds', '1', '--quiet'],
  sweep: ['--quiet'],
  run: ['--quiet'],
  trace: ['--out', 'trace.json', '--quiet'],
  merge: [],
};

const ARITY: Readonly<Partial<Record<string, { minLength: number; maxLength: number }>>> = {
  run: { minLength: 1, maxLength: 1 },
  trace: { minLength: 1, maxLength: 1 },
  sweep: { minLength: 1, maxLength: 1 },
  calibrate: { minLength: 1, maxLength: 2 },
  merge: { minLength: 1, maxLength: 2 },
};

/** A whole case: a command (or garbage), positional arguments, flags, and the generated files. */
export function cliCase(fixture: unknown): fc.Arbitrary<CliCase> {
  const command = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...Object.keys(BOUNDS)) }, { weight: 1, arbitrary: edge });
  const positional = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('gen.fio', 'gen.fio', 'job.fio', 'genfio.json', 'genfio.json', 'fio.json') }, { weight: 2, arbitrary: fc.constantFrom(...PATHS) }, { weight: 1, arbitrary: edge });
  return command.chain((cmd) =>
    fc
      .record({
        // mostly as many as the command takes: none, one job file, or fio results
        positionals: fc.oneof({ weight: 6, arbitrary: fc.array(positional, (Object.hasOwn(ARITY, cmd) ? ARITY[cmd] : undefined) ?? { maxLength: 0 }) }, { weight: 1, arbitrary: fc.array(positional, { maxLength: 2 }) }),
        flags: fc.array(flagOf(cmd), { maxLength: 3 }),
        // half the cases run on the generated profile
        profileFlag: fc.boolean().map((b) => (!b ? [] : cmd === 'compare' || cmd === 'sweep' ? ['--profiles', 'linux-6.5,gen.json'] : ['--profile', 'gen.json'])),
        job: jobFileText,
        profile: profileText,
        fioJson: fioJsonText(fixture),
      })
      .map(({ positionals, flags, profileFlag, job, profile, fioJson }) => ({
        argv: [cmd, ...positionals, ...(Object.hasOwn(BOUNDS, cmd) ? (BOUNDS[cmd] ?? []) : []), ...profileFlag, ...flags.flat()],
        files: { 'gen.fio': job, 'gen.json': profile, 'genfio.json': fioJson },
      })),
  );
}

/** A directory with the fixed files every case may name: a good job, profile and fio result, directories, a file of bytes. */
export function fuzzDir(fixturePath: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dio-cli-fuzz-'));
  mkdirSync(join(dir, 'adir'));
  mkdirSync(join(dir, 'dir.json'));
  writeFileSync(join(dir, 'job.fio'), `[w]\n${VALID_JOB.join('\n')}\ntime_based=1\nruntime=1ms\n`);
  writeFileSync(join(dir, 'p.json'), JSON.stringify({ extends: 'linux-6.5', name: 'mine', device: { irqmode: 'softirq' } }));
  cpSync(fixturePath, join(dir, 'fio.json'));
  return dir;
}

/** Run one case in `dir` through main(), on this thread. */
export async function runCase(c: CliCase, dir: string): Promise<CaseOutcome> {
  for (const [name, text] of Object.entries(c.files)) writeFileSync(join(dir, name), text);
  let out = '';
  let err = '';
  const t0 = performance.now();
  const code = await main(c.argv, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`), isTTY: false, cwd: dir }, null);
  return { code, out, err, ms: performance.now() - t0 };
}

/** What is wrong with an outcome, or null: exit 0/1/2, every stderr line one `dio:` message, no stack trace, in time. */
export function outcomeProblem(o: CaseOutcome, maxMs: number): string | null {
  if (![0, 1, 2].includes(o.code)) return `exit code ${o.code}`;
  const lines = o.err.split('\n').filter((l) => l !== '');
  // `dio: …` messages, and `dio fuzz: …` reports of the fuzz command
  const bad = lines.find((l) => !/^dio( fuzz)?: /.test(l));
  if (bad !== undefined) return `stderr line not a dio: message: ${JSON.stringify(bad.slice(0, 200))}`;
  if (o.code !== 0 && lines.length === 0) return `exit ${o.code} without a message`;
  if (lines.some((l) => l.length > 1200)) return 'an error line longer than 1200 characters';
  if (/\n\s+at /.test(`\n${o.err}`) || /^\s+at .*:\d+:\d+\)?$/m.test(o.out)) return 'stack trace in the output';
  if (o.ms > maxMs) return `took ${Math.round(o.ms)} ms (limit ${maxMs} ms)`;
  return null;
}

/** The argv of a case as a shell-like line for a report (long values shortened). */
export function caseLabel(c: CliCase): string {
  return c.argv.map((a) => JSON.stringify(a.length > 60 ? `${a.slice(0, 40)}…(${a.length})` : a)).join(' ');
}
