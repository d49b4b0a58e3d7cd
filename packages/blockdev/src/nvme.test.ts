import { currentCtx, Simulator } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { bioAlloc, type Bio } from './bio';
import { submitBioWait } from './blkdev';
import { createBlockDevice } from './create';
import type { NvmeOptions } from './device-options';
import { REQ_FUA, REQ_OP_WRITE, REQ_POLLED, REQ_PREFLUSH } from './flags';
import { Nvme } from './nvme';
import { blkFinishPlug, blkStartPlug } from './plug';
import { fioLoop, loopResult, type LoopResult } from './test-helpers';

const FIXED = (value: number) => ({ kind: 'fixed', value }) as const;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function loop(opts: NvmeOptions, qd: number, n = 400): { dev: Nvme; out: LoopResult } {
  const sim = new Simulator({ seed: 7, cpus: 2 });
  const dev = new Nvme(sim, { gb: 1, latency: FIXED(10_000), ...opts });
  const out = loopResult();
  sim.spawn('fio', fioLoop(dev, qd, n, (i) => ({ opf: REQ_OP_WRITE, sector: (i % 512) * 8, size: 4096 }), () => sim.now, out), { cpusAllowed: [1] });
  sim.run();
  return { dev, out };
}

describe('nvme queues and MSI-X affinity', () => {
  it('one SQ/CQ pair per CPU by default; each CQ interrupts the first CPU mapped to it', () => {
    for (const [nr, expectCpu] of [
      [undefined, [0, 1, 2, 3]],
      [2, [0, 0, 2, 2]],
      [1, [0, 0, 0, 0]],
    ] as const) {
      const sim = new Simulator({ seed: 1, cpus: 4 });
      const dev = createBlockDevice(sim, { kind: 'nvme', gb: 1, ...(nr === undefined ? {} : { nr_io_queues: nr }) });
      expect(dev.hctxs).toHaveLength(nr ?? 4);
      const where: number[] = [];
      for (const c of [0, 1, 2, 3]) {
        sim.spawn(
          `s${c}`,
          function* () {
            const endIo = (b: Bio): void => {
              const ctx = currentCtx();
              expect(ctx.kind).toBe('hardirq');
              where[b.biPrivate as number] = ctx.cpu?.id ?? -1;
            };
            yield* dev.submitBio(bioAlloc(dev, REQ_OP_WRITE, { sector: c * 8, size: 4096, endIo, private: c }));
          },
          { cpusAllowed: [c] },
        );
      }
      sim.run();
      expect(where).toEqual(expectCpu);
    }
  });
});

describe('nvme doorbell', () => {
  it('one SQ doorbell write per batch: a plug of 8 rings once, 8 direct submits ring 8 times', () => {
    for (const plugged of [true, false]) {
      const sim = new Simulator({ seed: 1, cpus: 1 });
      const dev = new Nvme(sim, { gb: 1 });
      sim.spawn('s', function* () {
        const plug = plugged ? blkStartPlug() : null;
        for (let i = 0; i < 8; i++) yield* dev.submitBio(bioAlloc(dev, REQ_OP_WRITE, { sector: i * 8, size: 4096 }));
        if (plug !== null) blkFinishPlug(plug);
      });
      sim.run();
      expect(dev.stats.completed).toBe(8);
      expect(dev.stats.kicks).toBe(plugged ? 1 : 8);
    }
  });

  it('doorbell_nsec is charged to the submitter per doorbell', () => {
    const at = (db: number): number => {
      const sim = new Simulator({ seed: 1, cpus: 1 });
      const dev = new Nvme(sim, { gb: 1, doorbell_nsec: db });
      let t = 0;
      sim.spawn('s', function* () {
        yield* dev.submitBio(bioAlloc(dev, REQ_OP_WRITE, { sector: 0, size: 4096 }));
        t = sim.now;
      });
      sim.run();
      return t;
    };
    expect(at(5_000) - at(0)).toBe(5_000);
  });
});

describe('nvme controller', () => {
  it('latency grows with outstanding commands past the channels (parallelism) and with load_nsec', () => {
    const lat = (opts: NvmeOptions, qd: number): number => mean(loop(opts, qd).out.lats);
    expect(lat({ parallelism: 2 }, 16)).toBeGreaterThan(3 * lat({ parallelism: 2 }, 2));
    expect(lat({ parallelism: 0, load_nsec: 2_000 }, 16)).toBeGreaterThan(lat({ parallelism: 0 }, 16) + 10_000);
  });

  it('the default is an Optane-class drive: ~4 µs per 4 KiB write at QD1, ~1.5M IOPS of channels', () => {
    const dev = new Nvme(new Simulator({ seed: 1, cpus: 2 }));
    expect(dev.config.parallelism / 4e-6).toBeCloseTo(1.5e6, -5);
    expect([dev.name, dev.bdevWriteCache(), dev.hctxs.length, dev.hctxs[0]?.tags.depth]).toEqual(['nvme0n1', false, 2, 1023]);
  });
});

describe('nvme interrupt coalescing', () => {
  it('off by default, and with TIME 0 whatever THR says: one interrupt per CQE at QD1', () => {
    expect(loop({}, 1, 100).dev.stats.interrupts).toBe(100);
    expect(loop({ intcoal_thr: 7 }, 1, 100).dev.stats.interrupts).toBe(100);
  });

  it('aggregation threshold: an interrupt per THR+1 CQEs at depth', () => {
    const run = (thr: number) => loop({ intcoal_thr: thr, intcoal_time: 1, parallelism: 0, latency: { kind: 'uniform', min: 8_000, max: 12_000 } }, 16, 800).dev.stats;
    const off = loop({ parallelism: 0, latency: { kind: 'uniform', min: 8_000, max: 12_000 } }, 16, 800).dev.stats;
    const on = run(3);
    expect(on.completed).toBe(800);
    expect(on.interrupts).toBeLessThanOrEqual(800 / 4);
    expect(on.interrupts).toBeLessThan(off.interrupts);
  });

  it('aggregation time: below the threshold the CQE waits TIME × 100 µs for its interrupt', () => {
    const { out, dev } = loop({ intcoal_thr: 255, intcoal_time: 2 }, 1, 20);
    expect(Math.min(...out.lats)).toBeGreaterThanOrEqual(10_000 + 200_000);
    expect(dev.stats.interrupts).toBe(20);
  });
});

describe('nvme write cache, FUA and flush', () => {
  it('FUA is native with a cache and fua on; emulated by a post-flush without fua; PREFLUSH adds a flush', () => {
    const time = (opts: NvmeOptions, opf: number): number => {
      const sim = new Simulator({ seed: 1, cpus: 1 });
      const dev = new Nvme(sim, { gb: 1, write_latency: FIXED(10_000), flush_latency: FIXED(100_000), ...opts });
      let dt = 0;
      sim.spawn('s', function* () {
        const t0 = sim.now;
        expect(yield* submitBioWait(bioAlloc(dev, opf, { sector: 0, size: 4096 }))).toBe(0);
        dt = sim.now - t0;
      });
      sim.run();
      return dt;
    };
    const wc = { write_cache: true };
    expect(time({ ...wc, fua: true }, REQ_OP_WRITE | REQ_FUA)).toBeLessThan(100_000);
    expect(time({ ...wc, fua: false }, REQ_OP_WRITE | REQ_FUA)).toBeGreaterThan(110_000);
    expect(time(wc, REQ_OP_WRITE | REQ_PREFLUSH)).toBeGreaterThan(110_000);
    expect(time({}, REQ_OP_WRITE | REQ_PREFLUSH)).toBeLessThan(100_000); // no cache: the flush is dropped
  });
});

describe('nvme polled queues', () => {
  it('a REQ_POLLED write on a poll queue completes in the poller, with no interrupt', () => {
    const sim = new Simulator({ seed: 1, cpus: 2 });
    const dev = new Nvme(sim, { gb: 1, poll_queues: 1 });
    let kind = '';
    sim.spawn(
      's',
      function* () {
        const bio = bioAlloc(dev, REQ_OP_WRITE | REQ_POLLED, {
          sector: 0,
          size: 4096,
          endIo: () => {
            kind = currentCtx().kind;
          },
        });
        yield* dev.submitBio(bio);
        while (kind === '') yield* dev.bioPoll(bio);
      },
      { cpusAllowed: [1] },
    );
    sim.run();
    expect(kind).toBe('task');
    expect(dev.stats.interrupts).toBe(0);
    expect(dev.stats.polled).toBe(1);
  });
});

describe('nvme options', () => {
  it('rejects other kinds\u2019 options and out-of-range coalescing', () => {
    const sim = new Simulator({ seed: 1, cpus: 2 });
    expect(() => createBlockDevice(sim, { kind: 'nvme', kick_nsec: 1 } as never)).toThrow(/kick_nsec is not a nvme option/);
    expect(() => createBlockDevice(sim, { kind: 'nvme', intcoal_thr: 256 })).toThrow(/intcoal_thr/);
    expect(() => createBlockDevice(sim, { kind: 'nvme', intcoal_time: -1 })).toThrow(/intcoal_time/);
    expect(() => createBlockDevice(sim, { kind: 'bogus' } as never)).toThrow(/kind must be one of null_blk, nvme, virtio-blk/);
  });
});
