/**
 * `dio trace` / `dio run --trace`: the trace streams to its file while the
 * simulation runs (Chrome/Perfetto JSON or Perfetto's protobuf format,
 * optionally only a window of simulated time), so memory stays bounded
 * however long the run.
 * @module
 */
import { parseTimeNs } from '@dio/fio';
import { ChromeJsonTraceWriter, PerfettoProtoTraceWriter, traceWindow, type TraceSink } from '@dio/sim';
import { UsageError } from './errors';
import type { UserFs } from './user-fs';

/** The trace options of `trace` and `run`. */
export interface TraceFileOptions {
  /** `--trace-format`: json (default) or proto. */
  readonly traceFormat?: string;
  /** `--trace-window start,end`, fio time units. */
  readonly traceWindow?: string;
}

/** `--trace-window start,end` (e.g. `100ms,110ms`) in ns. */
export function parseTraceWindow(text: string): [number, number] {
  const parts = text.split(',');
  const [a, b] = parts.map((p) => parseTimeNs(p.trim()));
  if (parts.length !== 2 || a === undefined || b === undefined) throw new UsageError(`--trace-window: '${text}' must be start,end (e.g. 100ms,110ms)`);
  if (!a.ok) throw new UsageError(`--trace-window: start: ${a.error}`);
  if (!b.ok) throw new UsageError(`--trace-window: end: ${b.error}`);
  if (b.value <= a.value) throw new UsageError(`--trace-window: '${text}': the end must be after the start`);
  return [a.value, b.value];
}

/** An open trace file: the sink factory for `runJobs`'s `traceTo`, and how many records went in. */
export interface TraceFile {
  readonly traceTo: (cpus: number) => TraceSink;
  records(): number;
  close(): void;
}

/** Check the options and open `path` for writing (before the run, so a bad path fails at once) through the user's files. */
export function openTraceFile(files: UserFs, path: string, o: TraceFileOptions, title: string): TraceFile {
  const format = o.traceFormat ?? 'json';
  if (format !== 'json' && format !== 'proto') throw new UsageError(`--trace-format: '${format}' must be json or proto`);
  const window = o.traceWindow === undefined ? null : parseTraceWindow(o.traceWindow);
  const out = files.open(path, 'trace');
  let writer: ChromeJsonTraceWriter | PerfettoProtoTraceWriter | null = null;
  let closed = false;
  return {
    traceTo: (cpus) => {
      writer =
        format === 'json'
          ? new ChromeJsonTraceWriter((chunk) => out.write(chunk), { cpus, title })
          : new PerfettoProtoTraceWriter((chunk) => out.write(chunk), { cpus, title });
      return window === null ? writer : traceWindow(writer, window[0], window[1]);
    },
    records: () => writer?.records ?? 0,
    close: () => {
      if (closed) return;
      closed = true;
      out.close();
    },
  };
}
