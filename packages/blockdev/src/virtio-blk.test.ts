import { currentCtx, Simulator } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { bioAlloc, type Bio } from './bio';
import { createBlockDevice } from './create';
import type { VirtioBlkOptions } from './device-options';
import { REQ_OP_WRITE } from './flags';
import { blkFinishPlug, blkStartPlug } from './plug';
import { fioLoop, loopResult, type LoopResult } from './test-helpers';
import { VirtioBlk } from './virtio-blk';

const FIXED = (value: number) => ({ kind: 'fixed', value }) as const;

/** A QD-deep loop of 4 KiB writes from CPU `cpu`; returns the device and the loop's result. */
function loop(opts: VirtioBlkOptions, qd: number, n = 400, cpu = 1): { dev: VirtioBlk; out: LoopResult; sim: Simulator } {
  const sim = new Simulator({ seed: 7, cpus: 2 });
  const dev = new VirtioBlk(sim, { gb: 1, latency: FIXED(10_000), kick_nsec: 1_000, irq_cpu: 0, ...opts });
  const out = loopResult();
  sim.spawn('fio', fioLoop(dev, qd, n, (i) => ({ opf: REQ_OP_WRITE, sector: (i % 512) * 8, size: 4096 }), () => sim.now, out), { cpusAllowed: [cpu] });
  sim.run();
  return { dev, out, sim };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('virtio-blk kicks (EVENT_IDX)', () => {
  it('QD1 kicks every request; at depth the busy host has notifications off, so kicks batch', () => {
    const per = (qd: number, opts: VirtioBlkOptions = {}): number => {
      const { dev } = loop(opts, qd);
      return dev.stats.kicks / dev.stats.completed;
    };
    expect(per(1)).toBe(1);
    expect(per(16)).toBeLessThan(0.5);
    expect(per(16, { host_io: 'sync' })).toBeLessThan(0.2);
    expect(per(16)).toBeLessThan(per(4));
  });

  it('a kick costs kick_nsec of the submitter CPU', () => {
    const sys = (kick: number, qd: number): number => {
      const { sim, dev } = loop({ kick_nsec: kick }, qd, 200);
      const t = sim.cpus[1]?.times;
      return ((t?.sys ?? 0) + (t?.user ?? 0)) / dev.stats.completed;
    };
    expect(sys(20_000, 1) - sys(0, 1)).toBeCloseTo(20_000, -2);
  });

  it('a plug ends its batch with one kick (bd->last)', () => {
    const sim = new Simulator({ seed: 1, cpus: 1 });
    const dev = new VirtioBlk(sim, { gb: 1 });
    sim.spawn('plugger', function* () {
      const plug = blkStartPlug();
      for (let i = 0; i < 8; i++) yield* dev.submitBio(bioAlloc(dev, REQ_OP_WRITE, { sector: i * 8, size: 4096 }));
      blkFinishPlug(plug);
    });
    sim.run();
    expect(dev.stats.completed).toBe(8);
    expect(dev.stats.kicks).toBe(1);
  });
});

describe('virtio-blk interrupts', () => {
  it('QD1: one interrupt per request; at depth one interrupt completes several (used_event)', () => {
    const q1 = loop({}, 1).dev.stats;
    expect(q1.interrupts).toBe(q1.completed);
    for (const host_io of ['async', 'sync'] as const) {
      const q16 = loop({ host_io, host_complete_nsec: 1_000 }, 16).dev.stats;
      expect(q16.completed / q16.interrupts).toBeGreaterThan(2);
    }
  });

  it('sync host: one interrupt per round, completing every request served in it', () => {
    const s = loop({ host_io: 'sync' }, 16, 800).dev.stats;
    expect(s.completed / s.interrupts).toBeGreaterThan(8);
  });

  it('the interrupt runs on irq_cpu, in hardirq context, whichever CPU submitted', () => {
    for (const irq_cpu of [0, 1]) {
      const sim = new Simulator({ seed: 1, cpus: 2 });
      const dev = createBlockDevice(sim, { kind: 'virtio-blk', gb: 1, irq_cpu });
      const where: string[] = [];
      for (const c of [0, 1]) {
        sim.spawn(
          `s${c}`,
          function* () {
            yield* dev.submitBio(
              bioAlloc(dev, REQ_OP_WRITE, {
                sector: c * 8,
                size: 4096,
                endIo: (_b: Bio) => {
                  const ctx = currentCtx();
                  where.push(`${ctx.kind}@${ctx.cpu?.id ?? -1}`);
                },
              }),
            );
          },
          { cpusAllowed: [c] },
        );
      }
      sim.run();
      expect(where).toEqual([`hardirq@${irq_cpu}`, `hardirq@${irq_cpu}`]);
    }
  });

  it('the interrupt costs irq_nsec to enter on the guest', () => {
    const hard = (irq: number): number => {
      const { sim, dev } = loop({ irq_nsec: irq }, 1, 100);
      return (sim.cpus[0]?.times.hardirq ?? 0) / dev.stats.interrupts;
    };
    expect(hard(9_000) - hard(1_000)).toBeCloseTo(8_000, -2);
  });
});

describe('virtio-blk host', () => {
  it('latency grows with outstanding requests (load_nsec; sync: one at a time)', () => {
    const lat = (opts: VirtioBlkOptions, qd: number): number => mean(loop(opts, qd).out.lats);
    const flat = lat({}, 16) - lat({}, 1);
    expect(lat({ load_nsec: 5_000 }, 16) - lat({ load_nsec: 5_000 }, 1)).toBeGreaterThan(flat + 5 * 5_000);
    expect(lat({ host_io: 'sync' }, 16)).toBeGreaterThan(2 * lat({ host_io: 'sync' }, 1));
    expect(lat({ parallelism: 2 }, 16)).toBeGreaterThan(2 * lat({ parallelism: 2 }, 1));
  });

  it('host polling keeps notifications off between requests, so a QD1 loop kicks less', () => {
    const kicks = (poll: number): number => loop({ host_poll_nsec: poll }, 1, 100).dev.stats.kicks;
    expect(kicks(0)).toBe(100);
    expect(kicks(200_000)).toBeLessThan(10);
  });

  it('is deterministic: same seed, same stats and latencies', () => {
    const a = loop({ latency: { kind: 'lognormal', mean: 10_000, stddev: 4_000 } }, 8);
    const b = loop({ latency: { kind: 'lognormal', mean: 10_000, stddev: 4_000 } }, 8);
    expect(a.dev.stats).toEqual(b.dev.stats);
    expect(a.out.lats).toEqual(b.out.lats);
  });
});

describe('virtio-blk options', () => {
  it('rejects other kinds\u2019 options and a CPU that is not there', () => {
    const sim = new Simulator({ seed: 1, cpus: 2 });
    expect(() => createBlockDevice(sim, { kind: 'virtio-blk', submit_queues: 2 } as never)).toThrow(/submit_queues is not a virtio-blk option/);
    expect(() => createBlockDevice(sim, { kind: 'virtio-blk', irq_cpu: 2 })).toThrow(/irq_cpu 2 is not a CPU/);
    expect(() => createBlockDevice(sim, { kind: 'virtio-blk', kick_nsec: -1 })).toThrow(/kick_nsec/);
    expect(() => createBlockDevice(sim, { kind: 'virtio-blk', host_io: 'threads' as never })).toThrow(/host_io/);
    expect(() => createBlockDevice(sim, { kick_nsec: 1 })).toThrow(/kick_nsec is not a null_blk option/);
  });

  it('defaults: vda, one queue, 256 tags, a write-back cache without FUA', () => {
    const dev = new VirtioBlk(new Simulator({ seed: 1, cpus: 2 }));
    expect([dev.name, dev.hctxs.length, dev.hctxs[0]?.tags.depth, dev.bdevWriteCache(), dev.bdevFua()]).toEqual(['vda', 1, 256, true, false]);
  });
});
