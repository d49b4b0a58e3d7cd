import { Simulator } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { bioAlloc } from './bio';
import { submitBioWait } from './blkdev';
import { createBlockDevice } from './create';
import { REQ_NOWAIT, REQ_OP_READ, REQ_OP_WRITE } from './flags';
import { DEADLINE_DEFAULTS, MqDeadline } from './mq-deadline';
import { resolveOptions } from './options';
import type { BlkRequest } from './request';
import { ERRNO } from './status';
import { fioLoop, loopResult } from './test-helpers';

const MS = 1_000_000;

/** A request as the scheduler sees it: its direction, start sector and length. */
function rq(op: number, sector: number, sectors = 8): BlkRequest {
  return { opf: op, bio: { biSector: sector }, sectors } as unknown as BlkRequest;
}

/** Dispatch everything at `now`, as start sectors. */
function drain(dd: MqDeadline, now: number): number[] {
  const out: number[] = [];
  for (let r = dd.ddDispatchRequest(now); r !== undefined; r = dd.ddDispatchRequest(now)) out.push(r.bio.biSector);
  return out;
}

describe('mq-deadline dispatch order', () => {
  it('starts at the FIFO head, then goes on in sector order, then back to the oldest', () => {
    const dd = new MqDeadline();
    for (const s of [50, 10, 30, 20, 40, 90]) dd.ddInsertRequest(rq(REQ_OP_WRITE, s), 0);
    expect(drain(dd, 0)).toEqual([50, 90, 10, 20, 30, 40]);
  });

  it('a batch ends after fifo_batch requests; an expired FIFO head starts the next one', () => {
    const dd = new MqDeadline({ ...DEADLINE_DEFAULTS, fifoBatch: 2, writeExpireNs: 1 * MS });
    dd.ddInsertRequest(rq(REQ_OP_WRITE, 500), 0); // the oldest: expires at 1 ms
    for (const s of [10, 20, 30, 40]) dd.ddInsertRequest(rq(REQ_OP_WRITE, s), 0.5 * MS);
    expect(dd.ddDispatchRequest(0.6 * MS)?.bio.biSector).toBe(500);
    // nothing after 508: a new batch from the FIFO head (10), in sector order for fifo_batch (2)
    expect([dd.ddDispatchRequest(0.6 * MS), dd.ddDispatchRequest(0.6 * MS)].map((r) => r?.bio.biSector)).toEqual([10, 20]);
    dd.ddInsertRequest(rq(REQ_OP_WRITE, 5), 0.6 * MS);
    // the batch is used up; the head (30) has not expired, so the batch goes on from the last position
    expect(dd.ddDispatchRequest(0.7 * MS)?.bio.biSector).toBe(30);
    expect(drain(dd, 0.7 * MS)).toEqual([40, 5]);
  });

  it('reads go first, but writes are passed over at most writes_starved times', () => {
    const dd = new MqDeadline({ ...DEADLINE_DEFAULTS, fifoBatch: 1 });
    for (const s of [1000, 2000]) dd.ddInsertRequest(rq(REQ_OP_WRITE, s), 0);
    for (const s of [10, 20, 30, 40]) dd.ddInsertRequest(rq(REQ_OP_READ, s), 0);
    expect(drain(dd, 0)).toEqual([10, 20, 1000, 30, 40, 2000]);
  });
});

describe('a device with scheduler mq-deadline', () => {
  it('more requests than driver tags: the rest wait in the scheduler and dispatch as tags free (SCHED_RESTART)', () => {
    const sim = new Simulator({ seed: 1, cpus: 1, trace: true });
    const dev = createBlockDevice(sim, { kind: 'null_blk', gb: 1, hw_queue_depth: 4, scheduler: 'mq-deadline', nr_requests: 32, latency: { kind: 'fixed', value: 5_000 } });
    const out = loopResult();
    sim.spawn('fio', fioLoop(dev, 16, 400, (i) => ({ opf: REQ_OP_WRITE, sector: ((i * 37) % 512) * 8, size: 4096 }), () => sim.now, out));
    expect(sim.run().hung).toEqual([]);
    expect(out.done).toBe(400);
    expect(out.errors).toBe(0);
    expect(dev.stats.maxInFlight).toBe(16); // scheduler tags; 4 at most in the driver
    const names = new Set(sim.tracer.records.map((r) => r.name));
    expect(names.has('block_rq_insert')).toBe(true);
    // 4 driver tags and a 5 µs device: 400 requests take at least 100 rounds of 5 µs
    expect(sim.now).toBeGreaterThanOrEqual(500_000);
  });

  it('one scheduler for two hardware queues: each request takes its driver tag from its own queue', () => {
    const sim = new Simulator({ seed: 2, cpus: 2 });
    const dev = createBlockDevice(sim, { kind: 'null_blk', gb: 1, submit_queues: 2, hw_queue_depth: 2, scheduler: 'mq-deadline', nr_requests: 16, latency: { kind: 'lognormal', mean: 5_000, stddev: 2_000 } });
    const outs = [loopResult(), loopResult()];
    for (const cpu of [0, 1]) {
      sim.spawn(`fio${cpu}`, fioLoop(dev, 8, 300, (i) => ({ opf: REQ_OP_WRITE, sector: (cpu * 4096 + ((i * 37) % 512)) * 8, size: 4096 }), () => sim.now, outs[cpu] as ReturnType<typeof loopResult>), { cpusAllowed: [cpu] });
    }
    expect(sim.run().hung).toEqual([]);
    expect(outs.map((o) => [o.done, o.errors])).toEqual([
      [300, 0],
      [300, 0],
    ]);
    // every tag back where it came from
    for (const h of dev.hctxs) expect([h.inflight, h.tags.inUse, h.schedTags?.inUse]).toEqual([0, 0, 0]);
  });

  it('REQ_NOWAIT with every scheduler tag taken fails with -EAGAIN', () => {
    const sim = new Simulator({ seed: 1, cpus: 1 });
    const dev = createBlockDevice(sim, { kind: 'virtio-blk', gb: 1, scheduler: 'mq-deadline', nr_requests: 2, latency: { kind: 'fixed', value: 50_000 } });
    const results: number[] = [];
    sim.spawn('t', function* () {
      for (let i = 0; i < 2; i++) dev.submitBio(bioAlloc(dev, REQ_OP_WRITE, { sector: i * 8, size: 4096 })).next();
      results.push(yield* submitBioWait(bioAlloc(dev, REQ_OP_WRITE | REQ_NOWAIT, { sector: 64, size: 4096 })));
    });
    sim.run();
    expect(results).toEqual([-ERRNO.EAGAIN]);
  });

  it('validates its options', () => {
    expect(resolveOptions({ scheduler: 'mq-deadline' }).scheduler?.nrRequests).toBe(128); // 2 × min(64, 128)
    expect(resolveOptions({ scheduler: 'mq-deadline', hw_queue_depth: 1023 }).scheduler?.nrRequests).toBe(256);
    expect(resolveOptions({ scheduler: 'mq-deadline', write_expire: 20 }).scheduler?.tunables.writeExpireNs).toBe(20 * MS);
    expect(() => resolveOptions({ fifo_batch: 4 })).toThrow(/fifo_batch needs scheduler 'mq-deadline'/);
    expect(() => resolveOptions({ scheduler: 'bfq' as 'none' })).toThrow(/scheduler must be 'none' or 'mq-deadline', got bfq/);
    expect(() => resolveOptions({ scheduler: 'mq-deadline', nr_requests: 0 })).toThrow(/nr_requests/);
  });
});
