import { Simulator, sleep, type KGen } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { bioAlloc } from './bio';
import type { BlkMqDevice } from './blk-mq';
import { submitBioWait } from './blkdev';
import { createBlockDevice } from './create';
import type { DeviceOptions } from './device-options';
import { REQ_FUA, REQ_OP_FLUSH, REQ_OP_READ, REQ_OP_WRITE, REQ_PREFLUSH } from './flags';
import { ERRNO } from './status';
import { fioLoop, loopResult, pattern } from './test-helpers';

const sectorOf = (b: Uint8Array): number => (b[0] as number) | ((b[1] as number) << 8);
const KINDS = ['null_blk', 'nvme', 'virtio-blk'] as const;
type Kind = (typeof KINDS)[number];

/** A device of `kind` with a write cache and a 5 µs service time. */
function make(sim: Simulator, kind: Kind, extra: object = {}): BlkMqDevice {
  return createBlockDevice(sim, { kind, gb: 1, write_cache: true, latency: { kind: 'fixed', value: 5_000 }, ...extra } as DeviceOptions);
}

/** Run `body` on a device, then cut the power when it returns. */
function cutAfter(kind: Kind, extra: object, body: (dev: BlkMqDevice) => KGen<void>, seed = 5): BlkMqDevice {
  const sim = new Simulator({ seed, cpus: 1 });
  const dev = make(sim, kind, extra);
  sim.spawn('t', function* () {
    yield* body(dev);
    dev.powerCut();
  });
  sim.run();
  return dev;
}

const SCHEDULERS = ['none', 'mq-deadline'] as const;

describe.each(KINDS.flatMap((k) => SCHEDULERS.map((sch) => [k, sch] as const)))('%s, scheduler %s: the shared blk-mq data side', (kind, scheduler) => {
  it('data written is read back', () => {
    const sim = new Simulator({ seed: 1, cpus: 2 });
    const dev = make(sim, kind, { scheduler });
    sim.spawn('t', function* () {
      expect(yield* submitBioWait(bioAlloc(dev, REQ_OP_WRITE, { sector: 16, data: pattern(5, 8) }))).toBe(0);
      const r = new Uint8Array(4096);
      expect(yield* submitBioWait(bioAlloc(dev, REQ_OP_READ, { sector: 16, data: r }))).toBe(0);
      expect(r).toEqual(pattern(5, 8));
    });
    expect(sim.run().hung).toEqual([]);
  });

  it('completed FUA writes survive a power cut (native or emulated); plain cached writes may not', () => {
    for (const fua of [true, false]) {
      let lost = 0;
      for (let seed = 1; seed <= 12; seed++) {
        const dev = cutAfter(kind, { fua, scheduler }, function* (dev) {
          for (let i = 0; i < 8; i++) yield* submitBioWait(bioAlloc(dev, REQ_OP_WRITE | REQ_FUA, { sector: i, data: pattern(i + 1, 1) }));
          for (let i = 8; i < 16; i++) yield* submitBioWait(bioAlloc(dev, REQ_OP_WRITE, { sector: i, data: pattern(i + 1, 1) }));
        }, seed);
        for (let i = 0; i < 8; i++) expect(sectorOf(dev.readDurable(i, 1))).toBe(i + 1);
        for (let i = 8; i < 16; i++) if (sectorOf(dev.readDurable(i, 1)) === 0) lost++;
      }
      expect(lost).toBeGreaterThan(0);
    }
  });

  it('a completed flush makes earlier completed writes durable', () => {
    for (const flushOp of [REQ_OP_FLUSH, REQ_OP_WRITE | REQ_PREFLUSH]) {
      const dev = cutAfter(kind, { scheduler }, function* (dev) {
        for (let i = 0; i < 8; i++) yield* submitBioWait(bioAlloc(dev, REQ_OP_WRITE, { sector: i, data: pattern(i + 1, 1) }));
        expect(yield* submitBioWait(bioAlloc(dev, flushOp))).toBe(0);
      });
      for (let i = 0; i < 8; i++) expect(sectorOf(dev.readDurable(i, 1))).toBe(i + 1);
    }
  });

  it('a cut with requests in every stage loses them (no completion, no hang); -EIO until powerOn', () => {
    const sim = new Simulator({ seed: 3, cpus: 2 });
    const dev = make(sim, kind, { scheduler });
    const out = loopResult();
    sim.spawn('load', fioLoop(dev, 16, 5_000, (i) => ({ opf: REQ_OP_WRITE, sector: (i % 64) * 8, size: 4096, data: pattern(i, 8) }), () => sim.now, out), { cpusAllowed: [1] });
    sim.spawn(
      'cutter',
      function* () {
        yield sleep(300_000);
        dev.powerCut({ tear: true });
        const done = out.done;
        const errors = out.errors;
        yield sleep(1_000_000);
        expect(out.done - done).toBe(out.errors - errors); // nothing in flight completes after the cut; new submits fail
        expect(yield* submitBioWait(bioAlloc(dev, REQ_OP_READ, { sector: 0, data: new Uint8Array(512) }))).toBe(-ERRNO.EIO);
        dev.powerOn();
        expect(dev.stats.inFlight).toBe(0);
        expect(yield* submitBioWait(bioAlloc(dev, REQ_OP_WRITE | REQ_FUA, { sector: 900, data: pattern(3, 1) }))).toBe(0);
        expect(sectorOf(dev.readDurable(900, 1))).toBe(3);
        sim.stop();
      },
      { cpusAllowed: [0] },
    );
    sim.run();
    expect(out.done).toBeGreaterThan(10);
  });
});
