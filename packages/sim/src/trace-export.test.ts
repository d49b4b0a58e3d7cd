import { describe, expect, it } from 'vitest';
import type { KGen } from './context';
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

/**
 * Per CPU track: `X` slices do not overlap, and `B`/`E` pairs (stably sorted by
 * ts, as Perfetto reads them) nest, each inside one `X` slice of the same pid
 * that comes earlier in the file when they start together. Times compared in
 * ns (the µs values are ns / 1000). Returns the pairs, times in µs.
 */
function nestedSlices(ev: readonly ChromeEvent[]): { tid: number; name: string; ts: number; end: number; parent: string; args: Record<string, unknown> }[] {
  const ns = (us: number): number => Math.round(us * 1000);
  const out: ReturnType<typeof nestedSlices> = [];
  const tids = new Set(ev.filter((e) => e.pid === 1 && e.ph !== 'M').map((e) => e.tid));
  for (const tid of tids) {
    const track = ev.map((e, i) => ({ e: { ...e, ts: ns(e.ts), dur: ns(e.dur ?? 0) }, i })).filter(({ e }) => e.pid === 1 && e.tid === tid);
    const xs = track.filter(({ e }) => e.ph === 'X').sort((a, b) => a.e.ts - b.e.ts);
    for (let k = 1; k < xs.length; k++) expect(xs[k]!.e.ts).toBeGreaterThanOrEqual(xs[k - 1]!.e.ts + xs[k - 1]!.e.dur);
    const stack: { e: ChromeEvent; i: number }[] = [];
    for (const b of track.filter(({ e }) => e.ph === 'B' || e.ph === 'E').sort((a, c) => a.e.ts - c.e.ts || a.i - c.i)) {
      if (b.e.ph === 'B') {
        stack.push(b);
        continue;
      }
      const open = stack.pop();
      expect(open?.e.name).toBe(b.e.name);
      const start = open!.e.ts;
      const x = xs.find(({ e }) => e.ts <= start && b.e.ts <= e.ts + e.dur);
      expect(x, `${b.e.name} [${start}, ${b.e.ts}] on CPU ${tid} inside a slice`).toBeDefined();
      expect(x!.e.args?.['pid']).toBe(open!.e.args?.['pid']);
      if (x!.e.ts === start) expect(x!.i).toBeLessThan(open!.i);
      out.push({ tid, name: b.e.name, ts: start / 1000, end: b.e.ts / 1000, parent: x!.e.name, args: open!.e.args ?? {} });
    }
    expect(stack).toEqual([]);
  }
  return out;
}

describe('task_work slices', () => {
  /** fio on cpu0 gets two task_work items during a syscall; they run on its way out, and an IRQ interrupts them. */
  function taskWork(trace: boolean): Simulator {
    const sim = new Simulator({ cpus: 1, costs: ZERO, trace });
    const t = sim.spawn('fio', function* () {
      yield 1_000;
      yield* syscall(
        (function* () {
          yield 2_000;
        })(),
      );
      yield 300;
    });
    const item = { name: 'tctx_task_work', fn: function* () { yield 200; } };
    sim.at(1_500, () => {
      sim.taskWorkAdd(t, item, 'TWA_RESUME');
      sim.taskWorkAdd(t, item, 'TWA_RESUME');
    });
    sim.at(3_100, () => sim.raiseIrq(sim.cpus[0]!, 'nvme0q0', function* () { yield 100; }));
    sim.run();
    return sim;
  }

  it('draws task_work_run inside the task\'s slice, split where an IRQ interrupts it, with the items run', () => {
    const { traceEvents: ev } = toChromeTrace(taskWork(true).tracer.records, { cpus: 1 });
    expect(ev.filter((e) => e.ph === 'X').map((e) => [e.tid, e.name, e.ts, e.dur])).toEqual([
      [0, 'fio', 0, 3.1],
      [0, 'hardirq:nvme0q0', 3.1, 0.1],
      [0, 'fio', 3.2, 0.6],
    ]);
    expect(nestedSlices(ev)).toEqual([
      { tid: 0, name: 'task_work_run', ts: 3, end: 3.1, parent: 'fio', args: { items: 2, pid: 1 } },
      { tid: 0, name: 'task_work_run', ts: 3.2, end: 3.5, parent: 'fio', args: { items: 2, pid: 1 } },
    ]);
  });

  it('nests a slice opened inside another one, closing the inner one first', () => {
    const sim = new Simulator({ cpus: 1, costs: ZERO, trace: true });
    const t = sim.spawn('fio', function* () {
      yield* syscall(
        (function* () {
          yield 1_000;
        })(),
      );
    });
    const inner = function* (): KGen<void> {
      yield 100;
      const s = sim.traceNestedBegin('io_run_local_work');
      yield 200;
      sim.traceNestedEnd(s, { items: 3 });
    };
    sim.at(500, () => sim.taskWorkAdd(t, { name: 'tctx_task_work', fn: inner }, 'TWA_RESUME'));
    sim.run();
    const { traceEvents: ev } = toChromeTrace(sim.tracer.records, { cpus: 1 });
    expect(ev.filter((e) => e.ph === 'B' || e.ph === 'E').map((e) => [e.ph, e.name, e.ts])).toEqual([
      ['B', 'task_work_run', 1],
      ['B', 'io_run_local_work', 1.1],
      ['E', 'io_run_local_work', 1.3],
      ['E', 'task_work_run', 1.3],
    ]);
    expect(nestedSlices(ev).map((n) => [n.name, n.ts, n.end, n.parent, n.args['items']])).toEqual([
      ['io_run_local_work', 1.1, 1.3, 'fio', 3],
      ['task_work_run', 1, 1.3, 'fio', 1],
    ]);
  });

  it('records nothing for it with tracing off', () => {
    const sim = taskWork(false);
    expect(sim.tracer.records).toEqual([]);
    expect(sim.traceNestedBegin('task_work_run')).toBeNull();
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
