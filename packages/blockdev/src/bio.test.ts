import { Simulator } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { bioAlloc, bioChain, bioEndio, bioSegments, bioSplit, bioSplitSectors, bioSplitToLimits, type Bio } from './bio';
import { submitBio, submitBioWait, NoDeviceError } from './blkdev';
import { REQ_FUA, REQ_OP_READ, REQ_OP_WRITE, REQ_POLLED } from './flags';
import { NullBlk } from './null-blk';
import { BLK_STS_IOERR, BLK_STS_MEDIUM, BLK_STS_OK } from './status';
import { pattern } from './test-helpers';

describe('bio split and chain', () => {
  it('bioSplit takes the front and advances the original', () => {
    const data = pattern(1, 8);
    const bio = bioAlloc(null, REQ_OP_WRITE | REQ_FUA | REQ_POLLED, { sector: 100, data });
    const split = bioSplit(bio, 3);
    expect([split.biSector, split.biSize, bio.biSector, bio.biSize]).toEqual([100, 1536, 103, 2560]);
    expect(split.data).toEqual(data.subarray(0, 1536));
    expect(bio.data).toEqual(data.subarray(1536));
    expect(split.biOpf).toBe(REQ_OP_WRITE | REQ_FUA);
    expect(bio.biOpf & REQ_POLLED).toBe(0);
    expect(() => bioSplit(bio, 5)).toThrow(RangeError);
  });

  it('the parent completes once, after all children, with the first error', () => {
    let calls = 0;
    let status = -1;
    const parent = bioAlloc(null, REQ_OP_WRITE, {
      sector: 0,
      size: 10 * 512,
      endIo: function (b: Bio): void {
        calls++;
        status = b.biStatus;
      },
    });
    const pieces = bioSplitToLimits(parent, 4);
    expect(pieces.map((p) => [p.biSector, p.biSize])).toEqual([
      [0, 2048],
      [4, 2048],
      [8, 1024],
    ]);
    expect(pieces[2]).toBe(parent);
    (pieces[1] as Bio).biStatus = BLK_STS_MEDIUM;
    bioEndio(pieces[1] as Bio);
    (pieces[0] as Bio).biStatus = BLK_STS_IOERR;
    bioEndio(pieces[0] as Bio);
    expect(calls).toBe(0);
    bioEndio(parent);
    expect(calls).toBe(1);
    expect(status).toBe(BLK_STS_MEDIUM);
  });

  it('chains nest: a grandchild completes through its parent to the root', () => {
    let done = false;
    const root = bioAlloc(null, REQ_OP_READ, { endIo: function () { done = true; } });
    const child = bioAlloc(null, REQ_OP_READ);
    const grandchild = bioAlloc(null, REQ_OP_READ);
    bioChain(child, root);
    bioChain(grandchild, child);
    bioEndio(child);
    bioEndio(root);
    expect(done).toBe(false);
    bioEndio(grandchild);
    expect(done).toBe(true);
    expect(root.biStatus).toBe(BLK_STS_OK);
  });

  it('the device splits bios larger than max_sectors and completes the original once', () => {
    const sim = new Simulator({ seed: 1 });
    const dev = new NullBlk(sim, { max_sectors: 16, latency: { kind: 'uniform', min: 1_000, max: 30_000 } });
    const w = pattern(9, 100);
    let ends = 0;
    sim.spawn('big', function* () {
      const bio = bioAlloc(dev, REQ_OP_WRITE, { sector: 64, data: w, endIo: function () { ends++; } });
      yield* submitBio(bio);
      yield 1_000_000;
      const r = new Uint8Array(w.length);
      expect(yield* submitBioWait(bioAlloc(dev, REQ_OP_READ, { sector: 64, data: r }))).toBe(0);
      expect(r).toEqual(w);
    });
    sim.run();
    expect(ends).toBe(1);
    expect(dev.stats.bios).toBe(2);
    expect(dev.stats.requests).toBe(7 + 7); // ceil(100 / 16) for the write and for the read
  });

  it('segment limits: a request carries at most max_segments segments of max_segment_size bytes', () => {
    const bio = bioAlloc(null, REQ_OP_WRITE, { sector: 0, size: 100 * 1024 });
    expect(bioSegments(bio, 4096)).toBe(25);
    expect(bioSegments(bio, 65536)).toBe(2);
    // max_sectors alone would allow it; 4 segments of 4 KiB would not
    expect(bioSplitSectors(bio, { maxSectors: 2560 })).toBe(0);
    expect(bioSplitSectors(bio, { maxSectors: 2560, maxSegments: 4, maxSegmentSize: 4096 })).toBe(32);
    // whichever limit is tighter wins, and the split point is aligned down to the logical block
    expect(bioSplitSectors(bio, { maxSectors: 24, maxSegments: 4, maxSegmentSize: 4096 })).toBe(24);
    expect(bioSplitSectors(bio, { maxSectors: 2560, maxSegments: 3, maxSegmentSize: 1536, logicalBlockSize: 4096 })).toBe(8);
    const pieces = bioSplitToLimits(bio, { maxSectors: 2560, maxSegments: 4, maxSegmentSize: 4096 });
    expect(pieces.map((p) => p.biSize / 512)).toEqual([32, 32, 32, 32, 32, 32, 8]);
    expect(pieces.map((p) => p.biSector)).toEqual([0, 32, 64, 96, 128, 160, 192]);
  });

  it('the device splits by max_segment_size × max_segments and the data still round-trips', () => {
    const sim = new Simulator({ seed: 1, trace: true });
    const dev = new NullBlk(sim, { max_segments: 4, max_segment_size: 4096, latency: { kind: 'uniform', min: 1_000, max: 30_000 } });
    expect(dev.limits).toMatchObject({ maxSectors: 2560, maxSegments: 4, maxSegmentSize: 4096 });
    const w = pattern(3, 200);
    let ends = 0;
    sim.spawn('big', function* () {
      expect(yield* submitBioWait(bioAlloc(dev, REQ_OP_WRITE, { sector: 0, data: w }))).toBe(0);
      ends++;
      const r = new Uint8Array(w.length);
      expect(yield* submitBioWait(bioAlloc(dev, REQ_OP_READ, { sector: 0, data: r }))).toBe(0);
      expect(r).toEqual(w);
    });
    sim.run();
    expect(ends).toBe(1);
    const issued = sim.tracer.records.filter((r) => r.name === 'block_rq_issue').map((r) => r.args?.nr_sector);
    expect(issued).toEqual([32, 32, 32, 32, 32, 32, 8, 32, 32, 32, 32, 32, 32, 8]);
  });

  it('submitBio needs a device', () => {
    const sim = new Simulator();
    sim.spawn('x', function* () {
      yield* submitBio(bioAlloc(null, REQ_OP_READ));
    });
    expect(() => sim.run()).toThrow(NoDeviceError);
  });
});
