/**
 * Context rules, the truncate race, the IOCB_DIO_CALLER_COMP self-deadlock
 * (838b35bb6a89), and a user-written policy plugged in through the interface.
 */
import { FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE, fallocate, ftruncate, pread, pwrite } from '@dio/fs';
import { EIO, type File, IovIter, O_DSYNC } from '@dio/kiocb';
import { DeadlockError, InvalidContextError, sleep } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { CallerPolicy, type CompletionPolicy, InlinePolicy, IOMAP_DIO_CALLER_COMP, IOMAP_DIO_INLINE_COMP, IOMAP_DIO_WRITE, type IomapDio, WorkqueuePolicy } from '../src/index';
import { type AsyncResult, asyncWrite, lastCompletion, makeStack, openFile, pattern, reap, submitRead, submitWrite } from './harness';

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
  const ops = {
    ftruncate: (st: ReturnType<typeof makeStack>, file: File) => ftruncate(st.fs, file, 2 * BS),
    'fallocate(PUNCH_HOLE)': (_st: ReturnType<typeof makeStack>, file: File) => fallocate(file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 16 * BS),
  } as const;
  describe.each(['workqueue', 'caller', 'inline'] as const)('%s', (p) => {
    it.each(Object.keys(ops) as (keyof typeof ops)[])('%s from another task waits in inode_dio_wait until every completion ran', (op) => {
      const policy = p === 'workqueue' ? new WorkqueuePolicy() : p === 'caller' ? new CallerPolicy() : new InlinePolicy();
      const st = makeStack(policy, { completion_nsec: 50_000 });
      const { file, inode } = openFile(st, '/t', 16 * BS, 'written');
      const outs = [res(), res(), res()];
      const completedAt: number[] = [];
      for (let i = 0; i < 3; i++) {
        st.sim.spawn(
          `w${i}`,
          function* () {
            yield* asyncWrite(file, pattern(BS, i), i * BS, p === 'caller', outs[i] as AsyncResult);
            completedAt.push(st.sim.now);
          },
          { cpusAllowed: [0] },
        );
      }
      let doneAt = -1;
      let dioCountSeen = -1;
      let waited = false;
      st.sim.spawn(
        op,
        function* () {
          yield sleep(5_000); // the writes are in flight now
          expect(inode.iDioCount).toBe(3);
          const r = yield* ops[op](st, file);
          dioCountSeen = inode.iDioCount;
          doneAt = st.sim.now;
          expect(r).toBe(0);
        },
        { cpusAllowed: [1] },
      );
      st.sim.at(20_000, () => {
        waited = st.sim.tasks().some((t) => t.name === op && t.state === 'D');
      });
      const r = st.sim.run();
      expect(r.hung).toEqual([]);
      expect(outs.map((o) => o.res)).toEqual([BS, BS, BS]);
      expect(waited).toBe(true);
      expect(dioCountSeen).toBe(0);
      expect(doneAt).toBeGreaterThan(50_000);
      if (op === 'ftruncate') expect(inode.iSize).toBe(2 * BS);
      else expect(inode.extents.list()).toEqual([]);
    });
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

describe('era rules', () => {
  it('FUA: 6.5 needs bdev_fua; 6.6 and 6.19 also treat a device without a volatile cache as write-through', () => {
    const fuaSeen = (policy: CompletionPolicy) => {
      const st = makeStack(policy, { fua: false, write_cache: false });
      const { file } = openFile(st, '/f', 4 * BS, 'written', O_DSYNC);
      const out = res();
      st.sim.spawn('issuer', asyncWrite(file, pattern(BS, 1), 0, false, out));
      st.sim.run();
      expect(out.res).toBe(BS);
      return st.seen.some((b) => b.fua);
    };
    expect(fuaSeen(new WorkqueuePolicy(false))).toBe(false);
    expect(fuaSeen(new WorkqueuePolicy(true))).toBe(true);
    expect(fuaSeen(new CallerPolicy())).toBe(true);
    expect(fuaSeen(new InlinePolicy())).toBe(true);
  });

  it('HIPRI: 6.6 keeps polling a write only with INLINE_COMP or CALLER_COMP; 6.5 always; 6.19 unless COMP_WORK', () => {
    const dio = (flags: number) => ({ flags }) as IomapDio;
    expect(new WorkqueuePolicy(false).mayPoll(dio(IOMAP_DIO_WRITE))).toBe(true);
    expect(new WorkqueuePolicy(true).mayPoll(dio(IOMAP_DIO_WRITE))).toBe(false);
    expect(new WorkqueuePolicy(true).mayPoll(dio(IOMAP_DIO_INLINE_COMP))).toBe(true);
    expect(new CallerPolicy().mayPoll(dio(IOMAP_DIO_WRITE | IOMAP_DIO_CALLER_COMP))).toBe(true);
    expect(new CallerPolicy().mayPoll(dio(IOMAP_DIO_WRITE))).toBe(false);
    expect(new InlinePolicy().mayPoll(dio(IOMAP_DIO_WRITE))).toBe(true);
  });

  it.each([
    ['workqueue', 'hardirq', new WorkqueuePolicy()],
    ['caller', 'hardirq', new CallerPolicy()],
    ['inline', 'kworker', new InlinePolicy()],
  ] as const)('%s: an async read that fails completes in %s (6.19 sends every error to the workqueue)', (_n, where, policy) => {
    const st = makeStack(policy, {}, { trace: true });
    const { file, inode } = openFile(st, '/r', 4 * BS, 'written');
    const ext = inode.extents.lookup(0);
    if (ext.kind !== 'extent') throw new Error('hole');
    const sector = (ext.ext.diskBlock * BS) / 512;
    st.dev.badblocks.store(`+${sector}-${sector + 7}`);
    const out = res();
    st.sim.spawn('reader', function* () {
      yield* reap(yield* submitRead(file, new Uint8Array(BS), 0, out));
    });
    const r = st.sim.run();
    expect(r.hung).toEqual([]);
    expect(out.res).toBe(-EIO);
    if (where === 'hardirq') expect(lastCompletion(st.sim)).toBe('hardirq');
    else expect(lastCompletion(st.sim)).toMatch(/^task:kworker/);
  });
});

describe('sub-block zeroing (iomap_dio_zero)', () => {
  it.each([['workqueue', new WorkqueuePolicy()], ['caller', new CallerPolicy()], ['inline', new InlinePolicy()]] as const)(
    '%s: a 512-byte write into a hole zeroes the head and tail of its new block, waits (unaligned), and reads back',
    (_n, policy) => {
      const st = makeStack(policy, {}, { trace: true });
      const { file, inode } = openFile(st, '/z', 4 * BS, 'hole');
      const out = res();
      const back = new Uint8Array(BS);
      let where = '';
      st.sim.spawn('issuer', function* () {
        yield* asyncWrite(file, pattern(512, 4), BS + 1024, true, out);
        where = lastCompletion(st.sim);
        const r = yield* pread(file, IovIter.ubuf(back, BS), BS);
        expect(r).toBe(BS);
      });
      const r = st.sim.run();
      expect(r.hung).toEqual([]);
      expect(out.res).toBe(512);
      expect(out.handedBack).toBe(false); // FORCE_WAIT: the submitter completes it itself
      expect(where).toBe('task:issuer');
      const writes = st.seen.filter((b) => b.op === 1).map((b) => b.size);
      expect(writes).toEqual([1024, 512, BS - 1536]);
      expect(back.subarray(0, 1024)).toEqual(new Uint8Array(1024));
      expect(back.subarray(1024, 1536)).toEqual(pattern(512, 4));
      expect(back.subarray(1536)).toEqual(new Uint8Array(BS - 1536));
      expect(inode.extents.list().map((e) => e.state)).toEqual(['written']);
    },
  );
});
