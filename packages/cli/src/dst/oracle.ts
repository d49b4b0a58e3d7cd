/**
 * The crash oracle (dm-log-writes ordering): which writes a power cut may
 * lose, which content each sector may hold afterwards, and an exhaustive
 * CrashMonkey-style enumeration of every permissible image when few writes
 * are undecided.
 * @module
 */
import type { LoggedIo } from './spy';

/** A post-crash image: sector → the write id it holds (0 = the old content). */
export type Image = (sector: number) => number;

/**
 * The writes a power cut at `cutAt` cannot lose: without a volatile cache,
 * every write that completed; with one, a write that completed as FUA, or
 * that completed before a flush (or PREFLUSH write) was issued that itself
 * completed before the cut.
 */
export function durableWrites(log: readonly LoggedIo[], cutAt: number, writeCache: boolean): Set<LoggedIo> {
  const flushes = log.filter((e) => e.preflush && e.ok && e.completedAt !== null && e.completedAt <= cutAt);
  const out = new Set<LoggedIo>();
  for (const w of log) {
    if (w.kind !== 'write' || !w.ok || w.completedAt === null || w.completedAt > cutAt) continue;
    const done = w.completedAt;
    if (!writeCache || w.fua || flushes.some((f) => f.submittedAt >= done)) out.add(w);
  }
  return out;
}

/** The writes a cut may or may not have put on the media: issued before it, not durable. */
export function undecidedWrites(log: readonly LoggedIo[], cutAt: number, durable: ReadonlySet<LoggedIo>): LoggedIo[] {
  return log.filter((w) => w.kind === 'write' && w.submittedAt <= cutAt && !durable.has(w));
}

/**
 * Per sector: the ids it may hold after the cut — the latest durable write's
 * (or 0, the old content, when none is durable), plus any undecided write
 * issued after that one completed. The workload never has two writes to one
 * block in flight, so nothing else is possible, torn or not.
 */
export function permissible(log: readonly LoggedIo[], cutAt: number, writeCache: boolean): Map<number, Set<number>> {
  const durable = durableWrites(log, cutAt, writeCache);
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
 * Undecided writes that landed in part although tearing is off: some of
 * their sectors hold them, others hold neither them nor a later write.
 */
export function tornWrites(log: readonly LoggedIo[], cutAt: number, writeCache: boolean, actual: Image): LoggedIo[] {
  const durable = durableWrites(log, cutAt, writeCache);
  const torn: LoggedIo[] = [];
  log.forEach((w, k) => {
    if (w.kind !== 'write' || w.submittedAt > cutAt || durable.has(w) || w.sectors < 2) return;
    let landed = 0;
    let missing = 0;
    for (let i = 0; i < w.sectors; i++) {
      const got = actual(w.sector + i);
      if (got === (w.ids[i] ?? 0)) landed++;
      else if (!log.some((x, j) => j > k && x.kind === 'write' && x.sector <= w.sector + i && w.sector + i < x.sector + x.sectors && (x.ids[w.sector + i - x.sector] ?? 0) === got)) missing++;
    }
    if (landed > 0 && missing > 0) torn.push(w);
  });
  return torn;
}

/** The whole-write crash images of a cut, when few enough writes are undecided. */
export interface CrashImages {
  /** Writes that may or may not be on the media. */
  readonly undecided: readonly LoggedIo[];
  /** Every sector any write touched. */
  readonly sectors: readonly number[];
  /** The 2^undecided images: the durable writes plus each subset of the undecided ones, applied in issue order. */
  images(): Generator<{ mask: number; image: Image }>;
}

/**
 * Enumerate every post-crash image of a cut (CrashMonkey): each undecided
 * write is on the media or not, whole (no tearing); null when more than
 * `max` writes are undecided (2^max images).
 */
export function crashImages(log: readonly LoggedIo[], cutAt: number, writeCache: boolean, max = 8): CrashImages | null {
  const durable = durableWrites(log, cutAt, writeCache);
  const undecided = undecidedWrites(log, cutAt, durable);
  if (undecided.length > max) return null;
  const sectorSet = new Set<number>();
  for (const w of log) if (w.kind === 'write') for (let i = 0; i < w.sectors; i++) sectorSet.add(w.sector + i);
  const sectors = [...sectorSet].sort((a, b) => a - b);
  return {
    undecided,
    sectors,
    *images() {
      for (let mask = 0; mask < 1 << undecided.length; mask++) {
        const chosen = new Set(undecided.filter((_, k) => (mask & (1 << k)) !== 0));
        const img = new Map<number, number>();
        // issue order is the order per sector: two writes to one block are never in flight together
        for (const w of log) {
          if (w.kind !== 'write' || !(durable.has(w) || chosen.has(w))) continue;
          for (let i = 0; i < w.sectors; i++) img.set(w.sector + i, w.ids[i] ?? 0);
        }
        yield { mask, image: (s: number) => img.get(s) ?? 0 };
      }
    },
  };
}

/** Whether `actual` equals one of the enumerated images (over every written sector). */
export function isOneOf(ci: CrashImages, actual: Image): boolean {
  const want = ci.sectors.map(actual);
  for (const { image } of ci.images()) if (ci.sectors.every((s, i) => image(s) === want[i])) return true;
  return false;
}
