import { defaultCosts, Simulator, type CostModel, type DistSpec, type KGen } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { bioAlloc } from './bio';
import { submitBioWait } from './blkdev';
import { REQ_FUA, REQ_OP_FLUSH, REQ_OP_READ, REQ_OP_WRITE, REQ_PREFLUSH } from './flags';
import { NullBlk } from './null-blk';
import type { NullBlkOptions } from './options';
import { fioLoop, loopResult } from './test-helpers';

const ZERO_COSTS = Object.fromEntries(Object.keys(defaultCosts).map((k) => [k, 0])) as unknown as CostModel;

/** Run a QD loop of `n` random writes of `bs` bytes on one CPU; returns IOPS over the run. */
function run(opts: NullBlkOptions, qd: number, n: number, free = true, bs = 4096): { iops: number; dev: NullBlk } {
  const sim = new Simulator({ seed: 7, cpus: 1, ...(free ? { costs: ZERO_COSTS } : {}) });
  const dev = new NullBlk(sim, opts);
  const out = loopResult();
  const rng = sim.rng.fork('test/offsets');
  const mk = (): { opf: number; sector: number; size: number } => ({ opf: REQ_OP_WRITE, sector: rng.int(0, 100_000) * (bs / 512), size: bs });
  sim.spawn('fio', () => fioLoop(dev, qd, n, mk, () => sim.now, out));
  sim.run();
  expect(out.done).toBe(n);
  expect(out.errors).toBe(0);
  return { iops: (out.done / out.lastDone) * 1e9, dev };
}

const fixed = (value: number): DistSpec => ({ kind: 'fixed', value });
const L = 100_000;

describe('throughput = QD / latency until the bandwidth or parallelism cap (free CPU)', () => {
  for (const qd of [1, 4, 16, 64]) {
    it(`QD${qd}, fixed ${L / 1000} µs`, () => {
      const { iops } = run({ latency: fixed(L) }, qd, 50 * qd);
      const ideal = (qd / L) * 1e9;
      console.log(`free CPU QD${qd} fixed 100µs: ${iops.toFixed(0)} IOPS (QD/L = ${ideal})`);
      expect(iops).toBeCloseTo(ideal, -1);
    });
  }

  it('a distribution: QD / mean latency (lognormal)', () => {
    const { iops } = run({ latency: { kind: 'lognormal', mean: L, stddev: 30_000 } }, 8, 40_000);
    const ideal = (8 / L) * 1e9;
    console.log(`free CPU QD8 lognormal mean 100µs: ${iops.toFixed(0)} IOPS (QD/mean = ${ideal})`);
    expect(Math.abs(iops / ideal - 1)).toBeLessThan(0.01);
  });

  it('mbps caps IOPS at mbps / bs', () => {
    const { iops } = run({ latency: fixed(20_000), mbps: 100 }, 32, 10_000);
    const cap = (100 * 1024 * 1024) / 4096;
    console.log(`free CPU QD32 20µs mbps=100: ${iops.toFixed(0)} IOPS (cap ${cap})`);
    expect(iops).toBeLessThanOrEqual(cap * 1.0001);
    expect(iops).toBeGreaterThan(cap * 0.999);
  });

  it('below the bandwidth cap the latency rules', () => {
    const { iops } = run({ latency: fixed(L), mbps: 1000 }, 4, 2000);
    console.log(`free CPU QD4 100µs mbps=1000: ${iops.toFixed(0)} IOPS (QD/L = 40000)`);
    expect(Math.abs(iops / 40_000 - 1)).toBeLessThan(0.002);
  });

  it('bandwidth-limited large I/O: bytes/s = mbps', () => {
    const bs = 1 << 20;
    const { iops } = run({ latency: fixed(10_000), mbps: 2000 }, 8, 500, true, bs);
    const mibps = (iops * bs) / (1 << 20);
    console.log(`free CPU QD8 1MiB mbps=2000: ${mibps.toFixed(1)} MiB/s`);
    expect(Math.abs(mibps / 2000 - 1)).toBeLessThan(0.01);
  });

  it('parallelism caps IOPS at parallelism / latency; the rest queue in the device holding tags', () => {
    const { iops, dev } = run({ latency: fixed(L), parallelism: 4 }, 16, 4000);
    console.log(`free CPU QD16 parallelism=4 100µs: ${iops.toFixed(0)} IOPS (cap 40000)`);
    expect(Math.abs(iops / 40_000 - 1)).toBeLessThan(0.002);
    expect(dev.stats.maxInFlight).toBe(16);
  });

  it('hw_queue_depth caps the effective QD', () => {
    const { iops, dev } = run({ latency: fixed(L), hw_queue_depth: 4 }, 16, 2000);
    console.log(`free CPU QD16 hw_queue_depth=4 100µs: ${iops.toFixed(0)} IOPS (cap 40000)`);
    expect(dev.stats.maxInFlight).toBe(4);
    expect(Math.abs(iops / 40_000 - 1)).toBeLessThan(0.002);
  });
});

describe('with the default CPU costs', () => {
  it('QD1: one latency plus the submit/IRQ/wakeup path per I/O', () => {
    const { iops } = run({ latency: fixed(L) }, 1, 2000, false);
    const c = defaultCosts;
    // blk_mq_submit_bio, idle exit at the IRQ, the hardirq, blk_mq_end_request, switching back to fio
    const path = c.blkSubmit + c.idleExit + c.hardirq + c.blkComplete + c.contextSwitch;
    console.log(`default costs QD1 100µs: ${iops.toFixed(0)} IOPS (1/(L+${path}ns) = ${(1e9 / (L + path)).toFixed(0)})`);
    expect(Math.abs(iops / (1e9 / (L + path)) - 1)).toBeLessThan(0.001);
  });

  it('QD16 at 100 µs stays within the CPU overhead of QD/L', () => {
    const { iops } = run({ latency: { kind: 'exponential', mean: L } }, 16, 20_000, false);
    console.log(`default costs QD16 exp 100µs: ${iops.toFixed(0)} IOPS (QD/L = 160000)`);
    expect(iops).toBeGreaterThan(160_000 * 0.95);
    expect(iops).toBeLessThan(160_000 * 1.02);
  });

  it('short latency, deep queue: the CPU is the limit (submit + complete per I/O, IRQs coalesce)', () => {
    const { iops, dev } = run({ latency: fixed(1_000) }, 32, 20_000, false);
    const cpuBound = 1e9 / (defaultCosts.blkSubmit + defaultCosts.blkComplete);
    console.log(`default costs QD32 1µs: ${iops.toFixed(0)} IOPS (CPU bound ${cpuBound.toFixed(0)}), ${dev.stats.interrupts} IRQs for ${dev.stats.completed} I/Os`);
    expect(iops).toBeLessThan(cpuBound);
    expect(iops).toBeGreaterThan(cpuBound * 0.7);
    expect(dev.stats.interrupts).toBeLessThan(dev.stats.completed / 2);
  });
});

describe('separate read / write / flush service times', () => {
  it('each operation takes its own latency; PREFLUSH and emulated FUA add a flush', () => {
    const sim = new Simulator({ seed: 1, cpus: 1, costs: ZERO_COSTS });
    const mk = (fua: boolean): NullBlk =>
      new NullBlk(sim, { write_cache: true, fua, read_latency: fixed(7_000), write_latency: fixed(30_000), flush_latency: fixed(200_000) });
    const native = mk(true);
    const emulated = mk(false);
    const took: Record<string, number> = {};
    sim.spawn('t', function* () {
      const time = function* (name: string, dev: NullBlk, opf: number, size: number): KGen<void> {
        const t0 = sim.now;
        expect(yield* submitBioWait(bioAlloc(dev, opf, { sector: 0, size }))).toBe(0);
        took[name] = sim.now - t0;
      };
      yield* time('read', native, REQ_OP_READ, 4096);
      yield* time('write', native, REQ_OP_WRITE, 4096);
      yield* time('flush', native, REQ_OP_FLUSH, 0);
      yield* time('preflush+write', native, REQ_OP_WRITE | REQ_PREFLUSH, 4096);
      yield* time('fua native', native, REQ_OP_WRITE | REQ_FUA, 4096);
      yield* time('fua emulated', emulated, REQ_OP_WRITE | REQ_FUA, 4096);
    });
    sim.run();
    expect(took).toEqual({
      read: 7_000,
      write: 30_000,
      flush: 200_000,
      'preflush+write': 230_000,
      'fua native': 30_000,
      'fua emulated': 230_000,
    });
  });

  it('irqmode timer: completion_nsec is the service time', () => {
    const { iops } = run({ irqmode: 'timer', completion_nsec: 50_000 }, 2, 200);
    expect(iops).toBeCloseTo((2 / 50_000) * 1e9, -1);
  });
});
