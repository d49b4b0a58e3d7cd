/**
 * The filesystem-level crash oracle: which writes the user was told are
 * durable (O_DSYNC / O_SYNC acknowledged, covered by a completed fsync, or
 * acknowledged with no volatile cache to lose them), and a check that a
 * post-crash image keeps every one of them intact.
 * @module
 */
import type { WriteRecord } from './driver';
import type { Image } from './oracle';
import type { LoggedIo } from './spy';

/** One fsync(2) another task ran: when it was called, when it returned, and what. */
export interface FsyncCall {
  readonly start: number;
  end: number | null;
  ret: number | null;
}

/** What decides which acknowledged writes are promised durable. */
export interface Promises {
  readonly sync: 'none' | 'dsync' | 'sync';
  readonly writeCache: boolean;
  readonly bs: number;
  readonly cutAt: number;
  readonly fsyncs: readonly FsyncCall[];
}

/** The writes acknowledged as durable before the cut, each with the reason. */
export function promisedDurable(recs: readonly WriteRecord[], p: Promises): Map<WriteRecord, string> {
  const out = new Map<WriteRecord, string>();
  const fsyncs = p.fsyncs.filter((f) => f.ret === 0 && f.end !== null && f.end <= p.cutAt);
  for (const r of recs) {
    if (r.results[0] !== p.bs || r.completedAt === null || r.completedAt > p.cutAt) continue;
    const done = r.completedAt;
    if (p.sync !== 'none') out.set(r, `O_${p.sync.toUpperCase()} write`);
    else if (!p.writeCache) out.set(r, 'write acknowledged with no volatile cache');
    else if (fsyncs.some((f) => f.start >= done)) out.set(r, 'write covered by a completed fsync');
  }
  return out;
}

/**
 * Check that `image` keeps every promised write: each sector it put down
 * holds it, or a write the user issued to the same block after it.
 */
export function checkPromises(promised: ReadonlyMap<WriteRecord, string>, recs: readonly WriteRecord[], log: readonly LoggedIo[], image: Image): string[] {
  const out: string[] = [];
  for (const [r, why] of promised) {
    const later = new Set(recs.filter((x) => x.block === r.block && x.id > r.id).map((x) => x.id));
    const bios = log.filter((e) => e.kind === 'write' && e.ids[0] === r.id);
    if (bios.length === 0) out.push(`${why} ${r.id} (block ${r.block}) succeeded but no device write carried its data`);
    for (const e of bios) {
      for (let i = 0; i < e.sectors; i++) {
        const got = image(e.sector + i);
        if (got !== r.id && !later.has(got)) {
          out.push(`${why} ${r.id} (block ${r.block}) was acknowledged durable but sector ${e.sector + i} holds ${got} after the cut`);
          break;
        }
      }
    }
  }
  return out;
}
