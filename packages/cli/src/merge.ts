/**
 * `dio merge a.json b.json …`: the shard documents of one `--shard i/n` run
 * put back together into exactly what the unsharded run prints (`--format
 * json` by default, or its text). Shards of different commands, versions,
 * counts or work are refused, naming the files and what differs; missing
 * or repeated shard indices are named.
 * @module
 */
import type { ZodError } from 'zod';
import type { UserFs } from './user-fs';
import { type CompareCell, type CompareLength, compareHeading, compareJson, formatTable, type LengthJson } from './compare';
import type { Provenance } from './report/provenance';
import { failedMessage, formatSummary, fuzzJson, fuzzSummary, type FuzzSummary } from './dst/fuzz';
import { FuzzFailed, UsageError } from './errors';
import { type CalibrateWork, shardDocs, shardEnvelope, type CompareWork, type ShardDoc, type SweepWork } from './shard-doc';
import type { CalibrateCell } from './calibrate/fit';
import { finishCalibrate } from './calibrate/command';
import { shardIndices } from './shard';
import { formatSweepTable, type SweepCell, sweepHeading, sweepJson } from './sweep';

/** A shard document and the file it came from. */
export interface ShardInput {
  readonly file: string;
  readonly text: string;
}

/** Shards put back together. */
export type Merged =
  | { readonly command: 'compare'; readonly work: CompareWork; readonly cells: readonly CompareCell[]; readonly provenance: Provenance }
  | { readonly command: 'sweep'; readonly work: SweepWork; readonly cells: readonly SweepCell[]; readonly provenance: Provenance }
  | { readonly command: 'fuzz'; readonly summary: FuzzSummary }
  | { readonly command: 'calibrate'; readonly work: CalibrateWork; readonly found: readonly CalibrateCell[] };

const fail = (msg: string): never => {
  throw new UsageError(`merge: ${msg}`);
};

const firstIssue = (e: ZodError): string => {
  const i = e.issues[0];
  return i === undefined ? 'invalid' : `${i.path.join('.') || '(top)'}: ${i.message}`;
};

/** A value as an error message shows it: profiles as name@hash, anything else as short JSON. */
function show(v: unknown): string {
  if (Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null && 'name' in x && 'sha256' in x)) {
    return (v as { name: string; sha256: string }[]).map((p) => `${p.name}@${p.sha256.slice(0, 8)}`).join(',');
  }
  const s = JSON.stringify(v) ?? 'nothing';
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Up to 8 file names. */
const fileList = (files: readonly string[]): string => (files.length <= 8 ? files.join(', ') : `${files.slice(0, 8).join(', ')} and ${files.length - 8} more`);

/** Parse every input and check they are the shards of one run: same command, version, count and work; each index once. */
function readShards(inputs: readonly ShardInput[]): { file: string; doc: ShardDoc }[] {
  const envs = inputs.map(({ file, text }) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return fail(`${file}: not JSON (${(e as Error).message})`);
    }
    const env = shardEnvelope.safeParse(json);
    if (!env.success) return fail(`${file}: not a dio shard document (print one with --shard i/n --format json)`);
    return { file, json, h: env.data.dio_shard };
  });
  const [a] = envs;
  if (a === undefined) return fail('give the shard documents to merge');
  for (const b of envs) {
    if (b.h.command !== a.h.command) fail(`${a.file} is a ${a.h.command} shard, ${b.file} a ${b.h.command} shard`);
    if (b.h.version !== a.h.version) fail(`${a.file} is from dio ${a.h.version}, ${b.file} from dio ${b.h.version}: run every shard with one dio version`);
    if (b.h.count !== a.h.count) fail(`${a.file} is shard ${a.h.index}/${a.h.count}, ${b.file} shard ${b.h.index}/${b.h.count}: shards of different counts overlap`);
  }
  const docs = envs.map(({ file, json }) => {
    const d = shardDocs[a.h.command].safeParse(json);
    return d.success ? { file, doc: d.data as ShardDoc } : fail(`${file}: not a valid ${a.h.command} shard (${firstIssue(d.error)})`);
  });
  const first = docs[0] as { file: string; doc: ShardDoc };
  const w0: Record<string, unknown> = first.doc.dio_shard.work;
  for (const { file, doc } of docs) {
    const w: Record<string, unknown> = doc.dio_shard.work;
    for (const k of new Set([...Object.keys(w0), ...Object.keys(w)])) {
      if (JSON.stringify(w0[k]) !== JSON.stringify(w[k])) fail(`${first.file} and ${file} differ in ${k} (${show(w0[k])} vs ${show(w[k])})`);
    }
  }
  const n = a.h.count;
  const byIndex = new Map<number, string[]>();
  for (const { file, doc } of docs) byIndex.set(doc.dio_shard.index, [...(byIndex.get(doc.dio_shard.index) ?? []), file]);
  const problems = [...byIndex].filter(([, f]) => f.length > 1).map(([i, f]) => `shard ${i}/${n} given more than once (${f.join(', ')})`);
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) problems.push(`shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${n} missing (given: ${fileList(docs.map((d) => d.file))})`);
  if (problems.length > 0) fail(problems.join('; '));
  return docs;
}

/** The results of indexed shards in point order; each shard must hold exactly its points. */
function inOrder<R>(docs: readonly { file: string; doc: { dio_shard: { index: number; count: number; points: number }; results: readonly { index: number; result: R }[] } }[]): R[] {
  const out = new Array<R>(docs[0]?.doc.dio_shard.points ?? 0);
  for (const { file, doc } of docs) {
    const h = doc.dio_shard;
    const want = shardIndices(h.points, h).join(',');
    if (doc.results.map((r) => r.index).join(',') !== want || h.points !== out.length) fail(`${file}: its results are not the points of shard ${h.index}/${h.count}`);
    for (const r of doc.results) out[r.index] = r.result;
  }
  return out;
}

/**
 * The provenance of the run: every shard's must agree but for the machine it
 * ran on (a cluster's nodes differ); the merged output carries shard 0's.
 */
function sameProvenance(docs: readonly { file: string; doc: { dio_shard: { index: number }; provenance: Provenance } }[]): Provenance {
  const first = [...docs].sort((a, b) => a.doc.dio_shard.index - b.doc.dio_shard.index)[0];
  if (first === undefined) return fail('no shards');
  const key = (p: Provenance): string => JSON.stringify({ ...p, machine: '' });
  for (const { file, doc } of docs) {
    if (key(doc.provenance) !== key(first.doc.provenance)) fail(`${first.file} and ${file} differ in provenance (command line, workload or profiles)`);
  }
  return first.doc.provenance;
}

/** Merge the shard documents of one run. */
export function mergeShards(inputs: readonly ShardInput[]): Merged {
  const docs = readShards(inputs);
  const first = docs[0]?.doc;
  switch (first?.dio_shard.command) {
    case 'compare': {
      const d = docs as { file: string; doc: Extract<ShardDoc, { dio_shard: { command: 'compare' } }> }[];
      return { command: 'compare', work: first.dio_shard.work as CompareWork, cells: inOrder(d) as unknown as CompareCell[], provenance: sameProvenance(d) };
    }
    case 'sweep': {
      const d = docs as { file: string; doc: Extract<ShardDoc, { dio_shard: { command: 'sweep' } }> }[];
      return { command: 'sweep', work: first.dio_shard.work as SweepWork, cells: inOrder(d) as unknown as SweepCell[], provenance: sameProvenance(d) };
    }
    case 'fuzz': {
      const d = docs.map((x) => x.doc as Extract<ShardDoc, { dio_shard: { command: 'fuzz' } }>);
      const { from, seeds } = d[0]?.dio_shard.work ?? { from: 0, seeds: 0 };
      for (const [i, x] of d.entries()) {
        if (x.results.traceHashes.length !== shardIndices(seeds, x.dio_shard).length) fail(`${docs[i]?.file}: its results are not the seeds of shard ${x.dio_shard.index}/${x.dio_shard.count}`);
      }
      return { command: 'fuzz', summary: fuzzSummary(from, seeds, d.map((x) => ({ shard: x.dio_shard, tally: x.results }))) };
    }
    case 'calibrate': {
      const d = docs as { file: string; doc: Extract<ShardDoc, { dio_shard: { command: 'calibrate' } }> }[];
      return { command: 'calibrate', work: first.dio_shard.work as CalibrateWork, found: inOrder(d) as unknown as CalibrateCell[] };
    }
    default:
      return fail('no shards');
  }
}

/** What the unsharded run prints: its `--format json` document, or its text (the table, the fuzz summary). */
export function renderMerged(m: Exclude<Merged, { command: 'calibrate' }>, format: 'json' | 'text'): string {
  switch (m.command) {
    case 'compare':
    {
      const w = m.work;
      const length: CompareLength = w.number_ios !== undefined ? { ios: w.number_ios } : { runtime: w.runtime as string };
      const lengthJson: LengthJson = w.number_ios !== undefined ? { number_ios: w.number_ios } : { runtime_ns: w.runtime_ns as number };
      return format === 'json' ? compareJson(m.cells, w.seed, lengthJson, w.ramp_time_ns, m.provenance) : `${compareHeading({ engine: w.engine, rampTime: w.ramp_time, length, profiles: w.profiles }, w.seed)}\n${formatTable(m.cells, w.profiles)}`;
    }
    case 'sweep': {
      const combinations = m.work.set.reduce((a, s) => a * s.values.length, 1);
      return format === 'json' ? sweepJson(m.cells, m.work.seed, m.provenance) : `${sweepHeading(m.work.file, combinations, m.work.profiles.length, m.work.seed)}\n${formatSweepTable(m.cells, m.work.profiles)}`;
    }
    case 'fuzz':
      return format === 'json' ? fuzzJson(m.summary) : formatSummary(m.summary).join('\n');
  }
}

/**
 * `dio merge`: read, merge, print (or write `out`); a merged fuzz campaign
 * with failing seeds exits 1, as the unsharded run. Calibrate shards hold
 * the searches; the merge finishes the fit as the unsharded run does (the
 * leave-one-out refits and probes) and writes the profile where the shards'
 * `--out` said, or to `out`.
 */
export async function mergeCommand(io: { out(s: string): void; isTTY: boolean }, fs: UserFs, files: readonly string[], o: { out?: string; format: 'json' | 'text' }, workerEntry: URL | null): Promise<void> {
  const print = (s: string): void => io.out(s);
  const m = mergeShards(files.map((file) => ({ file, text: fs.read(file, 'shard document') })));
  if (m.command === 'calibrate') {
    await finishCalibrate(io, fs, o.out === undefined ? m.work : { ...m.work, out: o.out }, m.found, { quiet: false, workerEntry });
    return;
  }
  const text = renderMerged(m, o.format);
  if (o.out === undefined) print(text);
  else fs.write(o.out, `${text}\n`, 'merged output');
  if (m.command === 'fuzz' && m.summary.failed.length > 0) throw new FuzzFailed(failedMessage(m.summary));
}
