import { Simulator } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { bioAlloc, type Bio } from './bio';
import { REQ_NOWAIT, REQ_OP_WRITE } from './flags';
import { NullBlk } from './null-blk';
import { BLK_STS_AGAIN, BLK_STS_OK } from './status';
import { fioLoop, loopResult } from './test-helpers';

describe('tags', () => {
  it('hw_queue_depth bounds the requests in flight; the submitter sleeps (D) for a tag', () => {
    const sim = new Simulator({ seed: 1, cpus: 1 });
    const dev = new NullBlk(sim, { hw_queue_depth: 8, latency: { kind: 'uniform', min: 5_000, max: 50_000 } });
    const out = loopResult();
    let sawD = false;
    sim.spawn('fio', () => fioLoop(dev, 32, 1000, (i) => ({ opf: REQ_OP_WRITE, sector: i * 8, size: 4096 }), () => sim.now, out));
    const probe = (): void => {
      for (const t of sim.tasks()) if (t.state === 'D' && t.waitingOn?.name === 'nullb0 hctx0 tags') sawD = true;
      if (out.done < 1000) sim.after(1_000, probe); // not `pendingEvents > 0`: a probe run inside a charge may find the queue empty
    };
    sim.after(1, probe);
    const r = sim.run();
    expect(r.hung).toEqual([]);
    expect(out.done).toBe(1000);
    expect(dev.stats.maxInFlight).toBe(8);
    expect(dev.hctxs[0]?.tags.maxInUse).toBe(8);
    expect(sawD).toBe(true);
  });

  it('each hardware queue has its own tags', () => {
    const sim = new Simulator({ seed: 1, cpus: 2 });
    const dev = new NullBlk(sim, { submit_queues: 2, hw_queue_depth: 4 });
    for (const c of [0, 1]) {
      const out = loopResult();
      sim.spawn(`fio${c}`, () => fioLoop(dev, 16, 200, (i) => ({ opf: REQ_OP_WRITE, sector: (c * 1000 + i) * 8, size: 4096 }), () => sim.now, out), { cpusAllowed: [c] });
    }
    sim.run();
    expect(dev.stats.maxInFlight).toBe(8);
    expect(dev.hctxs.map((h) => h.tags.maxInUse)).toEqual([4, 4]);
  });

  it('REQ_NOWAIT on a full queue completes the bio with BLK_STS_AGAIN in the submitter', () => {
    const sim = new Simulator({ seed: 1, cpus: 1 });
    const dev = new NullBlk(sim, { hw_queue_depth: 2 });
    const statuses: number[] = [];
    sim.spawn('nowait', function* () {
      for (let i = 0; i < 4; i++) {
        const bio = bioAlloc(dev, REQ_OP_WRITE | REQ_NOWAIT, {
          sector: i * 8,
          size: 4096,
          endIo: function (b: Bio): void {
            statuses.push(b.biStatus);
          },
        });
        yield* dev.submitBio(bio);
      }
    });
    sim.run();
    expect(statuses).toEqual([BLK_STS_AGAIN, BLK_STS_AGAIN, BLK_STS_OK, BLK_STS_OK]);
    expect(dev.stats.again).toBe(2);
  });

  it('a REQ_NOWAIT bio that would need splitting ends with BLK_STS_AGAIN and issues nothing', () => {
    const sim = new Simulator({ seed: 1, cpus: 1 });
    const dev = new NullBlk(sim, { max_sectors: 8 });
    const statuses: number[] = [];
    const endIo = function (b: Bio): void {
      statuses.push(b.biStatus);
    };
    sim.spawn('nowait', function* () {
      yield* dev.submitBio(bioAlloc(dev, REQ_OP_WRITE | REQ_NOWAIT, { sector: 0, size: 8192, endIo }));
      yield* dev.submitBio(bioAlloc(dev, REQ_OP_WRITE | REQ_NOWAIT, { sector: 0, size: 4096, endIo }));
    });
    sim.run();
    expect(statuses).toEqual([BLK_STS_AGAIN, BLK_STS_OK]);
    expect(dev.stats).toMatchObject({ bios: 2, requests: 1, again: 1 });
  });

  it('waiting for a tag from interrupt context is a context bug', () => {
    const sim = new Simulator({ seed: 1, cpus: 1 });
    const dev = new NullBlk(sim, { hw_queue_depth: 1, latency: { kind: 'fixed', value: 1000 } });
    sim.spawn('t', function* () {
      yield* dev.submitBio(bioAlloc(dev, REQ_OP_WRITE, { sector: 0, size: 512 }));
      sim.raiseIrq(sim.cpus[0] as (typeof sim.cpus)[number], 'bad', function* () {
        yield* dev.submitBio(bioAlloc(dev, REQ_OP_WRITE, { sector: 8, size: 512 }));
      });
      yield 10;
    });
    expect(() => sim.run()).toThrow(/sleeping function called from invalid context/);
  });
});
