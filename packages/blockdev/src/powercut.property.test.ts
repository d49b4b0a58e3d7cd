import { Simulator, sleep } from '@dio/sim';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bioAlloc, type Bio } from './bio';
import { REQ_FUA, REQ_OP_WRITE, REQ_PREFLUSH } from './flags';
import { NullBlk } from './null-blk';
import { BLK_STS_OK } from './status';
import { pattern } from './test-helpers';

/** The disk is 8 sectors wide so writes collide often. */
const DISK = 8;
type Kind = 'write' | 'fua' | 'flush' | 'preflush-write';

interface OpSpec {
  readonly kind: Kind;
  readonly sector: number;
  readonly len: number;
  readonly gap: number;
  readonly task: 0 | 1;
}

interface Issued {
  readonly id: number;
  readonly spec: OpSpec;
  readonly subSeq: number;
  compSeq?: number;
}

const opArb: fc.Arbitrary<OpSpec> = fc
  .record({
    kind: fc.constantFrom<Kind>('write', 'write', 'fua', 'flush', 'preflush-write'),
    sector: fc.integer({ min: 0, max: DISK - 1 }),
    len: fc.integer({ min: 1, max: 3 }),
    gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 30_000 })),
    task: fc.constantFrom<0 | 1>(0, 1),
  })
  .map((o) => ({ ...o, len: Math.min(o.len, DISK - o.sector) }));

const scenarioArb = fc.record({
  ops: fc.array(opArb, { minLength: 1, maxLength: 24 }),
  cutAt: fc.integer({ min: 0, max: 250_000 }),
  tear: fc.boolean(),
  fua: fc.boolean(),
  irqmode: fc.constantFrom('hardirq' as const, 'softirq' as const, 'timer' as const),
  /** MiB; 0.002 MiB holds 4 sectors, so a busy cache writes back its oldest data on its own. */
  cacheSize: fc.constantFrom(0, 0, 0.002),
  parallelism: fc.constantFrom(0, 0, 2),
  simSeed: fc.integer({ min: 1, max: 1 << 30 }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

const initial = (s: number): Uint8Array => pattern(1000 + s, 1);
const hasData = (k: Kind): boolean => k !== 'flush';

/** Run one scenario and return the list of violations (empty when the contract held). */
function check(sc: Scenario): string[] {
  const sim = new Simulator({ seed: sc.simSeed, cpus: 2 });
  const dev = new NullBlk(sim, {
    write_cache: true,
    fua: sc.fua,
    irqmode: sc.irqmode,
    cache_size: sc.cacheSize,
    parallelism: sc.parallelism,
    latency: { kind: 'uniform', min: 1_000, max: 60_000 },
    flush_latency: { kind: 'uniform', min: 5_000, max: 40_000 },
    gb: 1,
  });
  for (let s = 0; s < DISK; s++) dev.writeSectors(s, initial(s));
  let clock = 0;
  const issued: Issued[] = [];
  const bad: string[] = [];
  const endIo = function (b: Bio): void {
    const rec = b.biPrivate as Issued;
    rec.compSeq = ++clock;
    if (b.biStatus !== BLK_STS_OK) bad.push(`op ${rec.id} failed with ${b.biStatus}`);
  };
  for (const task of [0, 1] as const) {
    const mine = sc.ops.map((spec, i) => ({ spec, id: i + 1 })).filter((o) => o.spec.task === task);
    sim.spawn(
      `submitter${task}`,
      function* () {
        for (const { spec, id } of mine) {
          if (spec.gap > 0) yield sleep(spec.gap);
          const opf =
            spec.kind === 'flush' ? REQ_OP_WRITE | REQ_PREFLUSH : spec.kind === 'fua' ? REQ_OP_WRITE | REQ_FUA : spec.kind === 'preflush-write' ? REQ_OP_WRITE | REQ_PREFLUSH : REQ_OP_WRITE;
          const rec: Issued = { id, spec, subSeq: ++clock };
          issued.push(rec);
          const data = hasData(spec.kind) ? pattern(id, spec.len) : null;
          yield* dev.submitBio(bioAlloc(dev, opf, { sector: spec.sector, data, endIo, private: rec }));
        }
      },
      { cpusAllowed: [task] },
    );
  }
  sim.run({ until: sc.cutAt });
  dev.powerCut({ tear: sc.tear });

  // Durable by contract: completed FUA writes, and writes completed before a completed flush was issued.
  const done = (r: Issued): r is Issued & { compSeq: number } => r.compSeq !== undefined;
  const flushes = issued.filter((r) => done(r) && (r.spec.kind === 'flush' || r.spec.kind === 'preflush-write'));
  const writes = issued.filter((r) => hasData(r.spec.kind));
  const durable = writes.filter((w) => done(w) && (w.spec.kind === 'fua' || flushes.some((f) => (w.compSeq as number) < f.subSeq)));
  const covers = (w: Issued, s: number): boolean => w.spec.sector <= s && s < w.spec.sector + w.spec.len;

  for (let s = 0; s < DISK; s++) {
    const got = dev.readDurable(s, 1);
    const ds = durable.filter((d) => covers(d, s));
    // older than a durable write = completed before that durable write was submitted
    const older = (compSeq: number | undefined): boolean => compSeq !== undefined && ds.some((d) => compSeq < d.subSeq);
    const allowed: Array<{ what: string; bytes: Uint8Array }> = [];
    if (ds.length === 0) allowed.push({ what: 'initial', bytes: initial(s) });
    for (const w of writes) {
      if (!covers(w, s) || older(w.compSeq)) continue;
      const off = s - w.spec.sector;
      allowed.push({ what: `op ${w.id}`, bytes: pattern(w.id, w.spec.len).subarray(off * 512, (off + 1) * 512) });
    }
    if (!allowed.some((a) => Buffer.compare(Buffer.from(a.bytes), Buffer.from(got)) === 0)) {
      const tag = (got[0] as number) | ((got[1] as number) << 8);
      bad.push(`sector ${s}: holds tag ${tag}, allowed ${allowed.map((a) => a.what).join(', ') || 'nothing'}; durable ${ds.map((d) => d.id).join(',')}`);
    }
    if (Buffer.compare(Buffer.from(dev.readSectors(s, 1)), Buffer.from(got)) !== 0) bad.push(`sector ${s}: cache not empty after the cut`);
  }
  return bad;
}

describe('power cut property (dm-log-writes contract, DROP_ONLY)', () => {
  it('every durable-by-contract write survives and nothing else is invented', () => {
    const seed = Number(process.env.FC_SEED ?? 20250704);
    try {
      fc.assert(
        fc.property(scenarioArb, (sc) => {
          expect(check(sc)).toEqual([]);
        }),
        { seed, numRuns: Number(process.env.FC_RUNS ?? 300) },
      );
    } catch (e) {
      console.error(`power-cut property failed; reproduce with FC_SEED=${seed}`);
      throw e;
    }
  });

  it('the checker is not vacuous: cuts do lose volatile writes and keep durable ones', () => {
    let lostSomething = 0;
    let durableChecked = 0;
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const sim = new Simulator({ seed: sc.simSeed, cpus: 1 });
        const dev = new NullBlk(sim, { write_cache: true, latency: { kind: 'uniform', min: 1_000, max: 60_000 } });
        sim.spawn('w', function* () {
          for (let i = 0; i < 4; i++) yield* dev.submitBio(bioAlloc(dev, REQ_OP_WRITE, { sector: i, data: pattern(i + 1, 1) }));
        });
        sim.run();
        const r = dev.powerCut({ tear: sc.tear });
        if (r.droppedWrites > 0) lostSomething++;
        durableChecked += check(sc).length === 0 ? 1 : 0;
      }),
      { seed: 7, numRuns: 50 },
    );
    expect(lostSomething).toBeGreaterThan(10);
    expect(durableChecked).toBe(50);
  });
});
