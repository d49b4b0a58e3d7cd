/**
 * Perfetto's binary trace format (a `Trace` protobuf), written as records
 * arrive: smaller and faster to load than JSON for long traces. The tracks
 * and events are those of the JSON exporter: a process of per-CPU tracks
 * (CPU slices, nested kernel-function slices and tracepoint instants), an
 * "I/O" process with one span per I/O (on "I/O lane N" tracks, a lane per
 * I/O in flight), and flows between instants marking a DIO's first bio and
 * its completion.
 *
 * The few messages needed are encoded by hand. Field numbers, from
 * perfetto's protos (github.com/google/perfetto, protos/perfetto/trace/):
 * - trace.proto: `Trace.packet = 1`
 * - trace_packet.proto: `TracePacket.timestamp = 8`,
 *   `trusted_packet_sequence_id = 10`, `track_event = 11`,
 *   `sequence_flags = 13` (`SEQ_INCREMENTAL_STATE_CLEARED = 1`),
 *   `track_descriptor = 60`
 * - track_event/track_descriptor.proto: `TrackDescriptor.uuid = 1`,
 *   `name = 2`, `process = 3`, `parent_uuid = 5`, `child_ordering = 11`
 *   (`EXPLICIT = 3`), `sibling_order_rank = 12`
 * - track_event/process_descriptor.proto: `ProcessDescriptor.pid = 1`,
 *   `process_name = 6`
 * - track_event/track_event.proto: `TrackEvent.debug_annotations = 4`,
 *   `type = 9` (`TYPE_SLICE_BEGIN = 1`, `TYPE_SLICE_END = 2`,
 *   `TYPE_INSTANT = 3`), `track_uuid = 11`, `categories = 22`, `name = 23`,
 *   `flow_ids = 47` (fixed64), `terminating_flow_ids = 48` (fixed64)
 * - track_event/debug_annotation.proto: `DebugAnnotation.bool_value = 2`,
 *   `int_value = 4`, `double_value = 5`, `string_value = 6`, `name = 10`
 * @module
 */
import type { ChromeTraceOptions } from './trace-export';
import type { TraceArgs, TraceRecord, TraceSink } from './trace';

/** Field numbers (see the module comment for their source). */
export const PERFETTO_FIELDS = {
  trace: { packet: 1 },
  packet: { timestamp: 8, trustedPacketSequenceId: 10, trackEvent: 11, sequenceFlags: 13, trackDescriptor: 60 },
  trackDescriptor: { uuid: 1, name: 2, process: 3, parentUuid: 5, childOrdering: 11, siblingOrderRank: 12 },
  processDescriptor: { pid: 1, processName: 6 },
  trackEvent: { debugAnnotations: 4, type: 9, trackUuid: 11, categories: 22, name: 23, flowIds: 47, terminatingFlowIds: 48 },
  debugAnnotation: { boolValue: 2, intValue: 4, doubleValue: 5, stringValue: 6, name: 10 },
} as const;

/** TrackEvent.Type values. */
export const TYPE_SLICE_BEGIN = 1;
export const TYPE_SLICE_END = 2;
export const TYPE_INSTANT = 3;
const SEQ_INCREMENTAL_STATE_CLEARED = 1;
const CHILD_ORDERING_EXPLICIT = 3;
const SEQUENCE_ID = 1;

/** Track uuids. */
const CPU_PROCESS = 1;
const IO_PROCESS = 2;
const cpuTrack = (cpu: number): number => 0x1000 + cpu;
const laneTrack = (lane: number): number => 0x100000 + lane;

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;

const utf8 = new TextEncoder();

/** A growable buffer protobuf fields are appended to. */
class ProtoWriter {
  buf = new Uint8Array(1024);
  len = 0;
  private view = new DataView(this.buf.buffer);

  reset(): void {
    this.len = 0;
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** A varint of a non-negative safe integer. */
  private varint(v: number): void {
    this.ensure(10);
    while (v > 0x7f) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  uint(field: number, v: number): void {
    this.tag(field, WIRE_VARINT);
    this.varint(v);
  }

  /** An int64 (a negative value is its 64-bit two's complement, ten bytes). */
  int(field: number, v: number): void {
    if (v >= 0) return this.uint(field, v);
    this.tag(field, WIRE_VARINT);
    this.ensure(10);
    let x = BigInt.asUintN(64, BigInt(v));
    while (x > 0x7fn) {
      this.buf[this.len++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.len++] = Number(x);
  }

  double(field: number, v: number): void {
    this.tag(field, WIRE_I64);
    this.ensure(8);
    this.view.setFloat64(this.len, v, true);
    this.len += 8;
  }

  fixed64(field: number, v: number): void {
    this.tag(field, WIRE_I64);
    this.ensure(8);
    this.view.setUint32(this.len, v % 0x100000000, true);
    this.view.setUint32(this.len + 4, Math.floor(v / 0x100000000), true);
    this.len += 8;
  }

  string(field: number, s: string): void {
    this.tag(field, WIRE_LEN);
    this.ensure(5 + s.length * 3);
    // the length prefix takes one byte for strings under 128 bytes (every name here): reserve
    // it, encode, and move the bytes only for a longer string
    const at = this.len + 1;
    const n = utf8.encodeInto(s, this.buf.subarray(at)).written;
    if (n < 0x80) {
      this.buf[this.len] = n;
      this.len = at + n;
      return;
    }
    const bytes = this.buf.slice(at, at + n);
    this.varint(n);
    this.buf.set(bytes, this.len);
    this.len += n;
  }

  message(field: number, m: ProtoWriter): void {
    this.tag(field, WIRE_LEN);
    this.varint(m.len);
    this.ensure(m.len);
    this.buf.set(m.buf.subarray(0, m.len), this.len);
    this.len += m.len;
  }
}

/** Bytes a proto writer gathers before handing them to its output. */
const PROTO_CHUNK = 1 << 16;

/**
 * A `TraceSink` writing Perfetto's protobuf trace format as records arrive,
 * handed to `out` in chunks of about 64 KiB (`out` must use or copy a chunk
 * before it returns: the buffer is reused). State kept between records: the
 * slices still open per CPU and the I/O lanes in use.
 */
export class PerfettoProtoTraceWriter implements TraceSink {
  private readonly file = new ProtoWriter();
  private readonly packet = new ProtoWriter();
  private readonly msg = new ProtoWriter();
  private readonly sub = new ProtoWriter();
  private firstPacket = true;
  /** Per CPU: CPU and nested slices begun and not ended yet, innermost last. */
  private readonly open = new Map<number, TraceRecord[]>();
  /** I/O spans in flight: their lane; lanes free for the next span. */
  private readonly laneOf = new Map<number, number>();
  private readonly freeLanes: number[] = [];
  private lanes = 0;
  /** Records written. */
  records = 0;

  constructor(
    private readonly out: (chunk: Uint8Array) => void,
    opts: ChromeTraceOptions,
  ) {
    this.process(CPU_PROCESS, 1, opts.title ?? 'CPUs');
    this.process(IO_PROCESS, 2, 'I/O');
    for (let c = 0; c < opts.cpus; c++) this.track(cpuTrack(c), CPU_PROCESS, `CPU ${c}`, c);
  }

  /** Bytes gathered and not yet handed to `out`. */
  get buffered(): number {
    return this.file.len;
  }

  record(r: TraceRecord): void {
    this.records++;
    const tid = r.cpu < 0 ? 0 : r.cpu;
    switch (r.ph) {
      case 'X':
      case 'B': {
        this.closeUntil(tid, r.ts);
        this.begin(cpuTrack(tid), TYPE_SLICE_BEGIN, r.name, r.kind);
        if (r.ph === 'B' && r.args !== undefined) this.annotations(r.args);
        this.annotation('pid', r.pid);
        this.emitEvent(r.ts);
        const open = this.open.get(tid);
        if (open === undefined) this.open.set(tid, [r]);
        else open.push(r);
        break;
      }
      case 'i':
        this.closeUntil(tid, r.ts);
        this.begin(cpuTrack(tid), TYPE_INSTANT, r.name, r.kind);
        if (r.args !== undefined) this.annotations(r.args);
        this.annotation('ctx', r.ctx);
        this.emitEvent(r.ts);
        break;
      case 'b': {
        let lane = this.freeLanes.pop();
        if (lane === undefined) {
          lane = this.lanes++;
          this.track(laneTrack(lane), IO_PROCESS, `I/O lane ${lane}`, lane);
        }
        this.laneOf.set(r.id ?? 0, lane);
        this.begin(laneTrack(lane), TYPE_SLICE_BEGIN, r.name, 'io');
        if (r.args !== undefined) this.annotations(r.args);
        this.emitEvent(r.ts);
        break;
      }
      case 'e': {
        const lane = this.laneOf.get(r.id ?? 0);
        if (lane === undefined) return; // its begin is outside the trace (window)
        this.laneOf.delete(r.id ?? 0);
        this.begin(laneTrack(lane), TYPE_SLICE_END, null, null);
        if (r.args !== undefined) this.annotations(r.args);
        this.emitEvent(r.ts);
        this.freeLanes.push(lane);
        break;
      }
      case 's':
      case 'f':
        this.closeUntil(tid, r.ts);
        this.begin(cpuTrack(tid), TYPE_INSTANT, r.name, 'flow');
        this.msg.fixed64(r.ph === 's' ? PERFETTO_FIELDS.trackEvent.flowIds : PERFETTO_FIELDS.trackEvent.terminatingFlowIds, r.id ?? 0);
        this.emitEvent(r.ts);
        break;
    }
  }

  end(): void {
    for (const tid of [...this.open.keys()].sort((a, b) => a - b)) this.closeUntil(tid, Number.POSITIVE_INFINITY);
    this.flush();
  }

  /** End (innermost first) the slices on CPU `tid` that end at or before `ts`. */
  private closeUntil(tid: number, ts: number): void {
    const open = this.open.get(tid);
    if (open === undefined) return;
    for (let o = open[open.length - 1]; o !== undefined && o.ts + (o.dur ?? 0) <= ts; o = open[open.length - 1]) {
      open.pop();
      const end = o.ts + (o.dur ?? 0);
      this.begin(cpuTrack(tid), TYPE_SLICE_END, null, null);
      this.emitEvent(end);
    }
  }

  /** Start a TrackEvent in `msg` (annotations and flows may follow, then `emitEvent`). */
  private begin(track: number, type: number, name: string | null, category: string | null): void {
    const f = PERFETTO_FIELDS.trackEvent;
    const m = this.msg;
    m.reset();
    m.uint(f.type, type);
    m.uint(f.trackUuid, track);
    if (category !== null && category !== '') m.string(f.categories, category);
    if (name !== null) m.string(f.name, name);
  }

  private annotations(args: TraceArgs): void {
    for (const k in args) this.annotation(k, args[k] as number | string | boolean);
  }

  private annotation(name: string, v: number | string | boolean): void {
    const f = PERFETTO_FIELDS.debugAnnotation;
    const a = this.sub;
    a.reset();
    a.string(f.name, name);
    if (typeof v === 'string') a.string(f.stringValue, v);
    else if (typeof v === 'boolean') a.uint(f.boolValue, v ? 1 : 0);
    else if (Number.isSafeInteger(v)) a.int(f.intValue, v);
    else a.double(f.doubleValue, v);
    this.msg.message(PERFETTO_FIELDS.trackEvent.debugAnnotations, a);
  }

  private emitEvent(ts: number): void {
    this.emitPacket(ts, PERFETTO_FIELDS.packet.trackEvent);
  }

  /** A packet holding `msg` as field `field`; `ts` null for a packet with no timestamp (a descriptor). */
  private emitPacket(ts: number | null, field: number): void {
    const f = PERFETTO_FIELDS.packet;
    const p = this.packet;
    p.reset();
    if (ts !== null) p.uint(f.timestamp, ts);
    p.uint(f.trustedPacketSequenceId, SEQUENCE_ID);
    if (this.firstPacket) {
      p.uint(f.sequenceFlags, SEQ_INCREMENTAL_STATE_CLEARED);
      this.firstPacket = false;
    }
    p.message(field, this.msg);
    this.file.message(PERFETTO_FIELDS.trace.packet, p);
    if (this.file.len >= PROTO_CHUNK) this.flush();
  }

  private process(uuid: number, pid: number, name: string): void {
    const f = PERFETTO_FIELDS.trackDescriptor;
    const m = this.msg;
    m.reset();
    m.uint(f.uuid, uuid);
    this.sub.reset();
    this.sub.int(PERFETTO_FIELDS.processDescriptor.pid, pid);
    this.sub.string(PERFETTO_FIELDS.processDescriptor.processName, name);
    m.message(f.process, this.sub);
    m.uint(f.childOrdering, CHILD_ORDERING_EXPLICIT);
    this.emitPacket(null, PERFETTO_FIELDS.packet.trackDescriptor);
  }

  private track(uuid: number, parent: number, name: string, rank: number): void {
    const f = PERFETTO_FIELDS.trackDescriptor;
    const m = this.msg;
    m.reset();
    m.uint(f.uuid, uuid);
    m.string(f.name, name);
    m.uint(f.parentUuid, parent);
    m.int(f.siblingOrderRank, rank);
    this.emitPacket(null, PERFETTO_FIELDS.packet.trackDescriptor);
  }

  private flush(): void {
    if (this.file.len === 0) return;
    this.out(this.file.buf.subarray(0, this.file.len));
    this.file.reset();
  }
}
