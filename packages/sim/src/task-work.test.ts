import { describe, expect, it } from 'vitest';
import type { KGen } from './context';
import { currentCtx, currentTask, sleep } from './requests';
import { Simulator } from './simulator';
import { syscall, taskWorkPending, taskWorkRun } from './syscall';
import { wait, WaitQueue } from './waitqueue';

const ZERO = { contextSwitch: 0, idleExit: 0, syscall: 0, hardirq: 0, softirq: 0 };

function* body(ns: number, log?: string[], sim?: Simulator): KGen<void> {
  yield ns;
  if (log && sim) log.push(`syscall body done ${sim.now}`);
}

describe('task_work', () => {
  it('TWA_RESUME work runs at the end of syscall(), in the task, after the body', () => {
    const sim = new Simulator({ costs: { ...ZERO, syscall: 100 } });
    const log: string[] = [];
    const t = sim.spawn('u', function* () {
      yield* syscall(body(1_000, log, sim));
      log.push(`back in user ${sim.now}`);
    });
    sim.at(500, () =>
      sim.taskWorkAdd(
        t,
        {
          name: 'fput',
          fn: function* () {
            log.push(`task_work in ${currentTask().name} (${currentCtx().kind}) ${sim.now}`);
            yield 50;
          },
        },
        'TWA_RESUME',
      ),
    );
    sim.run();
    expect(log).toEqual(['syscall body done 1100', 'task_work in u (task) 1100', 'back in user 1150']);
    expect(t.stime).toBe(1_150);
  });

  it('TWA_SIGNAL wakes a task in an interruptible wait, which returns "signal"', () => {
    const sim = new Simulator({ costs: ZERO });
    let why: unknown;
    let ran = 0;
    let at = -1;
    const t = sim.spawn('w', function* () {
      yield* syscall(
        (function* () {
          why = yield wait(new WaitQueue('cq'), { state: 'S' });
          at = sim.now;
          ran = yield* taskWorkRun();
        })(),
      );
    });
    sim.at(2_000, () => sim.taskWorkAdd(t, { name: 'x', fn: function* () {} }, 'TWA_SIGNAL'));
    sim.run();
    expect(why).toBe('signal');
    expect(at).toBe(2_000);
    expect(ran).toBe(1);
  });

  it('TWA_SIGNAL does not wake an uninterruptible wait or a timed sleep; pending work makes the next S wait return at once', () => {
    const sim = new Simulator({ costs: ZERO });
    const wq = new WaitQueue('d');
    const log: string[] = [];
    const t = sim.spawn('w', function* () {
      yield* syscall(
        (function* () {
          log.push(`D: ${String(yield wait(wq))} ${sim.now}`);
          log.push(`S: ${String(yield wait(new WaitQueue('s'), { state: 'S' }))} ${sim.now}`);
          yield sleep(1_000);
          log.push(`slept ${sim.now}`);
        })(),
      );
    });
    sim.at(100, () => sim.taskWorkAdd(t, { name: 'x', fn: function* () { log.push(`work ${sim.now}`); } }, 'TWA_SIGNAL'));
    sim.at(500, () => wq.wakeUpAll());
    sim.at(1_000, () => sim.taskWorkAdd(t, { name: 'y', fn: function* () { log.push(`work ${sim.now}`); } }, 'TWA_SIGNAL'));
    sim.run();
    expect(log).toEqual(['D: woken 500', 'S: signal 500', 'slept 1500', 'work 1500', 'work 1500']);
  });

  it('TWA_SIGNAL to a task spending in user mode on another CPU runs the work promptly via IPI', () => {
    const sim = new Simulator({ cpus: 2, costs: { ...ZERO, hardirq: 300 } });
    let ranAt = -1;
    let ranIn = '';
    let doneAt = -1;
    const t = sim.spawn('app', function* () {
      yield 100_000;
      doneAt = sim.now;
    }, { cpusAllowed: [1] });
    sim.spawn('waker', function* () {
      yield 10_000;
      sim.taskWorkAdd(t, {
        name: 'io_req_task_work',
        fn: function* () {
          ranAt = sim.now;
          ranIn = `${currentTask().name} inKernel=${currentTask().inKernel}`;
          yield 200;
        },
      }, 'TWA_SIGNAL');
    }, { cpusAllowed: [0] });
    sim.run();
    expect(ranAt).toBe(10_300); // IPI handler (costs.hardirq), then the work on the way back to user
    expect(ranIn).toBe('app inKernel=1');
    expect(doneAt).toBe(100_500);
    const c1 = sim.cpus[1]!.times;
    expect(c1).toMatchObject({ hardirq: 300, sys: 200, user: 100_000 });
  });

  it('TWA_SIGNAL_NO_IPI leaves a user-mode task alone until it next enters and leaves the kernel', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    let ranAt = -1;
    const t = sim.spawn('app', function* () {
      yield 100_000;
      yield* syscall(body(1_000));
    }, { cpusAllowed: [1] });
    sim.at(10_000, () => sim.taskWorkAdd(t, { name: 'w', fn: function* () { ranAt = sim.now; } }, 'TWA_SIGNAL_NO_IPI'));
    sim.run();
    expect(ranAt).toBe(101_000);
  });

  it('TWA_RESUME kicks a task running in user mode too (set_notify_resume → kick_process)', () => {
    const sim = new Simulator({ cpus: 2, costs: ZERO });
    let ranAt = -1;
    const t = sim.spawn('app', function* () {
      yield 100_000;
    }, { cpusAllowed: [1] });
    sim.at(10_000, () => sim.taskWorkAdd(t, { name: 'w', fn: function* () { ranAt = sim.now; } }, 'TWA_RESUME'));
    sim.run();
    expect(ranAt).toBe(10_000);
  });

  it('work queued for a preempted user-mode task runs when it is switched back in', () => {
    const sim = new Simulator({ costs: ZERO });
    const log: string[] = [];
    const t = sim.spawn('a', function* () {
      yield 30_000_000;
      log.push(`a done ${sim.now}`);
    });
    sim.spawn('b', function* () {
      yield 1_000;
      sim.taskWorkAdd(t, { name: 'w', fn: function* () { log.push(`work ${sim.now}`); } }, 'TWA_SIGNAL');
      yield 20_000_000;
    });
    sim.run();
    // a runs 0–12 ms, b 12–24 ms (adds the work at 12.001 ms), a resumes at 24 ms
    expect(log).toEqual(['work 24000000', 'a done 50001000']); // a finishes last: 30 ms + b's 20.001 ms
  });

  it('TWA_NONE only queues: the work runs when the task runs its task_work', () => {
    const sim = new Simulator({ costs: ZERO });
    let ranAt = -1;
    const t = sim.spawn('app', function* () {
      yield 5_000;
      yield* syscall(body(1_000));
    });
    sim.at(1_000, () => sim.taskWorkAdd(t, { name: 'w', fn: function* () { ranAt = sim.now; } }, 'TWA_NONE'));
    sim.run();
    expect(ranAt).toBe(6_000);
  });

  it('task_work_add to an exited task fails (-ESRCH)', () => {
    const sim = new Simulator();
    const t = sim.spawn('gone', function* () {});
    sim.run();
    expect(t.state).toBe('X');
    expect(sim.taskWorkAdd(t, { name: 'w', fn: function* () {} }, 'TWA_SIGNAL')).toBe(false);
  });

  it('taskWorkPending() is true while work is queued or a notify flag is set, exactly when taskWorkRun() has an effect', () => {
    const sim = new Simulator({ costs: ZERO });
    const seen: [string, boolean, number][] = [];
    const t = sim.spawn('u', function* () {
      seen.push(['nothing', taskWorkPending(), yield* taskWorkRun()]);
      yield 1_000;
      seen.push(['queued', taskWorkPending(), yield* taskWorkRun()]);
      seen.push(['ran', taskWorkPending(), yield* taskWorkRun()]);
    });
    sim.at(10, () => sim.taskWorkAdd(t, { name: 'x', fn: function* () {} }, 'TWA_NONE'));
    sim.run();
    expect(seen).toEqual([
      ['nothing', false, 0],
      ['queued', true, 1],
      ['ran', false, 0],
    ]);
    // a notify flag alone counts: taskWorkRun() would clear it
    const sim2 = new Simulator({ costs: ZERO });
    let flagged = false;
    const t2 = sim2.spawn('v', function* () {
      yield 10;
      flagged = taskWorkPending();
    });
    t2.notifySignal = true;
    sim2.run();
    expect(flagged).toBe(true);
  });
});
