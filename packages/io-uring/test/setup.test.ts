import { EINVAL } from '@dio/kiocb';
import { describe, expect, it } from 'vitest';
import {
  FEATURES,
  IORING_FEAT_NODROP,
  IORING_MAX_CQ_ENTRIES,
  IORING_MAX_ENTRIES,
  IORING_SETUP_CLAMP,
  IORING_SETUP_COOP_TASKRUN,
  IORING_SETUP_CQE32,
  IORING_SETUP_CQSIZE,
  IORING_SETUP_DEFER_TASKRUN,
  IORING_SETUP_IOPOLL,
  IORING_SETUP_SINGLE_ISSUER,
  IORING_SETUP_SQ_AFF,
  IORING_SETUP_SQPOLL,
  IORING_SETUP_TASKRUN_FLAG,
  type IoRingCtx,
  ioUringSetup,
  ioUringSetupParams,
  type IoUringParams,
} from '../src/index';
import { makeStack } from './harness';

const COOP = IORING_SETUP_COOP_TASKRUN;
const DEFER = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;

describe('io_uring_setup: ring sizes', () => {
  it.each([
    [1, 1, 2],
    [5, 8, 16],
    [8, 8, 16],
    [4095, 4096, 8192],
    [IORING_MAX_ENTRIES, IORING_MAX_ENTRIES, IORING_MAX_CQ_ENTRIES],
  ])('%i entries → SQ %i, CQ %i (2 × SQ)', (entries, sq, cq) => {
    expect(ioUringSetupParams(entries, {})).toEqual({ sq, cq, flags: 0 });
  });

  it('CQSIZE rounds cq_entries up to a power of two, never below the SQ', () => {
    const cqsize = (entries: number, cqEntries?: number, extra = 0) =>
      ioUringSetupParams(entries, { flags: IORING_SETUP_CQSIZE | extra, ...(cqEntries === undefined ? {} : { cqEntries }) });
    expect(cqsize(8, 100)).toEqual({ sq: 8, cq: 128, flags: IORING_SETUP_CQSIZE });
    expect(cqsize(8, 8)).toEqual({ sq: 8, cq: 8, flags: IORING_SETUP_CQSIZE });
    expect(cqsize(5, 7)).toEqual({ sq: 8, cq: 8, flags: IORING_SETUP_CQSIZE });
    expect(cqsize(8, 4)).toBe(-EINVAL); // smaller than the SQ
    expect(cqsize(8)).toBe(-EINVAL); // CQSIZE without cq_entries
    expect(cqsize(8, 0)).toBe(-EINVAL);
    expect(cqsize(8, IORING_MAX_CQ_ENTRIES + 1)).toBe(-EINVAL);
    expect(cqsize(8, IORING_MAX_CQ_ENTRIES + 1, IORING_SETUP_CLAMP)).toEqual({ sq: 8, cq: IORING_MAX_CQ_ENTRIES, flags: IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP });
  });

  it('entries: 0 and > IORING_MAX_ENTRIES are -EINVAL; CLAMP clamps', () => {
    expect(ioUringSetupParams(0, {})).toBe(-EINVAL);
    expect(ioUringSetupParams(-4, {})).toBe(-EINVAL);
    expect(ioUringSetupParams(IORING_MAX_ENTRIES + 1, {})).toBe(-EINVAL);
    expect(ioUringSetupParams(IORING_MAX_ENTRIES + 1, { flags: IORING_SETUP_CLAMP })).toEqual({ sq: IORING_MAX_ENTRIES, cq: IORING_MAX_CQ_ENTRIES, flags: IORING_SETUP_CLAMP });
  });
});

describe('io_uring_setup: flag validation (io_uring_create)', () => {
  it.each([
    ['DEFER_TASKRUN without SINGLE_ISSUER', IORING_SETUP_DEFER_TASKRUN],
    ['TASKRUN_FLAG without COOP_TASKRUN or DEFER_TASKRUN', IORING_SETUP_TASKRUN_FLAG],
    ['SQPOLL with COOP_TASKRUN (IPI flags make no sense with SQPOLL)', IORING_SETUP_SQPOLL | COOP],
    ['SQPOLL with TASKRUN_FLAG', IORING_SETUP_SQPOLL | IORING_SETUP_TASKRUN_FLAG],
    ['SQPOLL with DEFER_TASKRUN', IORING_SETUP_SQPOLL | DEFER],
    ['SQ_AFF without SQPOLL', IORING_SETUP_SQ_AFF],
    ['a flag this emulation does not implement (CQE32)', IORING_SETUP_CQE32],
    ['an unknown flag bit', 1 << 30],
  ])('%s → -EINVAL', (_n, flags) => {
    expect(ioUringSetupParams(8, { flags })).toBe(-EINVAL);
  });

  it.each([
    ['COOP_TASKRUN | TASKRUN_FLAG', COOP | IORING_SETUP_TASKRUN_FLAG],
    ['SINGLE_ISSUER | DEFER_TASKRUN | TASKRUN_FLAG', DEFER | IORING_SETUP_TASKRUN_FLAG],
    ['fio 3.33: CQSIZE | COOP_TASKRUN | SINGLE_ISSUER | DEFER_TASKRUN (0x3108)', 0x3108],
    ['SQPOLL | SQ_AFF', IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF],
    ['IOPOLL | DEFER_TASKRUN', IORING_SETUP_IOPOLL | DEFER],
  ])('%s is accepted', (_n, flags) => {
    expect(ioUringSetupParams(8, { flags, cqEntries: 8 })).toEqual({ sq: 8, cq: flags & IORING_SETUP_CQSIZE ? 8 : 16, flags });
  });

  it('ioUringSetup fills params out, picks the task_work notification, and checks sq_thread_cpu', () => {
    const st = makeStack();
    const out: (IoRingCtx | number)[] = [];
    const params: IoUringParams = { flags: COOP };
    st.sim.spawn('app', function* () {
      out.push(yield* ioUringSetup(6, params, st.env));
      out.push(yield* ioUringSetup(6, {}, st.env));
      out.push(yield* ioUringSetup(6, { flags: IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF, sqThreadCpu: 7 }, st.env));
    });
    st.sim.run();
    expect(params.sqEntries).toBe(8);
    expect(params.cqEntries).toBe(16);
    expect(params.features).toBe(FEATURES);
    expect((params.features ?? 0) & IORING_FEAT_NODROP).toBe(IORING_FEAT_NODROP);
    const [coop, plain, badCpu] = out;
    expect(typeof coop === 'object' && coop.notifyMethod).toBe('TWA_SIGNAL_NO_IPI');
    expect(typeof plain === 'object' && plain.notifyMethod).toBe('TWA_SIGNAL');
    expect(typeof coop === 'object' && coop.submitterTask.name).toBe('app');
    expect(badCpu).toBe(-EINVAL); // the stack has 2 CPUs
  });
});
