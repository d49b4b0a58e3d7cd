/**
 * The invariants a fuzz run checks, each a function over what the run left
 * behind (the issuer's records, the trace, the dm-log-writes log, the media).
 * @module
 */
import type { TraceRecord } from '@dio/sim';
import type { FuzzCase } from './case';
import type { WriteRecord } from './driver';
import { checkPromises, type FsyncCall, promisedDurable } from './fs-oracle';
import { crashImages, type Image, isOneOf, permissible, tornWrites } from './oracle';
import type { LoggedIo } from './spy';

/** The invariants every run checks (some only with / without a power cut). */
export const INVARIANTS = [
  "exactly-once completion with the right result (no lost or duplicated CQE/event, CQ overflow included; the racer's calls return 0)",
  'i_dio_count back to 0',
  'no hung task and no workload task left asleep; DeadlockError exactly in the deliberate caller-comp fallocate case',
  'completions only in contexts the policy allows; nothing sleeps in atomic context',
  'virtual time monotonic and within the run',
  'read-back (O_DIRECT pread) returns the last acknowledged write of every block, zeros where never written; i_size covers every write',
  'after a power cut: every sector holds a permissible write (dm-log-writes rule: nothing invented), torn only with tearing on',
  'after a power cut: every write acknowledged durable (O_DSYNC/O_SYNC, before a completed fsync, or with no volatile cache) is intact',
  'after a power cut with ≤ 8 undecided writes: every permissible image enumerated, the fs oracle holds on each, and the media is one of them',
] as const;

/** Record a failure of invariant `inv`. */
export type Fail = (inv: number, msg: string) => void;

/** Exactly once, with the byte count or -EIO exactly when the write covered the bad block. */
export function checkCompletions(c: FuzzCase, recs: readonly WriteRecord[], badBlock: number, finished: boolean, fail: Fail): void {
  if (finished && recs.length !== c.writes) fail(0, `${recs.length} of ${c.writes} writes issued`);
  for (const r of recs) {
    if (r.results.length > 1) fail(0, `write ${r.id} completed ${r.results.length} times`);
    if (r.results.length === 0 && finished) fail(0, `write ${r.id} never completed`);
    const res = r.results[0];
    if (res === undefined) continue;
    const bad = r.block === badBlock;
    if (bad && res !== -5) fail(0, `write ${r.id} covers the bad block ${badBlock} but returned ${res}`);
    if (!bad && res !== c.bs) fail(0, `write ${r.id} (block ${r.block}) returned ${res}`);
  }
}

/** Where each completion ran, given how it was reached; every finished write was completed by iomap exactly once (besides -EAGAIN attempts). */
export function checkContexts(c: FuzzCase, records: readonly TraceRecord[], ino: number, completed: number, finished: boolean, fail: Fail): void {
  let n = 0;
  for (const rec of records) {
    if (rec.name !== 'iomap_dio_complete' || rec.args === undefined || rec.args.ino !== ino) continue;
    if (rec.args.ret !== -11) n++; // a NOWAIT attempt ending -EAGAIN is retried from io-wq as a new dio
    const where = rec.kind === 'task' ? rec.ctx : rec.kind;
    const via = String(rec.args.via);
    const submitter = where === 'issuer' || where.startsWith('iou-wrk-');
    const ok =
      ((via === 'submit' || via === 'sync') && submitter) ||
      (via === 'workqueue' && where.startsWith('kworker/')) ||
      (via === 'caller' && where === 'issuer' && c.policy === 'caller' && c.callerComp && c.engine.startsWith('uring')) ||
      // inline in bio end_io: the interrupt (hard or soft), the polling task for IOPOLL, or the submitter when the device completes in submit
      (via === 'end_io' && c.policy === 'inline' && (where === 'hardirq' || where === 'softirq' || ((c.engine === 'uring-iopoll' || c.irqmode === 'none') && submitter)));
    if (!ok) fail(3, `a completion reached via '${via}' ran in '${where}'`);
  }
  if (finished && n !== completed) fail(3, `${n} iomap_dio_complete events for ${completed} completed writes`);
}

/**
 * Each CPU's trace instants never go back (each CPU has its own clock: one
 * may run ahead of another, docs/engine.md "Clocks"); nothing happens after
 * the run's end; each I/O completes after it was issued.
 */
export function checkTime(records: readonly TraceRecord[], now: number, limit: number, recs: readonly WriteRecord[], log: readonly LoggedIo[], fail: Fail): void {
  let last = 0;
  const lastOn = new Map<number, number>();
  for (const rec of records) {
    if (rec.ph !== 'i') continue; // CPU slices are recorded when they end, with their start time
    if (rec.ts > last) last = rec.ts;
    if (rec.cpu < 0) continue; // no CPU's: a device's or set-up code's, on whichever clock called it
    const prev = lastOn.get(rec.cpu) ?? 0;
    if (rec.ts < prev) {
      fail(4, `cpu${rec.cpu}'s trace time went back from ${prev} to ${rec.ts}`);
      break;
    }
    lastOn.set(rec.cpu, rec.ts);
  }
  if (last > now) fail(4, `a trace event at ${last} is after the clock (${now})`);
  if (now > limit) fail(4, `ran past its end: ${now}`);
  for (const r of recs) if (r.completedAt !== null && (r.completedAt < r.submittedAt || r.completedAt > now)) fail(4, `write ${r.id} completed at ${r.completedAt}, issued at ${r.submittedAt}, clock ${now}`);
  for (const e of log) if (e.completedAt !== null && (e.completedAt < e.submittedAt || e.completedAt > now)) fail(4, `a bio at sector ${e.sector} completed at ${e.completedAt}, issued at ${e.submittedAt}`);
}

/** What the power-cut check needs. */
export interface CrashInput {
  readonly c: FuzzCase;
  readonly recs: readonly WriteRecord[];
  readonly log: readonly LoggedIo[];
  readonly cutAt: number;
  readonly fsyncs: readonly FsyncCall[];
  /** The durable media after the cut. */
  readonly media: Image;
}

/** After a power cut: per-sector permissibility, tearing, fs-level promises, and the exhaustive enumeration. Returns the images checked. */
export function checkCrash(x: CrashInput, fail: Fail): number {
  const { c, log, cutAt } = x;
  for (const [s, ids] of permissible(log, cutAt, c.writeCache)) {
    const got = x.media(s);
    if (!ids.has(got)) fail(6, `sector ${s} holds write ${got}; allowed ${[...ids].join('/')}`);
  }
  if (!c.tear) for (const w of tornWrites(log, cutAt, c.writeCache, x.media)) fail(6, `write ${w.ids[0]} at sector ${w.sector} is torn, with tearing off`);
  const promised = promisedDurable(x.recs, { sync: c.sync, writeCache: c.writeCache, bs: c.bs, cutAt, fsyncs: x.fsyncs });
  for (const m of checkPromises(promised, x.recs, log, x.media)) fail(7, m);
  if (c.tear) return 0;
  const ci = crashImages(log, cutAt, c.writeCache);
  if (ci === null) return 0;
  let n = 0;
  for (const { mask, image } of ci.images()) {
    n++;
    const bad = checkPromises(promised, x.recs, log, image);
    if (bad.length > 0) {
      const kept = ci.undecided.filter((_, k) => (mask & (1 << k)) !== 0).map((w) => w.ids[0] ?? 0);
      fail(8, `permissible image {undecided kept: ${kept.join(',') || 'none'}} breaks the fs oracle: ${bad[0]}`);
      break;
    }
  }
  if (!isOneOf(ci, x.media)) fail(8, `the media is not one of the ${n} permissible post-crash images`);
  return n;
}
