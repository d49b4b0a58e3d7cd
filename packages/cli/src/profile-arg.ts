/**
 * `--profile` / `--profiles` / `--policies` arguments: shipped names or JSON files.
 * @module
 */
import { type KernelProfile, parseProfile, profileForPolicy, PROFILES, shippedProfile } from '@dio/fio';
import { UsageError } from './errors';
import { type UserFs, userFs } from './user-fs';

/** A shipped profile name, or a path to a profile JSON file (read through `files`, relative to the user's directory). */
export function loadProfile(arg: string, files: UserFs = userFs(process.cwd())): KernelProfile {
  const shipped = shippedProfile(arg);
  if (shipped !== undefined) return shipped;
  if (arg.endsWith('.json')) return parseProfile(files.read(arg, 'profile'), arg);
  throw new UsageError(`unknown profile '${arg}': use one of ${Object.keys(PROFILES).join(', ')} or a .json file`);
}

/**
 * The shipped profile `p` derives from, for a written profile's `extends`:
 * a profile loaded from `x.json` is named `<shipped>+x.json`; otherwise the
 * shipped profile of the same kernel version, else the stock kernel.
 */
export function shippedRoot(p: KernelProfile): string {
  const root = p.name.split('+')[0] ?? '';
  if (shippedProfile(root) !== undefined) return root;
  return Object.values(PROFILES).find((x) => x.version === p.version)?.name ?? 'linux-6.5';
}

/** `--profiles a,b.json` → profiles, in order; two with the same name would share a column, so they are refused. */
export function parseProfileList(list: string, files?: UserFs): KernelProfile[] {
  const args = list.split(',').map((s) => s.trim());
  const profiles = args.map((a) => loadProfile(a, files));
  const seen = new Map<string, string>();
  profiles.forEach((p, i) => {
    const arg = args[i] ?? '';
    const first = seen.get(p.name);
    if (first !== undefined) throw new UsageError(`--profiles: '${first}' and '${arg}' are both named '${p.name}': give each profile file its own "name"`);
    seen.set(p.name, arg);
  });
  return profiles;
}

/** `--policies workqueue,caller` → the default profile of each policy. */
export function profilesForPolicies(list: string): KernelProfile[] {
  const names = list.split(',').map((p) => {
    const name = profileForPolicy(p.trim());
    if (name === undefined) throw new UsageError(`unknown policy '${p}': use workqueue, caller or inline`);
    return name;
  });
  return parseProfileList(names.join(','));
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

/** `--starts 8` → an integer in 1..max (a larger one is refused, not run for ever). */
export function parseCount(flag: string, s: string, max: number, min = 1): number {
  const n = Number(s);
  if (!/^\s*\d+\s*$/.test(s) || !Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag}: '${s}' must be an integer in ${min}..${max}`);
  return n;
}

/** `--jobs 4` → a positive integer; undefined when not given (one worker per CPU). */
export function parseJobs(s: string | undefined): number | undefined {
  return s === undefined ? undefined : parseCount('--jobs', s, 1024);
}
