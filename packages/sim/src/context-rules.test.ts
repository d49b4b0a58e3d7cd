import { describe, expect, it } from 'vitest';
import type { KGen } from './context';
import { InvalidContextError } from './errors';
import { Mutex, mutexLock } from './mutex';
import { currentTask, sleep } from './requests';
import { RwSem, downRead } from './rwsem';
import { Simulator } from './simulator';
import { SpinLock, spinLock, spinUnlock } from './spinlock';
import { Completion, wait, WaitQueue } from './waitqueue';

type Where = 'hardirq' | 'softirq' | 'spinlock';
type What = 'sleep' | 'wait' | 'mutexLock';

const blockers: Record<What, () => KGen<unknown>> = {
  sleep: function* () {
    yield sleep(1_000);
  },
  wait: function* () {
    yield wait(new WaitQueue('cq_wait'));
  },
  mutexLock: function* () {
    yield mutexLock(new Mutex('i_mutex'));
  },
};

/** Run `body` in the given context and return the error it raised. */
function errorIn(where: Where, body: () => KGen<unknown>): unknown {
  const sim = new Simulator();
  const cpu = sim.cpus[0]!;
  if (where === 'hardirq') sim.at(0, () => sim.raiseIrq(cpu, 'nvme0q1', body));
  else if (where === 'softirq') sim.at(0, () => sim.raiseSoftirq(cpu, 'BLOCK_SOFTIRQ', body));
  else {
    const l = new SpinLock('ctx_lock');
    sim.spawn('fio/0', function* () {
      yield spinLock(l);
      yield* body();
      spinUnlock(l);
    });
  }
  try {
    sim.run();
  } catch (e) {
    return e;
  }
  return null;
}

const where: [Where, RegExp][] = [
  ['hardirq', /^hardirq 'nvme0q1' on cpu0$/],
  ['softirq', /^softirq 'BLOCK_SOFTIRQ' on cpu0$/],
  ['spinlock', /^task 'fio\/0' on cpu0$/],
];

describe('kernel context rules', () => {
  for (const [w, ctxRe] of where) {
    for (const what of Object.keys(blockers) as What[]) {
      it(`${what} in ${w} is an InvalidContextError whose chain names the context${w === 'spinlock' ? ' and the lock' : ''}`, () => {
        const e = errorIn(w, blockers[what]);
        expect(e).toBeInstanceOf(InvalidContextError);
        const chain = (e as InvalidContextError).chain;
        expect(chain[0]).toMatch(ctxRe);
        if (w === 'spinlock') expect(chain).toContain("holding spinlock 'ctx_lock'");
        const op = { sleep: 'sleep(1000)', wait: "wait on 'cq_wait'", mutexLock: "mutex_lock('i_mutex')" }[what];
        expect(chain).toContain(op);
        expect((e as Error).message).toMatch(/^BUG: sleeping function called from invalid context/);
      });
    }
  }

  it('the chain shows the simulated code path (generator function names)', () => {
    function* nvmeIrq(): KGen<void> {
      yield* completeRq();
    }
    function* completeRq(): KGen<void> {
      yield sleep(5);
    }
    const e = errorIn('hardirq', nvmeIrq) as InvalidContextError;
    expect(e.chain.at(-1)).toMatch(/code path: .*completeRq.*nvmeIrq/);
  });

  it('irqsave with no lock name says interrupts are disabled; down_read and completions are checked too', () => {
    const e1 = errorIn('softirq', function* () {
      yield downRead(new RwSem('i_rwsem'));
    });
    expect((e1 as InvalidContextError).chain).toContain("down_read('i_rwsem')");
    const e2 = errorIn('hardirq', function* () {
      yield* new Completion('done').wait();
    });
    expect(e2).toBeInstanceOf(InvalidContextError);
  });

  it('spinlocks, wake-ups and spending are fine in interrupt context', () => {
    const sim = new Simulator();
    const l = new SpinLock('q');
    const wq = new WaitQueue('w');
    let ok = false;
    sim.at(0, () =>
      sim.raiseIrq(sim.cpus[0]!, 'irq', function* () {
        yield spinLock(l, true);
        yield 100;
        wq.wakeUpAll();
        spinUnlock(l, true);
        ok = true;
      }),
    );
    sim.run();
    expect(ok).toBe(true);
  });

  it('currentTask() in hardirq is an InvalidContextError', () => {
    const e = errorIn('hardirq', function* () {
      currentTask();
    });
    expect(e).toBeInstanceOf(InvalidContextError);
  });

  it('after spin_unlock the task may sleep again', () => {
    const sim = new Simulator();
    const l = new SpinLock('l');
    sim.spawn('t', function* () {
      yield spinLock(l);
      spinUnlock(l);
      yield sleep(10);
    });
    expect(sim.run().reason).toBe('idle');
  });
});

describe('returning in atomic context', () => {
  it('an IRQ handler or a task that ends holding a spinlock is an InvalidContextError', () => {
    const s1 = new Simulator();
    const l = new SpinLock('leaked');
    s1.at(0, () =>
      s1.raiseIrq(s1.cpus[0]!, 'nvme', function* () {
        yield spinLock(l);
      }),
    );
    expect(() => s1.run()).toThrow(/hardirq 'nvme' on cpu0 -> holding spinlock 'leaked' -> returned/);
    const s2 = new Simulator();
    s2.spawn('t', function* () {
      yield spinLock(new SpinLock('l2'));
    });
    expect(() => s2.run()).toThrow(InvalidContextError);
  });
});
