/**
 * The released-kernel profile (6.6 … 6.18: iomap has CALLER_COMP, nobody
 * sets it): libaio write completions go through the dio workqueue; a sync
 * pwrite on the same stack never does — it sleeps uninterruptibly, the last
 * bio wakes it, and iomap_dio_complete runs in the caller.
 */
import { pwrite, SYNC_DIO_ISSUER } from '@dio/fs';
import { CallerPolicy } from '@dio/iomap';
import { IovIter } from '@dio/kiocb';
import type { Task, TraceRecord } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { ioGetevents, ioPrepPwrite, ioSetup, ioSubmit } from '../src/index';
import { BS, stack } from './stack';

const completes = (recs: readonly TraceRecord[]) => recs.filter((r) => r.name === 'iomap_dio_complete');
const dioWork = (recs: readonly TraceRecord[]) => recs.filter((r) => r.name === 'workqueue_queue_work' && String(r.args?.work).startsWith('iomap_dio_complete'));

describe('released-kernel profile: libaio vs the sync path', () => {
  it('libaio writes complete on a kworker through s_dio_done_wq', () => {
    const st = stack(new CallerPolicy());
    st.sim.spawn('app', function* () {
      const ctx = yield* ioSetup(8, st.files);
      if (typeof ctx === 'number') return;
      expect(yield* ioSubmit(ctx, Array.from({ length: 4 }, (_, i) => ioPrepPwrite(st.fd, null, BS, i * BS)))).toBe(4);
      const ev = yield* ioGetevents(ctx, 4, 4);
      expect(Array.isArray(ev) ? ev.map((e) => e.res) : ev).toEqual([BS, BS, BS, BS]);
    });
    st.sim.run();
    const recs = st.sim.tracer.records;
    expect(completes(recs)).toHaveLength(4);
    for (const r of completes(recs)) {
      expect(r.args?.via).toBe('workqueue');
      expect(r.ctx).toMatch(/^kworker/);
    }
    expect(dioWork(recs)).toHaveLength(4);
  });

  it('sync pwrite sleeps in D, is woken by the last bio, and completes in the caller with no work queued', () => {
    const st = stack(new CallerPolicy());
    const res: number[] = [];
    let sawD = false;
    const f = st.files.get(st.fd);
    if (f === undefined) throw new Error('fd');
    const app: Task = st.sim.spawn('app', function* () {
      for (let i = 0; i < 4; i++) res.push(yield* pwrite(f, IovIter.ubuf(null, 2 * BS, 0), i * 2 * BS));
    }, { cpusAllowed: [0] });
    st.sim.spawn('probe', function* () {
      while (app.state !== 'X') {
        if (app.state === 'D') sawD = true;
        yield 1_000;
      }
    }, { cpusAllowed: [1] });
    st.sim.run();
    expect(res).toEqual([2 * BS, 2 * BS, 2 * BS, 2 * BS]);
    expect(sawD).toBe(true);
    expect(SYNC_DIO_ISSUER.setsCallerComp).toBe(false);
    const recs = st.sim.tracer.records;
    expect(completes(recs)).toHaveLength(4);
    for (const r of completes(recs)) {
      expect(r.args?.via).toBe('sync');
      expect(r.kind).toBe('task');
      expect(r.ctx).toBe('app');
    }
    expect(dioWork(recs)).toHaveLength(0);
    expect(recs.filter((r) => r.name === 'workqueue_execute_start')).toHaveLength(0);
    // blk_wake_io_task(): every wake-up of the sleeping caller comes from the bio completion (hardirq here)
    for (const c of completes(recs)) {
      const wake = recs.filter((r) => r.name === 'sched_wakeup' && r.args?.comm === 'app' && r.ts <= c.ts).at(-1);
      expect(wake?.kind).toBe('hardirq');
    }
  });
});
