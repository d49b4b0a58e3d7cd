/**
 * Context rules, the truncate race, the IOCB_DIO_CALLER_COMP self-deadlock
 * (838b35bb6a89), and a user-written policy plugged in through the interface.
 */
import { FALLOC_FL_KEEP_SIZE, fallocate, ftruncate, pwrite } from '@dio/fs';
import { IovIter } from '@dio/kiocb';
import { DeadlockError, InvalidContextError, sleep } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { CallerPolicy, type CompletionPolicy, InlinePolicy, IOMAP_DIO_INLINE_COMP, type IomapDio, WorkqueuePolicy } from '../src/index';
import { type AsyncResult, asyncWrite, lastCompletion, makeStack, openFile, pattern, reap, submitWrite } from './harness';

const BS = 4096;
const res = (): AsyncResult => ({ res: NaN, kiCompleteIn: '', handedBack: false });

/** A policy that completes everything in the interrupt, ignoring every safety rule. */
class Reckless extends WorkqueuePolicy implements CompletionPolicy {
  override readonly name = 'reckless';
  override route(): 'inline' {
    return 'inline';
  }
}

describe('context rules', () => {
  it('an unwritten-extent completion forced into hardirq takes a sleeping lock: InvalidContextError', () => {
    const st = makeStack(new Reckless());
    const { file } = openFile(st, '/u', 8 * BS, 'unwritten');
    st.sim.spawn('issuer', asyncWrite(file, pattern(BS, 1), 0, false, res()));
    let err: unknown;
    try {
      st.sim.run();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidContextError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/hardirq/);
    expect(msg).toMatch(/down_write\('\/u ILOCK'\)/);
  });

  it('the same forced-inline policy is harmless for pure overwrites', () => {
    const st = makeStack(new Reckless(), {}, { trace: true });
    const { file } = openFile(st, '/o', 8 * BS, 'written');
    const out = res();
    st.sim.spawn('issuer', asyncWrite(file, pattern(BS, 1), 0, false, out));
    st.sim.run();
    expect(out.res).toBe(BS);
    expect(lastCompletion(st.sim)).toBe('hardirq');
  });
});

describe('truncate and fallocate against in-flight DIO', () => {
  it.each(['workqueue', 'caller', 'inline'] as const)('%s: ftruncate waits in inode_dio_wait until every completion ran', (p) => {
    const policy = p === 'workqueue' ? new WorkqueuePolicy() : p === 'caller' ? new CallerPolicy() : new InlinePolicy();
    const st = makeStack(policy, { completion_nsec: 50_000 });
    const { file, inode } = openFile(st, '/t', 16 * BS, 'written');
    const outs = [res(), res(), res()];
    for (let i = 0; i < 3; i++) st.sim.spawn(`w${i}`, asyncWrite(file, pattern(BS, i), i * BS, p === 'caller', outs[i] as AsyncResult), { cpusAllowed: [0] });
    let truncatedAt = -1;
    let dioCountSeen = -1;
    st.sim.spawn(
      'truncate',
      function* () {
        yield sleep(5_000); // the writes are in flight now
        const r = yield* ftruncate(st.fs, file, 2 * BS);
        dioCountSeen = inode.iDioCount;
        truncatedAt = st.sim.now;
        expect(r).toBe(0);
      },
      { cpusAllowed: [1] },
    );
    const r = st.sim.run();
    expect(r.hung).toEqual([]);
    expect(outs.map((o) => o.res)).toEqual([BS, BS, BS]);
    expect(dioCountSeen).toBe(0);
    expect(truncatedAt).toBeGreaterThan(50_000);
    expect(inode.iSize).toBe(2 * BS);
  });
});

describe('IOCB_DIO_CALLER_COMP self-deadlock (838b35bb6a89)', () => {
  /** The issuer submits async writes and, before reaping, calls fallocate() itself. */
  function scenario(policy: CompletionPolicy, callerComp: boolean) {
    const st = makeStack(policy, { completion_nsec: 20_000 });
    const { file } = openFile(st, '/pg', 16 * BS, 'written');
    const out = res();
    let fallocRet = NaN;
    st.sim.spawn('postgres', function* () {
      // submit without reaping: the completion will be handed back to this task
      const p = yield* submitWrite(file, pattern(BS, 5), 0, callerComp, out);
      fallocRet = yield* fallocate(file, FALLOC_FL_KEEP_SIZE, 0, 16 * BS);
      yield* reap(p);
    });
    return { st, out, get fallocRet() { return fallocRet; } };
  }

  it('caller: fallocate while the completion sits in the issuer\'s task_work is a DeadlockError naming the chain', () => {
    const { st } = scenario(new CallerPolicy(), true);
    let err: unknown;
    try {
      st.sim.run();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DeadlockError);
    const chain = (err as DeadlockError).chain.join(' -> ');
    expect(chain).toMatch(/postgres\[\d+\] -> waits on '\/pg i_dio_count'/);
    expect(chain).toMatch(/only postgres\[\d+\] can make true/);
  });

  it.each([['workqueue', new WorkqueuePolicy()], ['inline', new InlinePolicy()]] as const)('%s: the same workload finishes', (_n, policy) => {
    const s = scenario(policy, true);
    const r = s.st.sim.run();
    expect(r.hung).toEqual([]);
    expect(s.fallocRet).toBe(0);
  });
});

describe('a user-written policy', () => {
  /** Completes reads inline and writes on the workqueue, but only O_DIRECT overwrites smaller than 8 KiB inline. */
  class SmallInline implements CompletionPolicy {
    readonly name = 'small-inline';
    private readonly base = new InlinePolicy();
    start(dio: IomapDio, ...rest: Parameters<CompletionPolicy['start']> extends [unknown, ...infer R] ? R : never): void {
      this.base.start(dio, ...rest);
    }
    writeExtent(dio: IomapDio, e: Parameters<CompletionPolicy['writeExtent']>[1]): boolean {
      return this.base.writeExtent(dio, e);
    }
    mayPoll(dio: IomapDio): boolean {
      return this.base.mayPoll(dio);
    }
    submitted(dio: IomapDio): void {
      this.base.submitted(dio);
    }
    route(dio: IomapDio) {
      if (dio.size >= 8192) return 'workqueue' as const;
      return this.base.route(dio);
    }
    skipInvalidate(dio: IomapDio): boolean {
      return this.base.skipInvalidate(dio);
    }
  }

  it('plugs in through the public interface', () => {
    const st = makeStack(new SmallInline(), {}, { trace: true });
    const { file } = openFile(st, '/x', 16 * BS, 'written');
    const a = res();
    const b = res();
    const where: string[] = [];
    st.sim.spawn('issuer', function* () {
      yield* asyncWrite(file, pattern(BS, 1), 0, false, a);
      where.push(lastCompletion(st.sim));
      yield* asyncWrite(file, pattern(4 * BS, 1), 4 * BS, false, b);
      where.push(lastCompletion(st.sim));
    });
    st.sim.run();
    expect([a.res, b.res]).toEqual([BS, 4 * BS]);
    expect(where[0]).toBe('hardirq');
    expect(where[1]).toMatch(/^task:kworker/);
    expect(IOMAP_DIO_INLINE_COMP).toBe(1 << 27);
  });
});

describe('the sync path (pwrite on O_DIRECT)', () => {
  it.each([['workqueue', new WorkqueuePolicy()], ['caller', new CallerPolicy()], ['inline', new InlinePolicy()]] as const)(
    '%s: sleeps uninterruptibly, is woken by the last bio and completes in the caller — never on a workqueue',
    (_n, policy) => {
      const st = makeStack(policy, {}, { trace: true });
      const { file } = openFile(st, '/s', 16 * BS, 'written');
      let ret = 0;
      let sawD = false;
      st.sim.spawn('postgres', function* () {
        ret = yield* pwrite(file, IovIter.ubuf(pattern(BS, 2), BS), 0);
      });
      st.sim.at(5_000, () => {
        sawD = st.sim.tasks().some((t) => t.name === 'postgres' && t.state === 'D');
      });
      st.sim.run();
      expect(ret).toBe(BS);
      expect(sawD).toBe(true);
      expect(lastCompletion(st.sim)).toBe('task:postgres');
      expect(st.sim.tracer.records.some((r) => r.name === 'workqueue_execute_start')).toBe(false);
    },
  );
});
