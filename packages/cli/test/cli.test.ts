import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli';

const dir = mkdtempSync(join(tmpdir(), 'dio-cli-'));
const job = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** The shape of a JSON value: keys in order and value kinds, recursively (numbers as "number"). */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length > 0 ? [shape(v[0])] : [];
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
  return typeof v;
}

/** For each key with a numeric value in fio-printed JSON: whether it printed as an integer or a %f float. */
function numberKinds(text: string): Record<string, string> {
  const kinds: Record<string, Set<string>> = {};
  for (const m of text.matchAll(/"([^"]+)" : (-?\d+(\.\d+)?)\s*,?$/gm)) {
    const key = /^\d+\.\d{6}$/.test(m[1] ?? '') ? '<percentile>' : (m[1] ?? '');
    (kinds[key] ??= new Set()).add(m[3] === undefined ? 'int' : 'float');
  }
  const out: Record<string, string> = {};
  for (const k of Object.keys(kinds).sort()) out[k] = [...(kinds[k] ?? [])].sort().join('|');
  return out;
}

describe('dio run', () => {
  const qd4 = job(
    'qd4.fio',
    `; the fixture's job, on the emulated stack
[w]
filename=data.bin
size=1g
norandommap=1
randrepeat=0
rw=randwrite
bs=4k
direct=1
time_based=1
runtime=20ms
cpus_allowed=1
ioengine=io_uring
iodepth=4
`,
  );

  it('prints JSON with the structure of real fio 3.33 output (keys, order, types)', async () => {
    const r = await cli('run', qd4, '--output-format', 'json', '--profile', 'linux-6.6');
    expect(r.code).toBe(0);
    const got = JSON.parse(r.out) as { jobs: { write: { iops: number; clat_ns: { percentile: Record<string, number> } } }[] };
    const want = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'fio-3.33-randwrite-io_uring-qd4.json'), 'utf8')) as Record<string, unknown>;
    const job0 = (x: Record<string, unknown>) => (x.jobs as Record<string, unknown>[])[0] as Record<string, unknown>;
    const strip = (j: Record<string, unknown>) => {
      const { 'job options': _o, ...rest } = j;
      return rest;
    };
    expect(shape(strip(job0(got as unknown as Record<string, unknown>)))).toEqual(shape(strip(job0(want))));
    expect(Object.keys(got)).toEqual(Object.keys(want));
    // and every number prints with fio's C type (%lld integer vs %f float), key by key
    expect(numberKinds(r.out)).toEqual(numberKinds(readFileSync(join(__dirname, 'fixtures', 'fio-3.33-randwrite-io_uring-qd4.json'), 'utf8')));
    expect(got.jobs[0]?.write.iops).toBeGreaterThan(10_000);
    expect(got.jobs[0]?.write.clat_ns.percentile['99.000000']).toBeGreaterThan(0);
  });

  it('writes latency logs in fio\'s format and the normal text report', async () => {
    const prefix = join(dir, 'wal');
    const f = job('log.fio', `[w]\nsize=16m\nrw=write\nbs=8k\ndirect=1\nnumber_ios=500\nioengine=psync\nsync=dsync\nwrite_lat_log=${prefix}\n`);
    const r = await cli('run', f, '--profile', 'linux-6.19');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^w: \(groupid=0, jobs=1\): err= 0: pid=\d+/m);
    expect(r.out).toMatch(/write: IOPS=[\d.]+k?, BW=/);
    const clat = readFileSync(`${prefix}_clat.1.log`, 'utf8').trim().split('\n');
    expect(clat).toHaveLength(500);
    for (const line of clat) expect(line).toMatch(/^\d+, \d+, 1, 8192, 0$/);
  });

  it('is deterministic for a seed (timestamps aside)', async () => {
    const a = JSON.parse((await cli('run', qd4, '--output-format', 'json', '--seed', '3')).out) as { jobs: unknown[] };
    const b = JSON.parse((await cli('run', qd4, '--output-format', 'json', '--seed', '3')).out) as { jobs: unknown[] };
    expect(JSON.stringify(a.jobs)).toBe(JSON.stringify(b.jobs));
  });

  it('reports bad job files, bad options and bad profiles in one line with exit code 1', async () => {
    const bad = job('bad.fio', '[x]\nsize=1m\nfrobnicate=3\n');
    const r1 = await cli('run', bad);
    expect(r1.code).toBe(1);
    expect(r1.err.trim()).toMatch(/^dio: .*bad\.fio:3: bad option <frobnicate=3>: fio has no option 'frobnicate'$/);
    const badProfile = job('p.json', '{"costs": {"syscall": -1}}');
    const r2 = await cli('run', qd4, '--profile', badProfile);
    expect(r2.code).toBe(1);
    expect(r2.err.trim()).toMatch(/^dio: .*p\.json: field 'costs\.syscall'/);
    const r3 = await cli('compare', '--qd', 'zero');
    expect(r3.code).toBe(1);
    expect(r3.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect((await cli('run', join(dir, 'missing.fio'))).code).toBe(1);
    expect((await cli('bogus-command')).code).toBe(2);
  });
});

/** A trace event, as much of it as these checks read. */
interface TraceEv {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: Record<string, unknown>;
}

/**
 * Per CPU track: `X` slices do not overlap, and every `B`/`E` pair (stably
 * sorted by ts, as Perfetto reads them) nests, inside one `X` slice of the
 * same pid. Times compared in ns (the µs values are ns / 1000). Returns the
 * pairs with the slice each lies in.
 */
function nestedSlices(ev: readonly TraceEv[]): { tid: number; name: string; parent: string; items: unknown }[] {
  const ns = (us: number): number => Math.round(us * 1000);
  const out: { tid: number; name: string; parent: string; items: unknown }[] = [];
  for (const tid of new Set(ev.filter((e) => e.pid === 1 && e.ph !== 'M').map((e) => e.tid))) {
    const track = ev.map((e, i) => ({ e: { ...e, ts: ns(e.ts), dur: ns(e.dur ?? 0) }, i })).filter(({ e }) => e.pid === 1 && e.tid === tid);
    const xs = track.filter(({ e }) => e.ph === 'X').sort((a, b) => a.e.ts - b.e.ts);
    for (let k = 1; k < xs.length; k++) expect(xs[k]!.e.ts).toBeGreaterThanOrEqual(xs[k - 1]!.e.ts + xs[k - 1]!.e.dur);
    const stack: TraceEv[] = [];
    for (const { e } of track.filter(({ e }) => e.ph === 'B' || e.ph === 'E').sort((a, b) => a.e.ts - b.e.ts || a.i - b.i)) {
      if (e.ph === 'B') {
        stack.push(e);
        continue;
      }
      const b = stack.pop();
      expect(b?.name).toBe(e.name);
      const x = xs.find(({ e: s }) => s.ts <= b!.ts && e.ts <= s.ts + s.dur);
      expect(x?.e.args?.['pid'], `${e.name} at ${b!.ts} ns on CPU ${tid} inside its task's slice`).toBe(b!.args?.['pid']);
      out.push({ tid, name: e.name, parent: x!.e.name, items: b!.args?.['items'] });
    }
    expect(stack).toEqual([]);
  }
  return out;
}

describe('dio trace', () => {
  it('draws io_run_local_work (DEFER_TASKRUN) inside fio\'s slice on its CPU, softirq when the device completes there, and every B/E pair nests', async () => {
    const j = job('trace.fio', '[w]\nfilename=data.bin\nsize=1g\nrw=randwrite\nbs=4k\ndirect=1\nioengine=io_uring\niodepth=4\ncpus_allowed=1\ntime_based=1\nruntime=200us\n');
    const softirq = join(dir, 'softirq.json');
    writeFileSync(softirq, JSON.stringify({ extends: 'linux-6.5', name: 'softirq', device: { irqmode: 'softirq' } }));
    for (const [profile, slices] of [
      ['linux-6.5', ['fio', 'hardirq:nullb0q1', 'io_run_local_work', 'kworker/1:0']],
      [softirq, ['fio', 'hardirq:nullb0q1', 'io_run_local_work', 'kworker/1:0', 'softirq:BLOCK_SOFTIRQ']],
    ] as const) {
      const out = join(dir, 'trace.json');
      const r = await cli('trace', j, '--out', out, '--profile', profile, '--quiet');
      expect(r.code).toBe(0);
      const ev = (JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: TraceEv[] }).traceEvents;
      const nested = nestedSlices(ev);
      expect(nested.length).toBeGreaterThan(10);
      for (const n of nested) expect([n.tid, n.name, n.parent]).toEqual([1, 'io_run_local_work', 'fio']);
      expect(nested.every((n) => typeof n.items === 'number' && n.items > 0)).toBe(true);
      const names = new Set(ev.filter((e) => e.pid === 1 && e.tid === 1 && (e.ph === 'X' || e.ph === 'B')).map((e) => e.name));
      expect([...names].sort()).toEqual(slices);
    }
  });
});

describe('dio compare', () => {
  it('prints the QD | Stock | Patched | Diff table', async () => {
    const r = await cli('compare', '--qd', '1,4', '--runtime', '5ms', '--quiet');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[1]).toMatch(/^QD \| Stock \(linux-6\.5\) \| Patched \(linux-6\.6-rc1\) \| Diff/);
    expect(lines[3]).toMatch(/^ 1 \| \d+K +\| \d+K +\| \+\d+\.\d%/);
  });

  it('heads other profiles by their names: Stock / Patched is the series\' pair only', async () => {
    const r = await cli('compare', '--qd', '1', '--runtime', '5ms', '--quiet', '--profiles', 'linux-6.5,linux-6.19');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')[1]).toMatch(/^QD \| linux-6\.5 \| linux-6\.19 \| Diff linux-6\.19$/);
    const p = await cli('compare', '--qd', '1', '--runtime', '5ms', '--quiet', '--policies', 'workqueue,caller');
    expect(p.out.trim().split('\n')[1]).toMatch(/^QD \| Stock \(linux-6\.5\) \| Patched \(linux-6\.6-rc1\) \| Diff$/);
  });

  it('--format json gives the documented object', async () => {
    const r = await cli('compare', '--qd', '2', '--policies', 'workqueue,caller,inline', '--runtime', '5ms', '--format', 'json', '--seed', '9');
    const j = JSON.parse(r.out) as { results: { qd: number; policy: string; profile: string; iops: number; clat_ns: Record<string, number> }[]; seed: number; runtime_ns: number };
    expect(j.seed).toBe(9);
    expect(j.runtime_ns).toBe(5_000_000);
    expect(j.results.map((x) => [x.qd, x.policy, x.profile])).toEqual([
      [2, 'workqueue', 'linux-6.5'],
      [2, 'caller', 'linux-6.6-rc1'],
      [2, 'inline', 'linux-6.19'],
    ]);
    for (const x of j.results) expect(Object.keys(x.clat_ns)).toEqual(['mean', 'p50', 'p99', 'p99.9']);
  });
});

describe('dio calibrate', () => {
  it('fits the cost table to a real fio JSON result and writes a loadable profile', async () => {
    const out = join(dir, 'fitted.json');
    const fixture = join(__dirname, 'fixtures', 'fio-3.33-randwrite-io_uring-qd4.json');
    const r = await cli('calibrate', fixture, '--out', out, '--starts', '2', '--evaluations', '40', '--runtime', '10ms', '--quiet');
    expect(r.code, r.err).toBe(0);
    const row = r.out.split('\n').find((l) => l.startsWith('io_uring QD4 | IOPS |'));
    const err = Number(/\| ([+-][\d.]+)% \|/.exec(row ?? '')?.[1]);
    expect(Math.abs(err)).toBeLessThan(15);
    const p = JSON.parse(readFileSync(out, 'utf8')) as { extends: string; device: { write_latency: { mean: number } } };
    expect(p.extends).toBe('linux-6.6');
    // the fixture's mean clat is ~77 µs at QD4 on a VM disk: the device latency must move far from the 4 µs default
    // (one point cannot tell it from the other latencies the fit scales, so how far depends on the search)
    expect(p.device.write_latency.mean).toBeGreaterThan(8_000);
    const run = await cli('run', job('after.fio', '[w]\nsize=64m\nrw=randwrite\nbs=4k\ndirect=1\ntime_based=1\nruntime=5ms\nioengine=io_uring\niodepth=4\n'), '--profile', out, '--output-format', 'json');
    expect(run.code).toBe(0);
    expect((await cli('calibrate', join(dir, 'after.fio'), '--out', out)).code).toBe(1);
  }, 60_000);
});
