import { describe, expect, it } from 'vitest';
import { sleep } from './requests';
import { Simulator } from './simulator';
import { syscall } from './syscall';
import type { TraceRecord, TraceSink } from './trace';
import { type ChromeEvent, ChromeJsonTraceWriter, toChromeTrace } from './trace-export';
import { PERFETTO_FIELDS, PerfettoProtoTraceWriter, TYPE_INSTANT, TYPE_SLICE_BEGIN, TYPE_SLICE_END } from './trace-proto';
import { traceWindow } from './trace-window';
import { waitEvent, WaitQueue } from './waitqueue';

const CPUS = 3;

/**
 * Four tasks on CPUs 0-1 submitting I/Os completed by IRQs (spans, instants,
 * flows, task_work nested slices), and a task alone on CPU 2 that spends
 * `spins` µs without ever being interrupted: one CPU slice growing for the
 * whole run.
 */
function workload(sim: Simulator, loops: number, spins: number): void {
  const rng = sim.rng.fork('load');
  const dev = sim.rng.fork('dev');
  const wq = new WaitQueue('q');
  let inflight = 0;
  let id = 0;
  for (let i = 0; i < 4; i++) {
    const t = sim.spawn(
      `fio/${i}`,
      function* () {
        for (let k = 0; k < loops; k++) {
          yield rng.int(100, 5_000);
          yield* syscall(
            (function* () {
              yield rng.int(100, 1_000);
              const io = ++id;
              inflight++;
              sim.traceSpan('b', io, 'write', { io });
              sim.trace('block_rq_issue', { io, big: 2 ** 40, neg: -5, frac: 0.5, ok: true, who: 'fio' });
              sim.traceFlow('s', io, 'dio');
              sim.after(dev.int(1_000, 30_000), () =>
                sim.raiseIrq(sim.cpus[io % 2]!, 'nvme', function* () {
                  yield 300;
                  sim.trace('block_rq_complete', { io });
                  sim.traceFlow('f', io, 'dio');
                  sim.traceSpan('e', io, 'write');
                  inflight--;
                  wq.wakeUpAll();
                  sim.taskWorkAdd(t, { name: 'tw', fn: function* () { yield 50; } }, 'TWA_SIGNAL');
                }),
              );
              if (inflight > 3) yield* waitEvent(wq, () => inflight <= 3);
            })(),
          );
          if (rng.chance(0.3)) yield sleep(rng.int(1, 20_000));
        }
      },
      { cpusAllowed: [0, 1] },
    );
  }
  sim.spawn(
    'spinner',
    function* () {
      for (let k = 0; k < spins; k++) yield 1_000;
    },
    { cpusAllowed: [2] },
  );
}

/** The workload's records, kept in memory. */
function inMemory(loops: number, spins: number): TraceRecord[] {
  const sim = new Simulator({ seed: 7, cpus: CPUS, trace: true });
  workload(sim, loops, spins);
  sim.run();
  return sim.tracer.records;
}

/** The workload streamed to `sink`, with `maxPending` records at most waiting in the tracer. */
function streamed(loops: number, spins: number, sink: (sim: Simulator) => TraceSink, maxPending?: number): Simulator {
  const sim = new Simulator({ seed: 7, cpus: CPUS, trace: true });
  if (maxPending !== undefined) sim.tracer.maxPending = maxPending;
  sim.tracer.stream(sink(sim));
  workload(sim, loops, spins);
  sim.run();
  sim.tracer.finish();
  return sim;
}

describe('streaming a trace', () => {
  it('writes the same JSON bytes as exporting the records kept in memory', () => {
    const whole = JSON.stringify(toChromeTrace(inMemory(40, 300), { cpus: CPUS, title: 't' }));
    let out = '';
    let writer: ChromeJsonTraceWriter | null = null;
    const sim = streamed(40, 300, () => (writer = new ChromeJsonTraceWriter((c) => (out += c), { cpus: CPUS, title: 't' })));
    expect(sim.tracer.records).toEqual([]);
    expect(out.length).toBeGreaterThan(50_000);
    expect(out).toBe(whole);
    expect((writer as ChromeJsonTraceWriter | null)?.records).toBeGreaterThan(1_000);
  });

  it('keeps bounded memory however long the run: records waiting in the tracer and characters waiting in the writer', () => {
    let maxPending = 0;
    let maxBuffered = 0;
    let chunks = 0;
    let records = 0;
    let json = '';
    const sim = streamed(
      600,
      16_000,
      (s) => {
        const w = new ChromeJsonTraceWriter((c) => {
          chunks++;
          json += c;
        }, { cpus: CPUS });
        return {
          record: (r) => {
            records++;
            maxPending = Math.max(maxPending, s.tracer.pendingRecords);
            w.record(r);
            maxBuffered = Math.max(maxBuffered, w.buffered);
          },
          end: () => w.end(),
        };
      },
      200,
    );
    expect(records).toBeGreaterThan(50 * 200);
    expect(sim.tracer.pendingRecords).toBe(0);
    expect(maxPending).toBeLessThanOrEqual(201);
    expect(maxBuffered).toBeLessThan((1 << 16) + 1_000);
    expect(chunks).toBeGreaterThan(10);
    // the spinner's one long stretch was cut into back-to-back slices that add up to all its time
    const ev = (JSON.parse(json) as { traceEvents: ChromeEvent[] }).traceEvents;
    const spin = ev.filter((e) => e.ph === 'X' && e.name === 'spinner');
    expect(spin.length).toBeGreaterThan(1);
    for (let i = 1; i < spin.length; i++) expect(spin[i]!.ts).toBeCloseTo(spin[i - 1]!.ts + spin[i - 1]!.dur!, 6);
    const total = spin.reduce((a, e) => a + e.dur!, 0);
    expect(total).toBeGreaterThanOrEqual(16_000); // µs: its 16,000 spends of 1 µs, and its start-up
    expect(total).toBeLessThan(16_010);
  });
});

/** A minimal protobuf reader: the fields of one message, in order. */
function fields(buf: Uint8Array): [number, number | Uint8Array][] {
  const out: [number, number | Uint8Array][] = [];
  let i = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = buf[i++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  };
  while (i < buf.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    switch (tag & 7) {
      case 0:
        out.push([field, Number(BigInt.asIntN(64, varint()))]);
        break;
      case 1:
        out.push([field, buf.subarray(i, i + 8)]);
        i += 8;
        break;
      case 2: {
        const n = Number(varint());
        out.push([field, buf.subarray(i, i + n)]);
        i += n;
        break;
      }
      default:
        throw new Error(`wire type ${tag & 7}`);
    }
  }
  return out;
}

const text = new TextDecoder();
const str = (v: number | Uint8Array | undefined): string => text.decode(v as Uint8Array);
const i64 = (v: number | Uint8Array | undefined): DataView => {
  const b = v as Uint8Array;
  return new DataView(b.buffer, b.byteOffset, 8);
};
const fixed64 = (v: number | Uint8Array | undefined): number => i64(v).getUint32(0, true) + i64(v).getUint32(4, true) * 2 ** 32;
const get = (f: [number, number | Uint8Array][], n: number): number | Uint8Array | undefined => f.find(([k]) => k === n)?.[1];

/** What a trace shows: slices (name, start, end in ns) and instants (name, ts, args) per track, I/O spans, flow ids. */
interface Shown {
  slices: string[];
  instants: string[];
  spans: string[];
  flows: string[];
}

function shownFromJson(ev: readonly ChromeEvent[]): Shown {
  const ns = (us: number): number => Math.round(us * 1000);
  const s: Shown = { slices: [], instants: [], spans: [], flows: [] };
  const open = new Map<number, ChromeEvent[]>();
  const spans = new Map<string, ChromeEvent>();
  for (const e of ev) {
    if (e.ph === 'X') s.slices.push(`cpu${e.tid} ${e.name} ${ns(e.ts)}-${ns(e.ts + e.dur!)}`);
    else if (e.ph === 'B') (open.get(e.tid) ?? open.set(e.tid, []).get(e.tid)!).push(e);
    else if (e.ph === 'E') {
      const b = open.get(e.tid)!.pop()!;
      s.slices.push(`cpu${e.tid} ${b.name} ${ns(b.ts)}-${ns(e.ts)}`);
    } else if (e.ph === 'i') s.instants.push(`cpu${e.tid} ${e.name} ${ns(e.ts)} ${JSON.stringify(e.args)}`);
    else if (e.ph === 'b') spans.set(e.id!, e);
    else if (e.ph === 'e') s.spans.push(`${spans.get(e.id!)!.name} ${ns(spans.get(e.id!)!.ts)}-${ns(e.ts)}`);
    else if (e.ph === 's' || e.ph === 'f') s.flows.push(`${e.ph} cpu${e.tid} ${e.id} ${ns(e.ts)}`);
  }
  for (const k of Object.keys(s) as (keyof Shown)[]) s[k].sort();
  return s;
}

function shownFromProto(bytes: Uint8Array): Shown {
  const P = PERFETTO_FIELDS;
  const s: Shown = { slices: [], instants: [], spans: [], flows: [] };
  const trackName = new Map<number, string>();
  const open = new Map<number, { name: string; ts: number }[]>();
  for (const [n, packet] of fields(bytes)) {
    expect(n).toBe(P.trace.packet);
    const p = fields(packet as Uint8Array);
    expect(get(p, P.packet.trustedPacketSequenceId)).toBe(1);
    const desc = get(p, P.packet.trackDescriptor);
    if (desc !== undefined) {
      const d = fields(desc as Uint8Array);
      const name = get(d, P.trackDescriptor.name);
      trackName.set(get(d, P.trackDescriptor.uuid) as number, name === undefined ? '' : str(name).replace('CPU ', 'cpu'));
      continue;
    }
    const ts = get(p, P.packet.timestamp) as number;
    const e = fields(get(p, P.packet.trackEvent) as Uint8Array);
    const track = trackName.get(get(e, P.trackEvent.trackUuid) as number)!;
    const type = get(e, P.trackEvent.type);
    const name = str(get(e, P.trackEvent.name) ?? new Uint8Array());
    const cat = str(get(e, P.trackEvent.categories) ?? new Uint8Array());
    const lane = track.startsWith('I/O lane');
    const uuid = get(e, P.trackEvent.trackUuid) as number;
    if (type === TYPE_SLICE_BEGIN) {
      let o = open.get(uuid);
      if (o === undefined) open.set(uuid, (o = []));
      o.push({ name, ts });
    } else if (type === TYPE_SLICE_END) {
      const b = open.get(uuid)!.pop()!;
      if (lane) s.spans.push(`${b.name} ${b.ts}-${ts}`);
      else s.slices.push(`${track} ${b.name} ${b.ts}-${ts}`);
    } else if (type === TYPE_INSTANT && cat === 'flow') {
      const start = get(e, P.trackEvent.flowIds);
      s.flows.push(`${start !== undefined ? 's' : 'f'} ${track} ${fixed64(start ?? get(e, P.trackEvent.terminatingFlowIds))} ${ts}`);
    } else if (type === TYPE_INSTANT) {
      const args: Record<string, unknown> = {};
      for (const [k, a] of e) {
        if (k !== P.trackEvent.debugAnnotations) continue;
        const d = fields(a as Uint8Array);
        const [f, v] = d.find(([x]) => x !== P.debugAnnotation.name)!;
        const A = P.debugAnnotation;
        args[str(get(d, A.name))] = f === A.stringValue ? str(v) : f === A.boolValue ? v === 1 : f === A.doubleValue ? i64(v).getFloat64(0, true) : v;
      }
      s.instants.push(`${track} ${name} ${ts} ${JSON.stringify(args)}`);
    }
  }
  for (const k of Object.keys(s) as (keyof Shown)[]) s[k].sort();
  return s;
}

describe('Perfetto protobuf trace', () => {
  it('decodes into the same slices, instants, I/O spans and flows as the JSON trace', () => {
    const records = inMemory(40, 300);
    const json = shownFromJson(toChromeTrace(records, { cpus: CPUS }).traceEvents);
    const parts: Uint8Array[] = [];
    const w = new PerfettoProtoTraceWriter((c) => parts.push(c.slice()), { cpus: CPUS });
    for (const r of records) w.record(r);
    w.end();
    const bytes = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
    const proto = shownFromProto(bytes);
    expect(json.slices.length).toBeGreaterThan(300);
    expect(json.slices.some((x) => x.includes('task_work_run'))).toBe(true);
    expect(json.spans.length).toBe(160);
    expect(proto).toEqual(json);
  });
});

describe('trace window', () => {
  it('passes on only what happened inside [start, end), with CPU slices cut to it', () => {
    const records = inMemory(40, 300);
    const [start, end] = [100_000, 160_000];
    const got: TraceRecord[] = [];
    const w = traceWindow({ record: (r) => got.push(r), end: () => undefined }, start, end);
    for (const r of records) w.record(r);
    w.end();
    expect(got.length).toBeGreaterThan(50);
    expect(got.length).toBeLessThan(records.length / 2);
    for (const r of got) {
      expect(r.ts).toBeGreaterThanOrEqual(start);
      expect(r.ts + (r.dur ?? 0)).toBeLessThanOrEqual(end);
    }
    const cut = got.filter((r) => r.ph === 'X' && !records.includes(r));
    expect(cut.length).toBeGreaterThan(0);
    // every span and flow end has its begin in the window
    for (const [b, e] of [['b', 'e'], ['s', 'f']] as const) {
      const begun = new Set(got.filter((r) => r.ph === b).map((r) => r.id));
      const ends = got.filter((r) => r.ph === e);
      expect(ends.length).toBeGreaterThan(0);
      for (const r of ends) expect(begun.has(r.id)).toBe(true);
    }
    expect(() => traceWindow(w, 5, 5)).toThrow(RangeError);
  });
});
