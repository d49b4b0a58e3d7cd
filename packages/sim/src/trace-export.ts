/**
 * Exporters: Chrome/Perfetto JSON (loads in ui.perfetto.dev) and ftrace-style text.
 * @module
 */
import type { TraceRecord } from './trace';

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

/**
 * Convert records to `{ traceEvents }`: one thread track per CPU (slices of
 * task / softirq / hardirq time, `B`/`E` slices nested in a task's slice for
 * kernel functions such as task_work_run, tracepoints as instants), one async span per
 * I/O in an "I/O" process, and flow arrows between them. Records are emitted
 * in a stable order so the same run gives the same bytes.
 */
export function toChromeTrace(records: readonly TraceRecord[], opts: { cpus: number; title?: string }): {
  traceEvents: ChromeEvent[];
  displayTimeUnit: string;
} {
  const ev: ChromeEvent[] = [
    { name: 'process_name', ph: 'M', ts: 0, pid: CPU_PID, tid: 0, args: { name: opts.title ?? 'CPUs' } },
    { name: 'process_name', ph: 'M', ts: 0, pid: IO_PID, tid: 0, args: { name: 'I/O' } },
  ];
  for (let c = 0; c < opts.cpus; c++) {
    ev.push({ name: 'thread_name', ph: 'M', ts: 0, pid: CPU_PID, tid: c, args: { name: `CPU ${c}` } });
    ev.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid: CPU_PID, tid: c, args: { sort_index: c } });
  }
  // Nested (`B`) records whose `E` is not written yet, per CPU, innermost last. Each `E` goes out
  // before the next slice that starts on its track at or after its end (and the rest at the end),
  // innermost first, so at an equal ts it closes before anything that starts there and the B/E
  // pairs nest on the track even when slices nest more than one deep.
  const pending = new Map<number, TraceRecord[]>();
  const closeUntil = (tid: number, ts: number): void => {
    const open = pending.get(tid);
    if (open === undefined) return;
    for (let o = open[open.length - 1]; o !== undefined && o.ts + (o.dur ?? 0) <= ts; o = open[open.length - 1]) {
      open.pop();
      ev.push({ name: o.name, ph: 'E', ts: usOf(o.ts + (o.dur ?? 0)), pid: CPU_PID, tid, cat: o.kind });
    }
  };
  for (const r of records) {
    const tid = r.cpu < 0 ? 0 : r.cpu;
    switch (r.ph) {
      case 'X':
        if (pending.size > 0) closeUntil(tid, r.ts);
        ev.push({ name: r.name, ph: 'X', ts: usOf(r.ts), dur: usOf(r.dur ?? 0), pid: CPU_PID, tid, cat: r.kind, args: { pid: r.pid } });
        break;
      case 'B': {
        // a kernel function inside the task's slice, whose X record came earlier
        closeUntil(tid, r.ts);
        ev.push({ name: r.name, ph: 'B', ts: usOf(r.ts), pid: CPU_PID, tid, cat: r.kind, args: { ...r.args, pid: r.pid } });
        const open = pending.get(tid);
        if (open === undefined) pending.set(tid, [r]);
        else open.push(r);
        break;
      }
      case 'i':
        ev.push({ name: r.name, ph: 'i', ts: usOf(r.ts), pid: CPU_PID, tid, s: 't', cat: r.kind, args: { ...r.args, ctx: r.ctx } });
        break;
      case 'b':
      case 'e':
        ev.push({ name: r.name, ph: r.ph, ts: usOf(r.ts), pid: IO_PID, tid: 0, cat: 'io', id: String(r.id ?? 0), ...(r.args ? { args: { ...r.args } } : {}) });
        break;
      case 's':
      case 'f':
        ev.push({ name: r.name, ph: r.ph, ts: usOf(r.ts), pid: CPU_PID, tid, cat: 'flow', id: String(r.id ?? 0), ...(r.ph === 'f' ? { bp: 'e' } : {}) });
        break;
    }
  }
  for (const tid of [...pending.keys()].sort((a, b) => a - b)) closeUntil(tid, Number.POSITIVE_INFINITY);
  return { traceEvents: ev, displayTimeUnit: 'ns' };
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
