import { describe, expect, it } from 'vitest';
import { sleep } from './requests';
import { Simulator } from './simulator';
import { syscall } from './syscall';
import { toChromeTrace, toFtraceText } from './trace-export';
import { waitEvent, WaitQueue } from './waitqueue';

/** Tasks spending and sleeping random amounts, a device raising IRQs with random delays, task_work. */
function workload(seed: number, trace = true): { json: string; text: string; now: number; records: number; events: number } {
  const sim = new Simulator({ seed, cpus: 2, trace });
  const rng = sim.rng.fork('load');
  const dev = sim.rng.fork('dev');
  const wq = new WaitQueue('q');
  let inflight = 0;
  let id = 0;
  for (let i = 0; i < 4; i++) {
    const t = sim.spawn(`fio/${i}`, function* () {
      for (let k = 0; k < 25; k++) {
        yield rng.int(100, 5_000);
        yield* syscall(
          (function* () {
            yield rng.int(100, 1_000);
            const io = ++id;
            inflight++;
            sim.traceSpan('b', io, 'write');
            sim.trace('block_rq_issue', { io });
            sim.after(dev.int(1_000, 30_000), () =>
              sim.raiseIrq(sim.cpus[io % 2]!, 'nvme', function* () {
                yield 300;
                sim.trace('block_rq_complete', { io });
                sim.traceSpan('e', io, 'write');
                inflight--;
                wq.wakeUpAll();
                sim.taskWorkAdd(t, { name: 'tw', fn: function* () { yield 50; } }, 'TWA_SIGNAL');
              }),
            );
            if (inflight > 3) yield* waitEvent(wq, () => inflight <= 3);
          })(),
        );
        if (rng.chance(0.3)) yield sleep(rng.int(1, 20_000));
      }
    });
  }
  sim.run();
  const recs = sim.tracer.records;
  return { json: JSON.stringify(toChromeTrace(recs, { cpus: 2 })), text: toFtraceText(recs), now: sim.now, records: recs.length, events: sim.eventsRun };
}

describe('determinism', () => {
  it('the same seed gives byte-identical Chrome JSON and ftrace text; another seed differs', () => {
    const a = workload(42);
    const b = workload(42);
    const c = workload(43);
    expect(a.json.length).toBeGreaterThan(10_000);
    expect(a.json).toBe(b.json);
    expect(a.text).toBe(b.text);
    expect(a.now).toBe(b.now);
    expect(a.json).not.toBe(c.json);
    expect(a.text).not.toBe(c.text);
  });

  it('the trace has the engine and layer tracepoints, per-CPU slices and I/O spans', () => {
    const { text, json } = workload(1);
    for (const tp of ['sched_switch', 'sched_wakeup', 'irq_handler_entry', 'irq_handler_exit', 'block_rq_issue', 'block_rq_complete', 'sched_process_exit']) {
      expect(text).toContain(`: ${tp}:`);
    }
    const ev = (JSON.parse(json) as { traceEvents: { ph: string; cat?: string; tid: number }[] }).traceEvents;
    expect(ev.filter((e) => e.ph === 'X' && e.cat === 'hardirq').length).toBeGreaterThan(0);
    expect(ev.filter((e) => e.ph === 'b').length).toBe(100);
    expect(ev.filter((e) => e.ph === 'e').length).toBe(100);
    expect(new Set(ev.filter((e) => e.ph === 'X').map((e) => e.tid))).toEqual(new Set([0, 1]));
  });

  it('tracing off: the same workload (IRQs, spans, task_work) records nothing, even from unguarded calls, and ends identically', () => {
    const on = workload(42);
    const off = workload(42, false);
    expect(on.records).toBeGreaterThan(1_000);
    expect(off.records).toBe(0);
    expect(off.now).toBe(on.now);
    expect(off.events).toBe(on.events);
    const sim = new Simulator();
    sim.trace('block_rq_issue', { sector: 0 });
    sim.traceSpan('b', 1, 'io');
    sim.traceFlow('s', 1, 'bio');
    expect(sim.tracer.records).toHaveLength(0);
  });

  it('tracing off records nothing and does not change the outcome', () => {
    const run = (trace: boolean): { now: number; recs: number } => {
      const sim = new Simulator({ seed: 3, trace });
      const rng = sim.rng.fork('x');
      sim.spawn('t', function* () {
        for (let i = 0; i < 50; i++) {
          yield rng.int(1, 1_000);
          yield sleep(rng.int(1, 1_000));
        }
      });
      sim.run();
      return { now: sim.now, recs: sim.tracer.records.length };
    };
    const on = run(true);
    const off = run(false);
    expect(off.recs).toBe(0);
    expect(on.recs).toBeGreaterThan(0);
    expect(off.now).toBe(on.now);
  });
});
