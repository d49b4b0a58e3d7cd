/**
 * Recording a slice of a long run: a `TraceSink` that passes on only what
 * happened inside a window of simulated time.
 * @module
 */
import type { Ns } from './time';
import type { TraceRecord, TraceSink } from './trace';

/**
 * A sink that hands `sink` only the records inside `[startNs, endNs)`:
 * instants that happen in it, CPU / nested slices that overlap it, cut to
 * it, and I/O spans and flow arrows that begin in it (their ends too, when
 * they fall in it; one that began before the window is left out whole).
 */
export function traceWindow(sink: TraceSink, startNs: Ns, endNs: Ns): TraceSink {
  if (!(startNs >= 0) || !(endNs > startNs)) throw new RangeError(`trace window [${startNs}, ${endNs}): the start must be >= 0 and before the end`);
  /** Spans and flows begun inside the window and not ended yet (bounded by the I/Os in flight). */
  const begun = { spans: new Set<number>(), flows: new Set<number>() };
  return {
    record(r: TraceRecord): void {
      if (r.ph !== 'X' && r.ph !== 'B') {
        if (r.ts < startNs || r.ts >= endNs) return;
        const set = r.ph === 'b' || r.ph === 'e' ? begun.spans : r.ph === 's' || r.ph === 'f' ? begun.flows : null;
        if (set !== null) {
          const id = r.id ?? 0;
          if (r.ph === 'b' || r.ph === 's') set.add(id);
          else if (!set.delete(id)) return;
        }
        sink.record(r);
        return;
      }
      const end = r.ts + (r.dur ?? 0);
      if (end <= startNs || r.ts >= endNs) return;
      if (r.ts >= startNs && end <= endNs) sink.record(r);
      else {
        const ts = Math.max(r.ts, startNs);
        sink.record({ ...r, ts, dur: Math.min(end, endNs) - ts });
      }
    },
    end: () => sink.end(),
  };
}
