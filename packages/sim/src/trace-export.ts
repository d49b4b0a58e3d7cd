/**
 * Exporters: Chrome/Perfetto JSON (loads in ui.perfetto.dev) and ftrace-style text.
 * @module
 */
import type { TraceRecord, TraceSink } from './trace';

/** A Chrome trace event (the JSON object format). */
export interface ChromeEvent {
  name: string;
  ph: string;
  ts: number;
  pid: number;
  tid: number;
  dur?: number;
  id?: string;
  cat?: string;
  s?: string;
  bp?: string;
  args?: Record<string, unknown>;
}

const CPU_PID = 1;
const IO_PID = 2;

/** Microseconds with ns precision, as Chrome's `ts` wants. */
const usOf = (ns: number): number => ns / 1000;

/** Options of the Chrome/Perfetto exporters. */
export interface ChromeTraceOptions {
  /** CPUs: one track each. */
  readonly cpus: number;
  /** Name of the CPUs' process (default `CPUs`). */
  readonly title?: string;
}

/**
 * Records to Chrome trace events, one record at a time: one thread track per
 * CPU (slices of task / softirq / hardirq time, `B`/`E` slices nested in a
 * task's slice for kernel functions such as task_work_run, tracepoints as
 * instants), one async span per I/O in an "I/O" process, and flow arrows
 * between them. Records are converted in order so the same run gives the
 * same bytes; the state kept between records is the nested slices still
 * open per CPU (bounded by their nesting depth).
 */
export class ChromeTraceConverter {
  /**
   * Nested (`B`) records whose `E` is not written yet, per CPU, innermost last. Each `E` goes out
   * before the next slice that starts on its track at or after its end (and the rest at the end),
   * innermost first, so at an equal ts it closes before anything that starts there and the B/E
   * pairs nest on the track even when slices nest more than one deep.
   */
  private readonly pending = new Map<number, TraceRecord[]>();

  constructor(
    private readonly emit: (e: ChromeEvent) => void,
    opts: ChromeTraceOptions,
  ) {
    emit({ name: 'process_name', ph: 'M', ts: 0, pid: CPU_PID, tid: 0, args: { name: opts.title ?? 'CPUs' } });
    emit({ name: 'process_name', ph: 'M', ts: 0, pid: IO_PID, tid: 0, args: { name: 'I/O' } });
    for (let c = 0; c < opts.cpus; c++) {
      emit({ name: 'thread_name', ph: 'M', ts: 0, pid: CPU_PID, tid: c, args: { name: `CPU ${c}` } });
      emit({ name: 'thread_sort_index', ph: 'M', ts: 0, pid: CPU_PID, tid: c, args: { sort_index: c } });
    }
  }

  private closeUntil(tid: number, ts: number): void {
    const open = this.pending.get(tid);
    if (open === undefined) return;
    for (let o = open[open.length - 1]; o !== undefined && o.ts + (o.dur ?? 0) <= ts; o = open[open.length - 1]) {
      open.pop();
      this.emit({ name: o.name, ph: 'E', ts: usOf(o.ts + (o.dur ?? 0)), pid: CPU_PID, tid, cat: o.kind });
    }
  }

  /** Convert one record (final: its duration and args will not change). */
  record(r: TraceRecord): void {
    const tid = r.cpu < 0 ? 0 : r.cpu;
    switch (r.ph) {
      case 'X':
        if (this.pending.size > 0) this.closeUntil(tid, r.ts);
        this.emit({ name: r.name, ph: 'X', ts: usOf(r.ts), dur: usOf(r.dur ?? 0), pid: CPU_PID, tid, cat: r.kind, args: { pid: r.pid } });
        break;
      case 'B': {
        // a kernel function inside the task's slice, whose X record came earlier
        this.closeUntil(tid, r.ts);
        this.emit({ name: r.name, ph: 'B', ts: usOf(r.ts), pid: CPU_PID, tid, cat: r.kind, args: { ...r.args, pid: r.pid } });
        const open = this.pending.get(tid);
        if (open === undefined) this.pending.set(tid, [r]);
        else open.push(r);
        break;
      }
      case 'i':
        this.emit({ name: r.name, ph: 'i', ts: usOf(r.ts), pid: CPU_PID, tid, s: 't', cat: r.kind, args: { ...r.args, ctx: r.ctx } });
        break;
      case 'b':
      case 'e':
        this.emit({ name: r.name, ph: r.ph, ts: usOf(r.ts), pid: IO_PID, tid: 0, cat: 'io', id: String(r.id ?? 0), ...(r.args ? { args: { ...r.args } } : {}) });
        break;
      case 's':
      case 'f':
        this.emit({ name: r.name, ph: r.ph, ts: usOf(r.ts), pid: CPU_PID, tid, cat: 'flow', id: String(r.id ?? 0), ...(r.ph === 'f' ? { bp: 'e' } : {}) });
        break;
    }
  }

  /** No more records: close the nested slices still open. */
  end(): void {
    for (const tid of [...this.pending.keys()].sort((a, b) => a - b)) this.closeUntil(tid, Number.POSITIVE_INFINITY);
  }
}

/** Convert records to `{ traceEvents }` (see `ChromeTraceConverter`; `ChromeJsonTraceWriter` streams the same JSON). */
export function toChromeTrace(records: readonly TraceRecord[], opts: ChromeTraceOptions): {
  traceEvents: ChromeEvent[];
  displayTimeUnit: string;
} {
  const traceEvents: ChromeEvent[] = [];
  const c = new ChromeTraceConverter((e) => traceEvents.push(e), opts);
  for (const r of records) c.record(r);
  c.end();
  return { traceEvents, displayTimeUnit: 'ns' };
}

/** Characters a JSON writer gathers before handing them to its output. */
const JSON_CHUNK = 1 << 16;

/**
 * A `TraceSink` writing Chrome/Perfetto JSON as records arrive: the same
 * bytes as `JSON.stringify(toChromeTrace(records, opts))`, handed to `out`
 * in chunks of about 64 KiB.
 */
export class ChromeJsonTraceWriter implements TraceSink {
  private buf = '{"traceEvents":[';
  private first = true;
  private readonly conv: ChromeTraceConverter;
  /** Records written. */
  records = 0;

  constructor(
    private readonly out: (chunk: string) => void,
    opts: ChromeTraceOptions,
  ) {
    this.conv = new ChromeTraceConverter((e) => this.event(e), opts);
  }

  /** Characters gathered and not yet handed to `out`. */
  get buffered(): number {
    return this.buf.length;
  }

  private event(e: ChromeEvent): void {
    this.buf += this.first ? JSON.stringify(e) : `,${JSON.stringify(e)}`;
    this.first = false;
    if (this.buf.length >= JSON_CHUNK) {
      this.out(this.buf);
      this.buf = '';
    }
  }

  record(r: TraceRecord): void {
    this.records++;
    this.conv.record(r);
  }

  end(): void {
    this.conv.end();
    this.out(`${this.buf}],"displayTimeUnit":"ns"}`);
    this.buf = '';
  }
}

/** ftrace `trace` file style: `task-pid [cpu] ts: event: args` for instants (slices are omitted). */
export function toFtraceText(records: readonly TraceRecord[]): string {
  const lines: string[] = ['# tracer: nop', '#', '#           TASK-PID     CPU#     TIMESTAMP  FUNCTION', '#              | |         |         |         |'];
  for (const r of records) {
    if (r.ph !== 'i') continue;
    const who = r.kind === 'task' ? `${r.ctx}-${r.pid}` : r.kind === '' ? '<none>-0' : `<${r.kind}>-0`;
    const cpu = String(Math.max(0, r.cpu)).padStart(3, '0');
    const ts = (r.ts / 1e9).toFixed(9);
    const args = r.args ? ' ' + Object.entries(r.args).map(([k, v]) => `${k}=${v}`).join(' ') : '';
    lines.push(`${who.padStart(22)} [${cpu}] ${ts.padStart(16)}: ${r.name}:${args}`);
  }
  return lines.join('\n') + '\n';
}
