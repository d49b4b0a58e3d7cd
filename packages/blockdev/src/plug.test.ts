import { Simulator, type TraceRecord } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { bioAlloc } from './bio';
import { REQ_OP_WRITE, REQ_FUA, REQ_PREFLUSH } from './flags';
import { NullBlk } from './null-blk';
import { BLK_MAX_REQUEST_COUNT, blkFinishPlug, blkStartPlug } from './plug';

const events = (recs: readonly TraceRecord[], name: string): TraceRecord[] => recs.filter((r) => r.name === name);

describe('plugging', () => {
  it('plugged requests are issued at blk_finish_plug, in order', () => {
    const sim = new Simulator({ seed: 1, trace: true });
    const dev = new NullBlk(sim);
    let issuedInside = -1;
    sim.spawn('plugger', function* () {
      const plug = blkStartPlug();
      const inner = blkStartPlug(); // nested: a no-op
      for (let i = 0; i < 4; i++) yield* dev.submitBio(bioAlloc(dev, REQ_OP_WRITE, { sector: i * 8, size: 4096 }));
      blkFinishPlug(inner);
      issuedInside = events(sim.tracer.records, 'block_rq_issue').length;
      blkFinishPlug(plug);
    });
    sim.run();
    expect(issuedInside).toBe(0);
    const issues = events(sim.tracer.records, 'block_rq_issue');
    expect(issues.map((r) => r.args?.sector)).toEqual([0, 8, 16, 24]);
    expect(dev.stats.completed).toBe(4);
  });

  it('a full plug flushes itself', () => {
    const sim = new Simulator({ seed: 1, trace: true });
    const dev = new NullBlk(sim, { hw_queue_depth: 128 });
    let issuedBeforeFinish = -1;
    sim.spawn('plugger', function* () {
      const plug = blkStartPlug();
      for (let i = 0; i < BLK_MAX_REQUEST_COUNT + 3; i++) yield* dev.submitBio(bioAlloc(dev, REQ_OP_WRITE, { sector: i * 8, size: 512 }));
      issuedBeforeFinish = events(sim.tracer.records, 'block_rq_issue').length;
      blkFinishPlug(plug);
    });
    sim.run();
    expect(issuedBeforeFinish).toBe(BLK_MAX_REQUEST_COUNT);
    expect(dev.stats.completed).toBe(BLK_MAX_REQUEST_COUNT + 3);
  });

  it('a submitter out of tags flushes its plug before sleeping (no self-deadlock)', () => {
    const sim = new Simulator({ seed: 1 });
    const dev = new NullBlk(sim, { hw_queue_depth: 2 });
    sim.spawn('plugger', function* () {
      const plug = blkStartPlug();
      for (let i = 0; i < 6; i++) yield* dev.submitBio(bioAlloc(dev, REQ_OP_WRITE, { sector: i * 8, size: 512 }));
      blkFinishPlug(plug);
    });
    const r = sim.run();
    expect(r.hung).toEqual([]);
    expect(dev.stats.completed).toBe(6);
  });
});

describe('tracing', () => {
  it('block_bio_queue, block_rq_issue, block_rq_complete with rwbs', () => {
    const sim = new Simulator({ seed: 1, trace: true });
    const dev = new NullBlk(sim, { write_cache: true });
    sim.spawn('w', function* () {
      yield* dev.submitBio(bioAlloc(dev, REQ_OP_WRITE | REQ_PREFLUSH | REQ_FUA, { sector: 8, size: 4096 }));
    });
    sim.run();
    const names = sim.tracer.records.filter((r) => r.name.startsWith('block_')).map((r) => `${r.name} ${r.args?.rwbs} ${r.kind}`);
    expect(names).toEqual(['block_bio_queue FWF task', 'block_rq_issue FWF task', 'block_rq_complete FWF hardirq']);
  });

  it('records nothing when tracing is off', () => {
    const sim = new Simulator({ seed: 1 });
    const dev = new NullBlk(sim);
    sim.spawn('w', function* () {
      yield* dev.submitBio(bioAlloc(dev, REQ_OP_WRITE, { sector: 8, size: 4096 }));
    });
    sim.run();
    expect(sim.tracer.records.length).toBe(0);
  });
});
