import { describe, expect, it } from 'vitest';
import { Simulator } from './simulator';
import { syscall } from './syscall';
import { type ChromeEvent, toChromeTrace, toFtraceText } from './trace-export';

const ZERO = { contextSwitch: 0, idleExit: 0, syscall: 0, hardirq: 0, softirq: 0 };

/** One I/O: submitted by a task on cpu0, completed by an IRQ on cpu1 that starts a flow into a softirq. */
function oneIo(): Simulator {
  const sim = new Simulator({ cpus: 2, costs: ZERO, trace: true });
  sim.spawn(
    'fio',
    function* () {
      yield 1_000;
      yield* syscall(
        (function* () {
          sim.traceSpan('b', 7, 'write', { sector: 8 });
          sim.trace('block_rq_issue', { sector: 8, bytes: 4096 });
          sim.traceFlow('s', 7, 'bio');
          yield 500;
        })(),
      );
    },
    { cpusAllowed: [0] },
  );
  sim.at(10_000, () =>
    sim.raiseIrq(sim.cpus[1]!, 'nvme0q1', function* () {
      yield 300;
      sim.trace('block_rq_complete', { sector: 8 });
      sim.traceFlow('f', 7, 'bio');
      sim.traceSpan('e', 7, 'write');
    }),
  );
  sim.run();
  return sim;
}

describe('Chrome/Perfetto export', () => {
  const sim = oneIo();
  const { traceEvents: ev } = toChromeTrace(sim.tracer.records, { cpus: 2 });
  const of = (ph: string): ChromeEvent[] => ev.filter((e) => e.ph === ph);

  it('names one thread track per CPU', () => {
    const names = of('M').filter((e) => e.name === 'thread_name');
    expect(names.map((e) => [e.tid, e.args?.['name']])).toEqual([
      [0, 'CPU 0'],
      [1, 'CPU 1'],
    ]);
  });

  it('puts CPU time slices on their CPU track, in µs, without overlap', () => {
    const x = of('X');
    expect(x.map((e) => [e.tid, e.name, e.ts, e.dur])).toEqual([
      [0, 'fio', 0, 1.5],
      [1, 'hardirq:nvme0q1', 10, 0.3],
    ]);
    for (const tid of [0, 1]) {
      const s = x.filter((e) => e.tid === tid).sort((a, b) => a.ts - b.ts);
      for (let i = 1; i < s.length; i++) expect(s[i]!.ts).toBeGreaterThanOrEqual(s[i - 1]!.ts + s[i - 1]!.dur!);
    }
  });

  it('makes one async span per I/O and a flow arrow from the submitting slice to the completing one', () => {
    expect(of('b').map((e) => [e.id, e.ts, e.cat, e.args?.['sector']])).toEqual([['7', 1, 'io', 8]]);
    expect(of('e').map((e) => [e.id, e.ts])).toEqual([['7', 10.3]]);
    const s = of('s');
    const f = of('f');
    expect(s.map((e) => [e.id, e.tid, e.ts, e.cat])).toEqual([['7', 0, 1, 'flow']]);
    expect(f.map((e) => [e.id, e.tid, e.ts, e.cat, e.bp])).toEqual([['7', 1, 10.3, 'flow', 'e']]);
  });

  it('is valid JSON in the {traceEvents} object format', () => {
    const parsed = JSON.parse(JSON.stringify(toChromeTrace(sim.tracer.records, { cpus: 2 }))) as { traceEvents: unknown[] };
    expect(parsed.traceEvents.length).toBe(ev.length);
  });
});

describe('ftrace text export', () => {
  it('prints instants as task-pid [cpu] seconds: event: args, IRQ contexts as <hardirq>-0', () => {
    const lines = toFtraceText(oneIo().tracer.records).split('\n');
    expect(lines[0]).toBe('# tracer: nop');
    expect(lines).toContain(`${'fio-1'.padStart(22)} [000]      0.000001000: block_rq_issue: sector=8 bytes=4096`);
    expect(lines).toContain(`${'<hardirq>-0'.padStart(22)} [001]      0.000010300: block_rq_complete: sector=8`);
    expect(lines.some((l) => /: sched_switch: prev_comm=swapper .*next_comm=fio next_pid=1$/.test(l))).toBe(true);
    expect(lines.some((l) => / X /.test(l))).toBe(false); // slices are not printed
  });
});
