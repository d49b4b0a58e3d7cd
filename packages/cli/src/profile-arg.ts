/**
 * `--profile` / `--profiles` / `--policies` arguments: shipped names or JSON files.
 * @module
 */
import { readFileSync } from 'node:fs';
import { type KernelProfile, parseProfile, PROFILE_FOR_POLICY, profileByName, PROFILES } from '@dio/fio';
import { UsageError } from './errors';

/** A shipped profile name, or a path to a profile JSON file. */
export function loadProfile(arg: string): KernelProfile {
  if (PROFILES[arg] !== undefined) return profileByName(arg);
  if (arg.endsWith('.json')) return parseProfile(readFileSync(arg, 'utf8'), arg);
  throw new UsageError(`unknown profile '${arg}': use one of ${Object.keys(PROFILES).join(', ')} or a .json file`);
}

/**
 * The shipped profile `p` derives from, for a written profile's `extends`:
 * a profile loaded from `x.json` is named `<shipped>+x.json`; otherwise the
 * shipped profile of the same kernel version, else the stock kernel.
 */
export function shippedRoot(p: KernelProfile): string {
  const root = p.name.split('+')[0] ?? '';
  if (PROFILES[root] !== undefined) return root;
  return Object.values(PROFILES).find((x) => x.version === p.version)?.name ?? 'linux-6.5';
}

/** `--profiles a,b.json` → profiles, in order. */
export function parseProfileList(list: string): KernelProfile[] {
  return list.split(',').map((s) => loadProfile(s.trim()));
}

/** `--policies workqueue,caller` → the default profile of each policy. */
export function profilesForPolicies(list: string): KernelProfile[] {
  return list.split(',').map((p) => {
    const name = (PROFILE_FOR_POLICY as Record<string, string>)[p.trim()];
    if (name === undefined) throw new UsageError(`unknown policy '${p}': use workqueue, caller or inline`);
    return profileByName(name);
  });
}

/** `--qd 1,2,4` → numbers. */
export function parseQds(list: string): number[] {
  const qds = list.split(',').map((s) => Number(s.trim()));
  for (const q of qds) if (!Number.isInteger(q) || q < 1 || q > 65536) throw new UsageError(`--qd: '${list}' must be a comma-separated list of depths 1..65536`);
  return qds;
}

/** `--seed 7` → an integer. */
export function parseSeed(s: string): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new UsageError(`--seed: '${s}' is not an integer`);
  return n;
}

/** `--jobs 4` → a positive integer; undefined when not given (one worker per CPU). */
export function parseJobs(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--jobs: '${s}' must be a positive integer`);
  return n;
}
