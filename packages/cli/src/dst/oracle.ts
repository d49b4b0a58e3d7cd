/**
 * The crash oracle (dm-log-writes ordering): which content each sector may
 * hold after a power cut, and an exhaustive CrashMonkey-style enumeration of
 * every permissible image when few writes are unordered.
 * @module
 */
import type { LoggedIo } from './spy';

/** A write is durable if it completed as FUA, or completed before a flush that was issued after it and completed. */
export function durableWrites(log: readonly LoggedIo[], cutAt: number): Set<LoggedIo> {
  const flushes = log.filter((e) => e.preflush && e.ok && e.completedAt !== null && e.completedAt <= cutAt);
  const out = new Set<LoggedIo>();
  for (const w of log) {
    if (w.kind !== 'write' || !w.ok || w.completedAt === null || w.completedAt > cutAt) continue;
    if (w.fua) out.add(w);
    else if (flushes.some((f) => f.submittedAt >= (w.completedAt as number))) out.add(w);
  }
  // a PREFLUSH|FUA write (a log write) is itself durable on completion
  return out;
}

/**
 * Per sector: the ids it may hold after the cut — the latest durable write's
 * (or 0, the old content, when none is durable), plus any write issued after
 * that one completed (it may or may not have reached the media). The workload
 * never has two writes to one block in flight, so nothing else is possible.
 */
export function permissible(log: readonly LoggedIo[], cutAt: number): Map<number, Set<number>> {
  const durable = durableWrites(log, cutAt);
  const latest = new Map<number, LoggedIo>();
  for (const w of durable) {
    for (let i = 0; i < w.sectors; i++) {
      const cur = latest.get(w.sector + i);
      if (cur === undefined || (cur.completedAt as number) < (w.completedAt as number)) latest.set(w.sector + i, w);
    }
  }
  const allowed = new Map<number, Set<number>>();
  for (const w of log) {
    if (w.kind !== 'write' || w.submittedAt > cutAt) continue;
    for (let i = 0; i < w.sectors; i++) {
      const s = w.sector + i;
      const d = latest.get(s);
      let set = allowed.get(s);
      if (set === undefined) {
        set = new Set([d === undefined ? 0 : (d.ids[s - d.sector] ?? 0)]);
        allowed.set(s, set);
      }
      if (d === undefined || w === d || w.submittedAt >= (d.completedAt as number)) set.add(w.ids[i] ?? 0);
    }
  }
  return allowed;
}

/**
 * Enumerate every post-crash image of the writes not yet durable, each either
 * on the media or not (whole writes, no tearing) — feasible for ≤ `max`
 * such writes — and report whether `actual` (sector → id) is one of them.
 */
export function imageIsPermissible(log: readonly LoggedIo[], cutAt: number, actual: (sector: number) => number, max = 8): boolean | null {
  const durable = durableWrites(log, cutAt);
  const maybe = log.filter((w) => w.kind === 'write' && w.submittedAt <= cutAt && !durable.has(w));
  if (maybe.length > max) return null;
  const base = new Map<number, number>();
  const byTime = [...durable].sort((a, b) => (a.completedAt as number) - (b.completedAt as number));
  for (const w of byTime) for (let i = 0; i < w.sectors; i++) base.set(w.sector + i, w.ids[i] ?? 0);
  const sectors = new Set<number>();
  for (const w of log) if (w.kind === 'write') for (let i = 0; i < w.sectors; i++) sectors.add(w.sector + i);
  for (let mask = 0; mask < 1 << maybe.length; mask++) {
    const img = new Map(base);
    maybe.forEach((w, k) => {
      if (mask & (1 << k)) for (let i = 0; i < w.sectors; i++) img.set(w.sector + i, w.ids[i] ?? 0);
    });
    let ok = true;
    for (const s of sectors) {
      if ((img.get(s) ?? 0) !== actual(s)) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}
