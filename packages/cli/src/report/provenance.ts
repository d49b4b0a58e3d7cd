/**
 * Where a result came from: dio version, command line, workload, seed,
 * profiles (with their JSON) and machine. Printed as the `provenance` key of
 * `compare`/`sweep --format json` and shown at the end of every report.
 * @module
 */
import { availableParallelism, cpus, arch, platform } from 'node:os';
import type { KernelProfile } from '@dio/fio';
import { DIO_VERSION } from '../version';

/** Provenance as printed in JSON. */
export interface Provenance {
  readonly dio_version: string;
  readonly command: string;
  /** One line: the job and its parameters, ending in "simulated". */
  readonly workload: string;
  readonly seed: number;
  readonly profiles: readonly { readonly name: string; readonly json: string }[];
  readonly machine: string;
}

/** Options that change no result (where output goes, parallelism, progress), with whether they take a value. */
const NEUTRAL: Readonly<Record<string, boolean>> = { '--jobs': true, '--quiet': false, '--format': true, '--output-format': true, '--report': true, '--plot': true, '--shard': true, '-o': true, '--out': true };

/**
 * The command line that made a result, shell-quoted, without the options that
 * change no result — so the JSON is the same whatever the parallelism or the
 * output files (`--jobs 1` and `--jobs 2` print the same bytes).
 */
export function commandLine(argv: readonly string[]): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const name = a.split('=')[0] as string;
    const takesValue = NEUTRAL[name];
    if (takesValue === undefined) kept.push(a);
    else if (takesValue && !a.includes('=')) i++;
  }
  return ['dio', ...kept].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ');
}

/** The provenance of a run of `argv` on `profiles`. */
export function provenance(argv: readonly string[], workload: string, seed: number, profiles: readonly KernelProfile[]): Provenance {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return {
    dio_version: DIO_VERSION,
    command: commandLine(argv),
    workload,
    seed,
    profiles: profiles.map((p) => ({ name: p.name, json: JSON.stringify(p, null, 2) })),
    machine: `${model}, ${availableParallelism()} CPUs, ${platform()} ${arch()}, node ${process.versions.node}`,
  };
}
