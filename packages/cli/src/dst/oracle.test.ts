import { describe, expect, it } from 'vitest';
import { checkCrash, checkCompletions, type Fail } from './checks';
import { drawCase, type FuzzCase } from './case';
import type { WriteRecord } from './driver';
import { checkPromises, promisedDurable } from './fs-oracle';
import { crashImages, durableWrites, isOneOf, permissible, tornWrites } from './oracle';
import type { LoggedIo } from './spy';

/** A logged write of `id` over `n` sectors at `sector`, issued at `sub`, completed at `done`. */
function w(id: number, sector: number, sub: number, done: number | null, extra: Partial<LoggedIo> = {}): LoggedIo {
  return { kind: 'write', sector, sectors: 2, fua: false, preflush: false, submittedAt: sub, completedAt: done, ok: done !== null, ids: [id, id], ...extra };
}
function flush(sub: number, done: number | null): LoggedIo {
  return { kind: 'flush', sector: 0, sectors: 0, fua: false, preflush: true, submittedAt: sub, completedAt: done, ok: done !== null, ids: [] };
}
const media = (m: Record<number, number>) => (s: number) => m[s] ?? 0;

describe('dm-log-writes rule', () => {
  // W1, W2, W3, C3, C2, Wflush, C1, Cflush: W2 and W3 durable by the flush, W1 not guaranteed
  const log = [w(1, 0, 1, 7), w(2, 10, 2, 5), w(3, 20, 3, 4), flush(6, 8)];
  it('follows the reference example', () => {
    const d = durableWrites(log, 100, true);
    expect([...d].map((x) => x.ids[0]).sort()).toEqual([2, 3]);
    expect(durableWrites(log, 7, true).size).toBe(0); // the flush had not completed
    expect(durableWrites(log, 100, false).size).toBe(3); // no volatile cache: completion is durability
  });
  it('allows W1 old or new, W2 and W3 only new', () => {
    const p = permissible(log, 100, true);
    expect([...(p.get(0) ?? [])].sort()).toEqual([0, 1]);
    expect([...(p.get(10) ?? [])]).toEqual([2]);
    expect([...(p.get(20) ?? [])]).toEqual([3]);
  });
  it('enumerates 2 images and rejects anything else', () => {
    const ci = crashImages(log, 100, true);
    expect(ci?.undecided.length).toBe(1);
    expect(ci === null ? 0 : [...ci.images()].length).toBe(2);
    if (ci === null) throw new Error('no images');
    expect(isOneOf(ci, media({ 0: 1, 1: 1, 10: 2, 11: 2, 20: 3, 21: 3 }))).toBe(true);
    expect(isOneOf(ci, media({ 10: 2, 11: 2, 20: 3, 21: 3 }))).toBe(true);
    expect(isOneOf(ci, media({ 0: 1, 1: 0, 10: 2, 11: 2, 20: 3, 21: 3 }))).toBe(false); // W1 torn
    expect(isOneOf(ci, media({ 0: 1, 1: 1, 20: 3, 21: 3 }))).toBe(false); // durable W2 lost
    expect(tornWrites(log, 100, true, media({ 0: 1, 10: 2, 11: 2 }))).toHaveLength(1);
  });
  it('gives up past 8 undecided writes (2^8 images at most)', () => {
    const many = Array.from({ length: 9 }, (_, i) => w(i + 1, i * 8, i, i + 1));
    expect(crashImages(many, 100, true)).toBeNull();
    expect(crashImages(many.slice(0, 8), 100, true)?.undecided.length).toBe(8);
  });
  it('orders writes to one block by issue: an older undecided write never overwrites a newer durable one', () => {
    const l = [w(1, 0, 1, 2), w(2, 0, 3, 4, { fua: true })];
    const ci = crashImages(l, 100, true);
    if (ci === null) throw new Error('no images');
    expect(isOneOf(ci, media({ 0: 1, 1: 1 }))).toBe(false);
    expect(isOneOf(ci, media({ 0: 2, 1: 2 }))).toBe(true);
  });
});

describe('the fs-level oracle', () => {
  const rec = (id: number, block: number, done: number): WriteRecord => ({ id, block, submittedAt: done - 1, results: [4096], completedAt: done });
  const recs = [rec(1, 0, 2), rec(2, 1, 4)];
  const log = [w(1, 0, 1, 2), w(2, 10, 3, 4)];
  it('promises O_DSYNC writes, and buffered ones only under a completed fsync', () => {
    const base = { writeCache: true, bs: 4096, cutAt: 100 };
    expect(promisedDurable(recs, { ...base, sync: 'dsync', fsyncs: [] }).size).toBe(2);
    expect(promisedDurable(recs, { ...base, sync: 'none', fsyncs: [] }).size).toBe(0);
    expect(promisedDurable(recs, { ...base, sync: 'none', fsyncs: [{ start: 3, end: 9, ret: 0 }] }).size).toBe(1);
    expect(promisedDurable(recs, { ...base, sync: 'none', fsyncs: [{ start: 3, end: null, ret: null }] }).size).toBe(0);
  });
  it('flags a promised write missing from an image, but not one a later write replaced', () => {
    const p = promisedDurable(recs, { writeCache: true, bs: 4096, cutAt: 100, sync: 'dsync', fsyncs: [] });
    expect(checkPromises(p, recs, log, media({ 0: 1, 1: 1, 10: 2, 11: 2 }))).toEqual([]);
    expect(checkPromises(p, recs, log, media({ 0: 1, 1: 1 }))).toHaveLength(1);
    expect(checkPromises(p, [...recs, rec(3, 1, 9)], log, media({ 0: 1, 1: 1, 10: 3, 11: 3 }))).toEqual([]);
  });
  it('CrashMonkey: an O_DSYNC write acknowledged without FUA or flush breaks some permissible image', () => {
    const c: FuzzCase = { ...drawCase(1), sync: 'dsync', writeCache: true, bs: 4096, tear: false };
    const fails: string[] = [];
    const fail: Fail = (_, m) => fails.push(m);
    // the device kept the write, so the real media looks fine; the enumeration finds the image that loses it
    const n = checkCrash({ c, recs: [rec(1, 0, 2)], log: [w(1, 0, 1, 2)], cutAt: 100, fsyncs: [], media: media({ 0: 1, 1: 1 }) }, fail);
    expect(n).toBe(1);
    expect(fails.join('\n')).toMatch(/breaks the fs oracle/);
    fails.length = 0;
    checkCrash({ c, recs: [rec(1, 0, 2)], log: [w(1, 0, 1, 2, { fua: true })], cutAt: 100, fsyncs: [], media: media({ 0: 1, 1: 1 }) }, fail);
    expect(fails).toEqual([]);
  });
});

describe('completion checks', () => {
  it('catch a lost, a duplicated and a wrong result', () => {
    const c: FuzzCase = { ...drawCase(1), bs: 4096, writes: 3 };
    const fails: string[] = [];
    const r = (id: number, results: number[]): WriteRecord => ({ id, block: id, submittedAt: 0, results, completedAt: 1 });
    checkCompletions(c, [r(1, []), r(2, [4096, 4096]), r(3, [-5])], -1, true, (_, m) => fails.push(m));
    expect(fails).toEqual(['write 1 never completed', 'write 2 completed 2 times', 'write 3 (block 3) returned -5']);
  });
});
