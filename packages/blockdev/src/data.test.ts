import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Simulator, type KGen } from '@dio/sim';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { bioAlloc } from './bio';
import { submitBioWait } from './blkdev';
import { REQ_OP_DISCARD, REQ_OP_READ, REQ_OP_WRITE, REQ_OP_WRITE_ZEROES } from './flags';
import { NullBlk } from './null-blk';
import type { NullBlkOptions } from './options';
import { ERRNO } from './status';
import { pattern } from './test-helpers';

/** Run `body` as one task on a fresh device; returns the device. */
function withDev(opts: NullBlkOptions, body: (dev: NullBlk) => KGen<void>): NullBlk {
  const sim = new Simulator({ seed: 11, cpus: 2 });
  const dev = new NullBlk(sim, opts);
  sim.spawn('t', () => body(dev));
  const r = sim.run();
  expect(r.hung).toEqual([]);
  return dev;
}

function* rw(dev: NullBlk, op: number, sector: number, data: Uint8Array): KGen<number> {
  return yield* submitBioWait(bioAlloc(dev, op, { sector, data }));
}

describe('memory-backed data', () => {
  for (const irqmode of ['hardirq', 'softirq', 'timer', 'none'] as const) {
    it(`written data reads back (${irqmode})`, () => {
      withDev({ irqmode, write_cache: true }, function* (dev) {
        const w = pattern(1, 16);
        expect(yield* rw(dev, REQ_OP_WRITE, 1000, w)).toBe(0);
        const r = new Uint8Array(16 * 512);
        expect(yield* rw(dev, REQ_OP_READ, 1000, r)).toBe(0);
        expect(r).toEqual(w);
        const partial = new Uint8Array(1024);
        yield* rw(dev, REQ_OP_READ, 1004, partial);
        expect(partial).toEqual(w.subarray(4 * 512, 6 * 512));
      });
    });
  }

  it('unwritten sectors read as zeroes; write_zeroes and discard clear', () => {
    withDev({ discard: true }, function* (dev) {
      const r = new Uint8Array(4096).fill(9);
      yield* rw(dev, REQ_OP_READ, 0, r);
      expect(r.every((b) => b === 0)).toBe(true);
      yield* rw(dev, REQ_OP_WRITE, 0, pattern(2, 8));
      yield* submitBioWait(bioAlloc(dev, REQ_OP_WRITE_ZEROES, { sector: 0, size: 1024 }));
      yield* submitBioWait(bioAlloc(dev, REQ_OP_DISCARD, { sector: 6, size: 1024 }));
      yield* rw(dev, REQ_OP_READ, 0, r);
      const expected = pattern(2, 8);
      expected.fill(0, 0, 1024);
      expected.fill(0, 3072, 4096);
      expect(r).toEqual(expected);
    });
  });

  it('discard is BLK_STS_NOTSUPP unless enabled; I/O past the end or misaligned to bs is -EIO', () => {
    withDev({ bs: 4096, gb: 1 }, function* (dev) {
      expect(yield* submitBioWait(bioAlloc(dev, REQ_OP_DISCARD, { sector: 0, size: 4096 }))).toBe(-ERRNO.EOPNOTSUPP);
      expect(yield* rw(dev, REQ_OP_WRITE, dev.sectors - 8, new Uint8Array(8192))).toBe(-ERRNO.EIO);
      expect(yield* rw(dev, REQ_OP_WRITE, 1, new Uint8Array(4096))).toBe(-ERRNO.EIO);
      expect(yield* rw(dev, REQ_OP_WRITE, 8, new Uint8Array(512))).toBe(-ERRNO.EIO);
      expect(yield* rw(dev, REQ_OP_WRITE, 8, new Uint8Array(4096))).toBe(0);
    });
  });

  it('memory_backed: false keeps nothing', () => {
    const dev = withDev({ memory_backed: false }, function* (dev) {
      yield* rw(dev, REQ_OP_WRITE, 0, pattern(3, 8));
      const r = new Uint8Array(4096);
      yield* rw(dev, REQ_OP_READ, 0, r);
      expect(r.every((b) => b === 0)).toBe(true);
    });
    expect(dev.media).toBeNull();
  });

  describe('file backing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dio-blockdev-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('writes land in the file at sector * 512 and read back', () => {
      const path = join(dir, 'disk.img');
      const w = pattern(4, 8);
      const dev = withDev({ backing_file: path }, function* (dev) {
        yield* rw(dev, REQ_OP_WRITE, 16, w);
        const r = new Uint8Array(4096);
        yield* rw(dev, REQ_OP_READ, 16, r);
        expect(r).toEqual(w);
      });
      dev.close();
      const file = readFileSync(path);
      expect(new Uint8Array(file.subarray(16 * 512, 24 * 512))).toEqual(w);
      // a second device over the same file sees the data
      withDev({ backing_file: path }, function* (dev2) {
        const r = new Uint8Array(4096);
        yield* rw(dev2, REQ_OP_READ, 16, r);
        expect(r).toEqual(w);
        dev2.close();
      });
    });
  });
});

describe('bad blocks', () => {
  it('EIO ranges fail exactly the bios they cover (property)', () => {
    const seed = Number(process.env.FC_SEED ?? 1234);
    const range = fc.tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 20 })).map(([s, n]) => [s, s + n] as const);
    const io = fc.tuple(fc.integer({ min: 0, max: 520 }), fc.integer({ min: 1, max: 16 }), fc.boolean());
    fc.assert(
      fc.property(fc.array(range, { maxLength: 5 }), fc.array(io, { minLength: 1, maxLength: 30 }), (ranges, ios) => {
        const cmds = ranges.map(([s, e]) => `+${s}-${e}`);
        const got: number[] = [];
        withDev({ badblocks: cmds }, function* (dev) {
          for (const [sector, n, write] of ios) got.push(yield* rw(dev, write ? REQ_OP_WRITE : REQ_OP_READ, sector, new Uint8Array(n * 512)));
        });
        const want = ios.map(([sector, n]) => (ranges.some(([s, e]) => s < sector + n && e >= sector) ? -ERRNO.EIO : 0));
        expect(got).toEqual(want);
      }),
      { seed, numRuns: 100 },
    );
  });

  it('a failed write changes nothing; badblocks_once clears the range after the first hit', () => {
    const dev = withDev({ badblocks: ['+10-11'], badblocks_once: true }, function* (dev) {
      expect(yield* rw(dev, REQ_OP_WRITE, 8, pattern(5, 8))).toBe(-ERRNO.EIO);
      const r = new Uint8Array(4096);
      yield* rw(dev, REQ_OP_READ, 8, r);
      expect(r.every((b) => b === 0)).toBe(true);
      expect(yield* rw(dev, REQ_OP_WRITE, 8, pattern(5, 8))).toBe(0);
    });
    expect(dev.badblocks.count).toBe(0);
  });

  it('badblocks_partial_io transfers the blocks before the first bad one', () => {
    withDev({ badblocks: ['+13-13'], badblocks_partial_io: true, bs: 1024, gb: 1 }, function* (dev) {
      const w = pattern(6, 8);
      expect(yield* rw(dev, REQ_OP_WRITE, 8, w)).toBe(-ERRNO.EIO);
      dev.badblocks.store('-13-13');
      const r = new Uint8Array(4096);
      yield* rw(dev, REQ_OP_READ, 8, r);
      // sectors 8..11 landed (block-aligned below bad sector 13), 12.. did not
      expect(r.subarray(0, 2048)).toEqual(w.subarray(0, 2048));
      expect(r.subarray(2048).every((b) => b === 0)).toBe(true);
    });
  });

  it('badblocks can be edited while running (configfs)', () => {
    withDev({}, function* (dev) {
      expect(yield* rw(dev, REQ_OP_WRITE, 0, new Uint8Array(512))).toBe(0);
      dev.badblocks.store('+0-0');
      expect(yield* rw(dev, REQ_OP_WRITE, 0, new Uint8Array(512))).toBe(-ERRNO.EIO);
      dev.badblocks.store('-0-0');
      expect(yield* rw(dev, REQ_OP_WRITE, 0, new Uint8Array(512))).toBe(0);
    });
  });
});
