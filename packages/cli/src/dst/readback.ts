/**
 * Read the file back through the filesystem after a run (O_DIRECT preads,
 * so unwritten extents and holes read as zeros) and compare every byte with
 * what the block may hold: its last acknowledged write, zeros where never
 * written, or zeros where a racing ftruncate down may have cut it.
 * @module
 */
import { pread } from '@dio/fs';
import { type File, IovIter } from '@dio/kiocb';
import type { KGen, Simulator } from '@dio/sim';
import { stamp, type WriteRecord } from './driver';

/** One ftruncate(2) a racing task ran. */
export interface TruncateCall {
  readonly start: number;
  end: number | null;
  readonly size: number;
  ret: number | null;
}

/** What to read. */
export interface ReadbackSpec {
  readonly bs: number;
  /** Blocks of the file (by `bs`) to read: every block below i_size. */
  readonly blocks: number;
  /** A block whose sectors are bad (-EIO), or -1. */
  readonly badBlock: number;
}

/**
 * Per block, the write ids it may hold (0 = zeros), or null to skip it (a
 * write to it failed). ftruncate waits for in-flight direct I/O under the
 * exclusive i_rwsem, so each write lands wholly before or after a truncate;
 * only when the user's view of the two overlaps are both outcomes allowed.
 */
export function expectedContent(recs: readonly WriteRecord[], truncs: readonly TruncateCall[], bs: number): (block: number) => readonly number[] | null {
  const last = new Map<number, WriteRecord>();
  const failed = new Set<number>();
  for (const r of recs) {
    if (r.results[0] !== bs) failed.add(r.block);
    else if ((last.get(r.block)?.id ?? 0) < r.id) last.set(r.block, r);
  }
  return (b) => {
    if (failed.has(b)) return null;
    const w = last.get(b);
    if (w === undefined) return [0];
    const cuts = truncs.filter((t) => t.ret === 0 && t.size <= b * bs);
    if (cuts.some((t) => t.start > (w.completedAt as number))) return [0]; // cut after the write, never rewritten
    if (cuts.some((t) => (t.end as number) > w.submittedAt)) return [w.id, 0];
    return [w.id];
  };
}

/**
 * Spawn a reader for every block, run the simulation to the end, and return
 * one message per block that holds none of what it may.
 */
export function readBack(sim: Simulator, file: File, spec: ReadbackSpec, expect: (block: number) => readonly number[] | null): string[] {
  const out: string[] = [];
  sim.spawn(
    'reader',
    (function* (): KGen<void> {
      for (let b = 0; b < spec.blocks; b++) {
        const ids = expect(b);
        if (b === spec.badBlock || ids === null) continue;
        const buf = new Uint8Array(spec.bs).fill(0xee);
        const r = yield* pread(file, IovIter.ubuf(buf, spec.bs, 0x7e00_0000_0000 + b * spec.bs), b * spec.bs);
        if (r !== spec.bs) {
          out.push(`read of block ${b} returned ${r}`);
          continue;
        }
        const diffs = ids.map((id) => firstDiff(buf, id === 0 ? new Uint8Array(spec.bs) : stamp(new Uint8Array(spec.bs), id)));
        if (diffs.every((at) => at >= 0)) {
          const at = diffs[0] as number;
          out.push(`block ${b}: byte ${at} reads ${buf[at]}, expected ${ids.map((id) => (id === 0 ? 'zeros' : `write ${id}`)).join(' or ')}`);
        }
      }
    })(),
  );
  const r = sim.run({ until: sim.now + 10_000_000_000 });
  if (r.reason === 'until' || r.hung.length > 0) out.push(`read-back did not finish (${r.reason}, ${r.hung.length} hung)`);
  return out;
}

function firstDiff(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : a.length;
}
