/**
 * Recording a slice of a long run: a `TraceSink` that passes on only what
 * happened inside a window of simulated time.
 * @module
 */
import type { Ns } from './time';
import type { TraceRecord, TraceSink } from './trace';

/**
 * A sink that hands `sink` only the records inside `[startNs, endNs)`:
 * instants, span ends and flow ends that happen in it, and CPU / nested
 * slices that overlap it, cut to it. An I/O span or flow that crosses an
 * edge of the window keeps only its end inside it.
 */
export function traceWindow(sink: TraceSink, startNs: Ns, endNs: Ns): TraceSink {
  if (!(startNs >= 0) || !(endNs > startNs)) throw new RangeError(`trace window [${startNs}, ${endNs}): the start must be >= 0 and before the end`);
  return {
    record(r: TraceRecord): void {
      if (r.ph !== 'X' && r.ph !== 'B') {
        if (r.ts >= startNs && r.ts < endNs) sink.record(r);
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
