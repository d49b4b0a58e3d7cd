import { currentCtx, Simulator, type KGen } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { bioAlloc, type Bio } from './bio';
import { BLK_POLL_ONESHOT } from './blkdev';
import { REQ_OP_READ, REQ_OP_WRITE, REQ_POLLED } from './flags';
import { NullBlk } from './null-blk';
import type { IrqMode, NullBlkOptions } from './options';

interface Seen {
  kind: string;
  cpu: number;
  label: string;
  at: number;
  submitCpu: number;
}

/** Submit one write from a task pinned to each CPU; record where each bio's end_io ran. */
function whereCompleted(opts: NullBlkOptions, cpus = 4): { seen: Seen[]; dev: NullBlk; returnedBeforeEndio: boolean[] } {
  const sim = new Simulator({ seed: 3, cpus });
  const dev = new NullBlk(sim, { submit_queues: 2, completion_nsec: 20_000, ...opts });
  const seen: Seen[] = [];
  const returnedBeforeEndio: boolean[] = [];
  for (let c = 0; c < cpus; c++) {
    sim.spawn(
      `sub${c}`,
      function* () {
        let ended = false;
        const bio = bioAlloc(dev, REQ_OP_WRITE, {
          sector: c * 8,
          size: 4096,
          endIo: function (b: Bio): void {
            const ctx = currentCtx();
            ended = true;
            seen.push({ kind: ctx.kind, cpu: ctx.cpu?.id ?? -1, label: ctx.label, at: sim.now, submitCpu: b.biPrivate as number });
          },
          private: c,
        });
        yield* dev.submitBio(bio);
        returnedBeforeEndio.push(!ended);
      },
      { cpusAllowed: [c] },
    );
  }
  sim.run();
  return { seen, dev, returnedBeforeEndio };
}

describe('completion context per irqmode', () => {
  const expectKind: Record<IrqMode, string> = { hardirq: 'hardirq', softirq: 'softirq', timer: 'hardirq', none: 'task' };
  for (const mode of ['hardirq', 'softirq', 'timer', 'none'] as const) {
    it(`${mode}: end_io runs in ${expectKind[mode]} context on the submitting CPU`, () => {
      const { seen, returnedBeforeEndio } = whereCompleted({ irqmode: mode });
      expect(seen).toHaveLength(4);
      for (const s of seen) {
        expect(s.kind).toBe(expectKind[mode]);
        expect(s.cpu).toBe(s.submitCpu);
        if (mode !== 'none') expect(s.at).toBeGreaterThanOrEqual(20_000);
      }
      if (mode === 'timer') expect(seen.every((s) => s.label === 'hrtimer')).toBe(true);
      if (mode === 'hardirq') expect(seen.map((s) => s.label).sort()).toEqual(['nullb0q0', 'nullb0q0', 'nullb0q1', 'nullb0q1']);
      if (mode === 'softirq') expect(seen.every((s) => s.label === 'BLOCK_SOFTIRQ')).toBe(true);
      // irqmode none completes inside submit_bio
      expect(returnedBeforeEndio.every((b) => b)).toBe(mode !== 'none');
    });
  }

  it('null_blk irqmode numbers map to none / softirq / timer', () => {
    const sim = new Simulator();
    expect(new NullBlk(sim, { irqmode: 0 }).config.irqmode).toBe('none');
    expect(new NullBlk(sim, { irqmode: 1 }).config.irqmode).toBe('softirq');
    expect(new NullBlk(sim, { irqmode: 2 }).config.irqmode).toBe('timer');
  });

  it('one interrupt drains every request finished by the time it runs', () => {
    const sim = new Simulator({ seed: 1, cpus: 1 });
    const dev = new NullBlk(sim, { latency: { kind: 'fixed', value: 10_000 } });
    const n = 8;
    let done = 0;
    sim.spawn('burst', function* () {
      for (let i = 0; i < n; i++) {
        yield* dev.submitBio(bioAlloc(dev, REQ_OP_WRITE, { sector: i * 8, size: 4096, endIo: function () { done++; } }));
      }
    });
    sim.run();
    expect(done).toBe(n);
    // submits 250 ns apart; the handler spends 300 + 150 ns per request, so later ones pile up behind the first
    expect(dev.stats.interrupts).toBeLessThan(n);
    expect(dev.stats.interrupts).toBeGreaterThanOrEqual(1);
  });

  it('softirq mode: one BLOCK_SOFTIRQ run completes the batch the hardirq handed over', () => {
    const sim = new Simulator({ seed: 1, cpus: 1, costs: { blkSubmit: 0 } });
    const dev = new NullBlk(sim, { irqmode: 'softirq' });
    let done = 0;
    sim.spawn('burst', function* () {
      for (let i = 0; i < 4; i++) yield* dev.submitBio(bioAlloc(dev, REQ_OP_READ, { sector: i * 8, size: 4096, endIo: function () { done++; } }));
    });
    sim.run();
    expect(done).toBe(4);
    expect(dev.stats.interrupts).toBe(1);
    expect(dev.stats.softirqs).toBe(1);
  });
});

describe('polled completion (poll_queues, REQ_POLLED)', () => {
  function polledRun(opts: NullBlkOptions, poll: (dev: NullBlk, bio: Bio) => KGen<number>): { ctx: Seen | null; dev: NullBlk; polls: number[] } {
    const sim = new Simulator({ seed: 2, cpus: 2 });
    const dev = new NullBlk(sim, { poll_queues: 1, latency: { kind: 'fixed', value: 10_000 }, ...opts });
    let ctx: Seen | null = null;
    const polls: number[] = [];
    sim.spawn(
      'poller',
      function* () {
        const bio = bioAlloc(dev, REQ_OP_READ | REQ_POLLED, {
          sector: 0,
          size: 4096,
          endIo: function () {
            const c = currentCtx();
            ctx = { kind: c.kind, cpu: c.cpu?.id ?? -1, label: c.label, at: sim.now, submitCpu: 1 };
          },
        });
        yield* dev.submitBio(bio);
        polls.push(yield* poll(dev, bio));
      },
      { cpusAllowed: [1] },
    );
    sim.run();
    return { ctx, dev, polls };
  }

  it('a spinning bio_poll reaps the request in the poller task once its service time passed', () => {
    const { ctx, dev, polls } = polledRun({}, (dev, bio) => dev.bioPoll(bio));
    expect(polls).toEqual([1]);
    expect(ctx).toMatchObject({ kind: 'task', label: 'poller', cpu: 1 });
    expect((ctx as unknown as Seen).at).toBeGreaterThanOrEqual(10_000);
    expect(dev.stats.interrupts).toBe(0);
  });

  it('BLK_POLL_ONESHOT before the service time finds nothing; the bio stays incomplete until polled', () => {
    const { ctx, polls } = polledRun({}, function* (dev, bio) {
      const first = yield* dev.bioPoll(bio, BLK_POLL_ONESHOT);
      yield 50_000; // busy elsewhere: the device finished long ago, but nobody reaped it
      const second = yield* dev.bioPoll(bio, BLK_POLL_ONESHOT);
      return first * 10 + second;
    });
    expect(polls).toEqual([1]);
    expect((ctx as unknown as Seen).at).toBeGreaterThanOrEqual(50_000);
  });

  it('without poll queues REQ_POLLED is cleared and the bio completes by interrupt', () => {
    const { ctx, polls } = polledRun({ poll_queues: 0 }, (dev, bio) => dev.bioPoll(bio, BLK_POLL_ONESHOT));
    expect(polls).toEqual([0]);
    expect(ctx).toMatchObject({ kind: 'hardirq', cpu: 1 });
  });
});
