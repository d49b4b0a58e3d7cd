/**
 * Helpers shared by this package's tests (not exported from the package).
 * @module
 */
import { WaitQueue, waitEvent, type KGen } from '@dio/sim';
import { bioAlloc, type Bio } from './bio';
import type { BlockDevice } from './blkdev';

/** Result of a {@link fioLoop}. */
export interface LoopResult {
  /** I/Os completed. */
  done: number;
  /** Completion latencies, ns. */
  lats: number[];
  /** Bios that ended with an error. */
  errors: number;
  /** Time the last one completed. */
  lastDone: number;
}

/**
 * A fio-like async loop in one task: keep `qd` bios in flight until `n` have
 * completed. `mk(i)` gives the i-th bio's opf, sector and size.
 */
export function* fioLoop(
  dev: BlockDevice,
  qd: number,
  n: number,
  mk: (i: number) => { opf: number; sector: number; size: number; data?: Uint8Array },
  now: () => number,
  out: LoopResult,
): KGen<void> {
  const wq = new WaitQueue('fio reap');
  let inflight = 0;
  let issued = 0;
  const endIo = function (b: Bio): void {
    inflight--;
    out.done++;
    out.lats.push(now() - (b.biPrivate as number));
    if (b.biStatus !== 0) out.errors++;
    out.lastDone = now();
    wq.wakeUpOne();
  };
  while (out.done < n) {
    while (inflight < qd && issued < n) {
      const p = mk(issued++);
      inflight++;
      const bio = bioAlloc(dev, p.opf, { sector: p.sector, size: p.size, data: p.data ?? null, endIo, private: now() });
      yield* dev.submitBio(bio);
    }
    yield* waitEvent(wq, () => (issued < n ? inflight < qd : out.done >= n), { state: 'S' });
  }
}

/** A fresh, empty loop result. */
export function loopResult(): LoopResult {
  return { done: 0, lats: [], errors: 0, lastDone: 0 };
}

/** A buffer of `sectors` 512-byte sectors, each filled with a pattern derived from `tag` and its index. */
export function pattern(tag: number, sectors: number): Uint8Array {
  const b = new Uint8Array(sectors * 512);
  for (let s = 0; s < sectors; s++) {
    const v = (tag * 31 + s * 7 + 1) & 0xff;
    b.fill(v, s * 512, (s + 1) * 512);
    b[s * 512] = tag & 0xff;
    b[s * 512 + 1] = (tag >>> 8) & 0xff;
    b[s * 512 + 2] = s & 0xff;
  }
  return b;
}
