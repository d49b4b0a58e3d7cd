import { Rng, Simulator, sleep, type KGen } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { bioAlloc } from './bio';
import { submitBioWait } from './blkdev';
import { REQ_FUA, REQ_OP_READ, REQ_OP_WRITE, REQ_PREFLUSH } from './flags';
import { MemoryMedia } from './media';
import { NullBlk } from './null-blk';
import { blkFinishPlug, blkStartPlug } from './plug';
import type { NullBlkOptions } from './options';
import { ERRNO } from './status';
import { pattern } from './test-helpers';
import { WriteCache } from './write-cache';

const sectorOf = (b: Uint8Array): number => (b[0] as number) | ((b[1] as number) << 8);

describe('write cache durability (dm-log-writes ordering)', () => {
  it('W1, W2, W3, C3, C2, Wflush, C1, Cflush: W2 and W3 durable, W1 not guaranteed', () => {
    let w1Lost = 0;
    let w1Kept = 0;
    for (let seed = 1; seed <= 64; seed++) {
      const cache = new WriteCache(new MemoryMedia(), 0);
      // writes land in the cache at completion: C3, C2
      cache.write(3, 30, pattern(3, 1));
      cache.write(2, 20, pattern(2, 1));
      const flushIssued = cache.snapshot(); // Wflush
      cache.write(1, 10, pattern(1, 1)); // C1: completed after the flush was issued
      cache.flush(flushIssued); // Cflush
      cache.powerCut(new Rng(seed).fork('cut'), false);
      const read = (s: number): number => {
        const b = new Uint8Array(512);
        cache.read(s, 1, b);
        return sectorOf(b);
      };
      expect(read(30)).toBe(3);
      expect(read(20)).toBe(2);
      if (read(10) === 1) w1Kept++;
      else w1Lost++;
    }
    expect(w1Lost).toBeGreaterThan(0);
    expect(w1Kept).toBeGreaterThan(0);
  });

  it('on a NullBlk (W1, W2, W3, C2, C3, Wflush, C1, Cflush): W1 held in a plug completes after the flush was issued', () => {
    let w1Lost = 0;
    let w1Kept = 0;
    for (let seed = 1; seed <= 32; seed++) {
      const sim = new Simulator({ seed, cpus: 2 });
      const dev = new NullBlk(sim, { write_cache: true, write_latency: { kind: 'fixed', value: 5_000 }, flush_latency: { kind: 'fixed', value: 50_000 } });
      const log: string[] = [];
      const endIo = (name: string) =>
        function (): void {
          log.push(`C${name}`);
        };
      const submit = (name: string, opf: number, sector: number | null): KGen<void> => {
        log.push(`W${name}`);
        const data = sector === null ? null : pattern(Number(name), 1);
        return dev.submitBio(bioAlloc(dev, opf, { sector: sector ?? 0, data, endIo: endIo(name) }));
      };
      sim.spawn(
        'a',
        function* () {
          const plug = blkStartPlug();
          yield* submit('1', REQ_OP_WRITE, 10); // submitted, held in the plug
          yield sleep(20_000);
          blkFinishPlug(plug); // now it reaches the device
        },
        { cpusAllowed: [0] },
      );
      sim.spawn(
        'b',
        function* () {
          yield sleep(1_000);
          yield* submit('2', REQ_OP_WRITE, 20);
          yield* submit('3', REQ_OP_WRITE, 30);
          yield sleep(10_000); // C2, C3
          yield* submit('flush', REQ_OP_WRITE | REQ_PREFLUSH, null);
        },
        { cpusAllowed: [1] },
      );
      sim.run();
      expect(log).toEqual(['W1', 'W2', 'W3', 'C2', 'C3', 'Wflush', 'C1', 'Cflush']);
      dev.powerCut();
      expect(sectorOf(dev.readDurable(20, 1))).toBe(2);
      expect(sectorOf(dev.readDurable(30, 1))).toBe(3);
      if (sectorOf(dev.readDurable(10, 1)) === 1) w1Kept++;
      else w1Lost++;
    }
    expect(w1Lost).toBeGreaterThan(0);
    expect(w1Kept).toBeGreaterThan(0);
  });

  it('a FUA write supersedes older cached versions of its sectors', () => {
    const cache = new WriteCache(new MemoryMedia(), 0);
    cache.write(1, 5, pattern(1, 1));
    cache.writeThrough(5, pattern(2, 1));
    cache.powerCut(new Rng(1), false);
    const b = new Uint8Array(512);
    cache.read(5, 1, b);
    expect(sectorOf(b)).toBe(2);
  });

  it('cache_size: a full cache writes back its oldest data', () => {
    const cache = new WriteCache(new MemoryMedia(), 2 * 512);
    cache.write(1, 0, pattern(1, 1));
    cache.write(2, 1, pattern(2, 1));
    cache.write(3, 2, pattern(3, 1));
    expect(cache.dirtyBytes).toBe(1024);
    const b = new Uint8Array(512);
    cache.media.read(0, 1, b);
    expect(sectorOf(b)).toBe(1);
  });
});

/** Run `body` on a device, then cut the power when it returns; returns the device. */
function cutAfter(opts: NullBlkOptions, body: (dev: NullBlk) => KGen<void>, seed = 5): NullBlk {
  const sim = new Simulator({ seed, cpus: 1 });
  const dev = new NullBlk(sim, opts);
  sim.spawn('t', function* () {
    yield* body(dev);
    dev.powerCut();
  });
  sim.run();
  return dev;
}

describe('NullBlk power cut', () => {
  const wc: NullBlkOptions = { write_cache: true, latency: { kind: 'fixed', value: 5_000 } };

  it('reports the write cache and FUA switches (bdev_write_cache / bdev_fua)', () => {
    const sim = new Simulator();
    expect([new NullBlk(sim).bdevWriteCache(), new NullBlk(sim).bdevFua()]).toEqual([false, false]);
    expect([new NullBlk(sim, wc).bdevWriteCache(), new NullBlk(sim, wc).bdevFua()]).toEqual([true, true]);
    expect(new NullBlk(sim, { ...wc, fua: false }).bdevFua()).toBe(false);
    expect(new NullBlk(sim, { cache_size: 16 }).bdevWriteCache()).toBe(true);
  });

  // completed FUA writes and flushes: device-kinds.test.ts, for every kind

  it('without a write cache a completed write is durable and flushes complete at once', () => {
    const dev = cutAfter({ latency: { kind: 'fixed', value: 5_000 } }, function* (dev) {
      yield* submitBioWait(bioAlloc(dev, REQ_OP_WRITE, { sector: 3, data: pattern(7, 1) }));
      const t0 = dev.sim.now;
      yield* submitBioWait(bioAlloc(dev, REQ_OP_WRITE | REQ_PREFLUSH));
      expect(dev.sim.now - t0).toBeLessThan(5_000);
    });
    expect(sectorOf(dev.readDurable(3, 1))).toBe(7);
  });

  it('tear: a volatile or in-flight multi-sector write may survive in part; without tear it is all or nothing', () => {
    const shapes = (tear: boolean, inFlight: boolean): Set<string> => {
      const seen = new Set<string>();
      for (let seed = 1; seed <= 40; seed++) {
        const sim = new Simulator({ seed, cpus: 1 });
        const dev = new NullBlk(sim, wc);
        sim.spawn('t', function* () {
          const bio = bioAlloc(dev, REQ_OP_WRITE, { sector: 0, data: pattern(9, 8) });
          if (inFlight) yield* dev.submitBio(bio);
          else yield* submitBioWait(bio);
          yield sleep(1_000); // in flight: the 5 µs service time has not passed
          dev.powerCut({ tear });
        });
        sim.run();
        // which of the 8 sectors hold the write: e.g. '11111111', '00000000', '10110010'
        seen.add([...Array(8).keys()].map((i) => (sectorOf(dev.readDurable(i, 1)) === 9 ? '1' : '0')).join(''));
      }
      return seen;
    };
    const torn = (s: Set<string>): boolean => [...s].some((x) => x.includes('0') && x.includes('1'));
    expect(torn(shapes(false, false))).toBe(false);
    expect(shapes(false, false)).toEqual(new Set(['00000000', '11111111']));
    expect(torn(shapes(true, false))).toBe(true);
    expect(shapes(false, true)).toEqual(new Set(['00000000'])); // DROP_ONLY: an unfinished write never lands
    expect(torn(shapes(true, true))).toBe(true);
  });

  it('after a cut submits fail with -EIO until powerOn; the media keeps what survived', () => {
    const sim = new Simulator({ seed: 1 });
    const dev = new NullBlk(sim, wc);
    sim.spawn('t', function* () {
      yield* submitBioWait(bioAlloc(dev, REQ_OP_WRITE | REQ_FUA, { sector: 0, data: pattern(1, 1) }));
      // one write still in flight at the cut never completes
      yield* dev.submitBio(bioAlloc(dev, REQ_OP_WRITE, { sector: 1, data: pattern(2, 1) }));
      yield sleep(1_000);
      dev.powerCut();
      expect(yield* submitBioWait(bioAlloc(dev, REQ_OP_READ, { sector: 0, data: new Uint8Array(512) }))).toBe(-ERRNO.EIO);
      dev.powerOn();
      const r = new Uint8Array(1024);
      expect(yield* submitBioWait(bioAlloc(dev, REQ_OP_READ, { sector: 0, data: r }))).toBe(0);
      expect(sectorOf(r)).toBe(1);
      expect(sectorOf(r.subarray(512))).toBe(0);
    });
    const r = sim.run();
    expect(r.hung).toEqual([]);
  });
});
