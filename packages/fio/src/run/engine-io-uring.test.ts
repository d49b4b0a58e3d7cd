import { O_DIRECT, O_RDWR } from '@dio/kiocb';
import { charge, downWrite, type KGen, sleep, upWrite } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { IoUringEngine } from './engine-io-uring';
import type { IoU } from './io-u';
import { LINUX_6_5 } from './profiles';
import { buildStack } from './stack';

const BS = 4096;

describe("fio's io_uring engine", () => {
  it('getevents on an IOPOLL ring (hipri) whose only request sits in io-wq behind a lock another CPU holds spins in user mode until that CPU lets go', () => {
    // As liburing's io_uring_wait_cqe (fuzz seed 1623): every io_uring_enter
    // returns at once with no CQE while the iou-wrk worker sleeps on i_rwsem,
    // held by a task on CPU 1 in a long plain section inside which getevents
    // starts. Its loop must yield its user-mode time, or CPU 1 never finishes
    // the section (before the fix: SoftLockupError after 1 s of spinning).
    const st = buildStack({ ...LINUX_6_5, cpus: 2, device: { ...LINUX_6_5.device, poll_queues: 1 } }, { seed: 3 });
    st.fs.create('/f', 16 * BS, 'written');
    const file = st.fs.open('/f', O_RDWR | O_DIRECT);
    if (typeof file === 'number') throw new Error(`open ${file}`);
    const fd = st.files.install(file);
    const io: IoU = { ddir: 'write', offset: 0, len: BS, startTime: 0, issueTime: 0, res: 0, index: 0, buf: new Uint8Array(BS), seed: 0n, numberio: 0, verifyRead: false, fd, fileIndex: 0 };
    const engine = new IoUringEngine({ fd, depth: 4, hipri: true, fixedbufs: false, registerfiles: false, sqthreadPoll: false, ious: [io] }, st.uringEnv);
    let releasedAt = -1;
    st.sim.spawn(
      'holder',
      (function* (): KGen<void> {
        yield downWrite(file.fInode.iRwsem);
        charge(200_000); // a 200 µs plain section under i_rwsem (a truncate's transaction)
        releasedAt = st.sim.now;
        upWrite(file.fInode.iRwsem);
      })(),
      { cpusAllowed: [1] },
    );
    let reaped: IoU[] = [];
    let reapedAt = -1;
    st.sim.spawn(
      'fio',
      (function* (): KGen<void> {
        yield 1_000; // the holder takes i_rwsem first
        expect(yield* engine.init()).toBe(0);
        expect(yield* engine.queue(io)).toBe('queued');
        yield* engine.commit(); // the NOWAIT issue finds i_rwsem taken: punted to io-wq
        yield sleep(10_000); // the worker runs and sleeps on i_rwsem; getevents starts inside CPU 1's section
        reaped = [...(yield* engine.getevents(1, 1))];
        reapedAt = st.sim.now;
        yield* engine.cleanup();
      })(),
      { cpusAllowed: [0] },
    );
    const run = st.sim.run({ until: 1e8 });
    expect(run.hung).toEqual([]);
    expect(reaped).toHaveLength(1);
    expect(io.res).toBe(BS);
    expect(releasedAt).toBeGreaterThan(200_000);
    expect(reapedAt).toBeGreaterThan(releasedAt);
  });
});
