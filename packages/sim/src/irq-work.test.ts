import { describe, expect, it } from 'vitest';
import type { KGen } from './context';
import type { Cpu, IrqWork } from './context';
import { InvalidContextError } from './errors';
import { charge, currentCtx, sleep } from './requests';
import { Simulator } from './simulator';
import { SpinLock, spinLock } from './spinlock';

const ZERO = { contextSwitch: 0, idleExit: 0, syscall: 0, hardirq: 0, softirq: 0 };
const cpu = (sim: Simulator, i = 0): Cpu => sim.cpus[i]!;

/** The records of the interrupt tracepoints, as `name@ts:handler`. */
function irqEvents(sim: Simulator): string[] {
  return sim.tracer.records
    .filter((r) => r.ph === 'i' && /^(irq_handler|softirq)_/.test(r.name))
    .map((r) => `${r.name}@${r.ts}:${String(r.args?.['name'])}/${r.kind}`);
}

describe('interrupt handlers as plain calls (raiseIrqWork)', () => {
  it('a handler that finishes without yielding runs as one call after its entry cost, in hardirq context, and is accounted and traced', () => {
    const sim = new Simulator({ costs: ZERO, trace: true });
    let done = -1;
    sim.spawn('t', function* () {
      yield 10_000;
      done = sim.now;
    });
    const calls: string[] = [];
    const w: IrqWork = {
      name: 'nvme0q0',
      entryCost: 500,
      fn: () => {
        const c = currentCtx();
        calls.push(`${c.kind} ${c.label} ${sim.now}`);
        expect(charge(200)).toBe(true); // nothing else is due: the handler's own work runs ahead
        calls.push(`end ${sim.now}`);
        return null;
      },
    };
    sim.at(3_000, () => sim.raiseIrqWork(cpu(sim), w));
    sim.run();
    expect(calls).toEqual(['hardirq nvme0q0 3500', 'end 3700']);
    expect(done).toBe(10_700);
    expect(cpu(sim).times.hardirq).toBe(700);
    expect(cpu(sim).times.user).toBe(10_000);
    expect(irqEvents(sim)).toEqual(['irq_handler_entry@3000:nvme0q0/hardirq', 'irq_handler_exit@3700:nvme0q0/hardirq']);
    const slices = sim.tracer.records.filter((r) => r.ph === 'X' && r.kind === 'hardirq');
    expect(slices.reduce((n, r) => n + (r.dur ?? 0), 0)).toBe(700);
  });

  it('with no entry cost the handler is called as soon as the raising event callback returns, at the same time', () => {
    const sim = new Simulator({ costs: ZERO });
    const log: string[] = [];
    sim.at(1_000, () => {
      sim.raiseIrqWork(cpu(sim), { name: 'a', fn: () => (log.push(`a ${sim.now} ${currentCtx().kind}`), null) });
      log.push(`caller ${sim.now}`);
    });
    sim.run();
    expect(log).toEqual(['caller 1000', 'a 1000 hardirq']);
  });

  it('a handler that must yield returns the generator that finishes it, which runs in the same context', () => {
    const sim = new Simulator({ costs: ZERO });
    const log: string[] = [];
    sim.spawn('t', function* () {
      yield 5_000;
      log.push(`task ${sim.now}`);
    });
    sim.at(1_000, () =>
      sim.raiseIrqWork(cpu(sim), {
        name: 'nvme',
        entryCost: 100,
        fn: () => {
          log.push(`called ${sim.now}`);
          const ctx = currentCtx();
          return (function* (): KGen<void> {
            expect(currentCtx()).toBe(ctx);
            yield 300;
            log.push(`handler done ${sim.now}`);
          })();
        },
      }),
    );
    sim.run();
    expect(log).toEqual(['called 1100', 'handler done 1400', 'task 5400']);
    expect(cpu(sim).times.hardirq).toBe(400);
  });

  it('hardirqs raised during a plain-call hardirq wait for its exit; softirqs run after every pending hardirq; a hardirq preempts a softirq', () => {
    const sim = new Simulator({ costs: { ...ZERO, softirq: 50 } });
    const log: string[] = [];
    const softirq: IrqWork = {
      name: 'BLOCK_SOFTIRQ',
      fn: () => {
        log.push(`softirq ${sim.now} ${currentCtx().kind}`);
        return (function* (): KGen<void> {
          yield 1_000;
          log.push(`softirq done ${sim.now}`);
        })();
      },
    };
    sim.at(0, () =>
      sim.raiseIrqWork(cpu(sim), {
        name: 'first',
        entryCost: 100,
        fn: () => {
          sim.raiseIrqWork(cpu(sim), { name: 'second', entryCost: 50, fn: () => (log.push(`second ${sim.now}`), null) });
          sim.raiseSoftirqWork(cpu(sim), softirq);
          log.push(`first done ${sim.now}`);
          return null;
        },
      }),
    );
    sim.at(500, () => sim.raiseIrqWork(cpu(sim), { name: 'third', entryCost: 200, fn: () => (log.push(`third ${sim.now}`), null) }));
    sim.run();
    // first 0..100; second's entry 100..150; softirq entry 150..200; third preempts at 500 for 200
    expect(log).toEqual(['first done 100', 'second 150', 'softirq 200 softirq', 'third 700', 'softirq done 1400']);
    expect(cpu(sim).times).toMatchObject({ hardirq: 350, softirq: 1_050 });
  });

  it('an interrupt on a long-idle CPU pays the idle exit before the entry cost', () => {
    const sim = new Simulator({ costs: { ...ZERO, idleExit: 2_000 }, sched: { idleResidencyNs: 10_000 } });
    const at: number[] = [];
    const w: IrqWork = { name: 'a', entryCost: 100, fn: () => (at.push(sim.now), null) };
    sim.at(50_000, () => sim.raiseIrqWork(cpu(sim), w)); // idle since 0: pays
    sim.at(55_000, () => sim.raiseIrqWork(cpu(sim), w)); // idle since 52_100: does not
    sim.run();
    expect(at).toEqual([52_100, 55_100]);
  });

  it('a plain-call handler whose generator returns holding a spinlock is an InvalidContextError', () => {
    const sim = new Simulator();
    const l = new SpinLock('leaked');
    sim.at(0, () =>
      sim.raiseIrqWork(cpu(sim), {
        name: 'nvme',
        fn: () =>
          (function* (): KGen<void> {
            yield spinLock(l);
          })(),
      }),
    );
    expect(() => sim.run()).toThrow(InvalidContextError);
  });

  /**
   * A busy two-CPU run with tracing on: tasks spending and sleeping (so CPUs
   * go idle and pay idle exits), interrupts raised at colliding times, handlers
   * that charge per item (plain) or spend per item (generators), nested hardirqs
   * and softirqs. `plain` raises every handler as a plain call with an entry
   * cost; otherwise as the equivalent generator.
   */
  function busyRun(plain: boolean): { sim: Simulator; log: string[] } {
    const sim = new Simulator({ cpus: 2, costs: { ...ZERO, hardirq: 250, softirq: 40, idleExit: 900 }, sched: { idleResidencyNs: 5_000 }, trace: true });
    const log: string[] = [];
    const item = (tag: string, i: number): void => {
      log.push(`cpu${currentCtx().cpu?.id ?? -1} ${tag}#${i} ${sim.now} ${currentCtx().kind}`);
    };
    function* itemsGen(tag: string, n: number): KGen<void> {
      for (let i = 0; i < n; i++) {
        yield 70;
        item(tag, i);
      }
    }
    const items = (tag: string, n: number): void => {
      for (let i = 0; i < n; i++) {
        charge(70);
        item(tag, i);
      }
    };
    const raise = (c: Cpu, tag: string, n: number, then?: () => void): void => {
      const fn = (): void => {
        then?.();
        items(tag, n);
      };
      if (plain) sim.raiseIrqWork(c, { name: tag, fn, entryCost: 250 });
      else
        sim.raiseIrq(c, tag, function* () {
          yield 250;
          then?.();
          yield* itemsGen(tag, n);
        });
    };
    const raiseSoft = (c: Cpu, tag: string, n: number): void => {
      if (plain) sim.raiseSoftirqWork(c, { name: tag, fn: () => items(tag, n) });
      else sim.raiseSoftirq(c, tag, () => itemsGen(tag, n));
    };
    sim.spawn('spinner', function* () {
      for (let i = 0; i < 40; i++) yield 1_300;
    }, { cpusAllowed: [0] });
    sim.spawn('sleeper', function* () {
      for (let i = 0; i < 12; i++) {
        yield 700;
        yield sleep(6_000);
      }
    }, { cpusAllowed: [1] });
    for (let k = 0; k < 30; k++) {
      const t = 1_000 + k * 1_777;
      sim.at(t, () => {
        raise(cpu(sim, k % 2), `q${k}`, 1 + (k % 4), () => {
          if (k % 3 === 0) raise(cpu(sim, k % 2), `q${k}nested`, 2);
          if (k % 5 === 0) raiseSoft(cpu(sim, k % 2), `soft${k}`, 3);
        });
        if (k % 4 === 1) raise(cpu(sim, 1 - (k % 2)), `r${k}`, 2);
      });
    }
    sim.run();
    log.push(`end ${sim.now} ${JSON.stringify(sim.cpus.map((c) => c.times))}`);
    return { sim, log };
  }

  /**
   * Each CPU's part of a log or trace, in order. A plain handler's charge runs
   * another CPU's interrupt due meanwhile nested inside it, so across CPUs
   * same-time work is recorded in another order; on each CPU nothing moves.
   */
  function perCpu<T>(xs: readonly T[], cpuOf: (x: T) => string): Map<string, T[]> {
    const m = new Map<string, T[]>();
    for (const x of xs) {
      const k = cpuOf(x);
      const l = m.get(k) ?? [];
      l.push(x);
      m.set(k, l);
    }
    return m;
  }

  it('plain calls with an entry cost behave exactly as the generator handlers they replace (times, order on each CPU, traces), with fewer events', () => {
    const gen = busyRun(false);
    const plain = busyRun(true);
    expect(gen.log.some((l) => l.includes('softirq'))).toBe(true);
    expect(perCpu(plain.log, (l) => l.split(' ')[0] ?? '')).toEqual(perCpu(gen.log, (l) => l.split(' ')[0] ?? ''));
    expect(plain.log.at(-1)).toBe(gen.log.at(-1)); // the end time and every CPU's times
    const byCpu = (r: { cpu: number }): string => String(r.cpu);
    const slices = (s: Simulator) => s.tracer.records.filter((r) => r.ph === 'X');
    expect(slices(gen.sim).length).toBeGreaterThan(50);
    expect(perCpu(slices(plain.sim), byCpu)).toEqual(perCpu(slices(gen.sim), byCpu));
    expect(plain.sim.eventsRun).toBeLessThan(gen.sim.eventsRun);
  });
});
