import { FdTable, File, FMODE_NOWAIT, FMODE_READ, FMODE_WRITE, type FileOperations, Inode, type IovIter, type Kiocb, EIOCBQUEUED, O_DIRECT, O_RDWR } from '@dio/kiocb';
import { type KGen, Simulator } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import { cqeSeen, getSqe, IORING_SETUP_IOPOLL, prepWrite, queueInitParams, sqeSetData64, submit, waitCqe } from './index';

const BS = 4096;
const SLOW_NS = 1_000_000;

/**
 * A polled file: the write at offset 0 completes 1 ms after its issue, the
 * one at offset BS already inside ->write_iter (a fast device), before
 * io_uring puts it on the poll list. ->iopoll never finds anything itself.
 */
function pollFile(sim: Simulator): File {
  const ops: FileOperations = {
    *writeIter(k: Kiocb, from: IovIter): KGen<number> {
      const n = from.remaining;
      yield 500;
      from.advance(n);
      const complete = k.kiComplete as NonNullable<Kiocb['kiComplete']>;
      if (k.kiPos === 0) sim.after(SLOW_NS, () => complete(k, n));
      else complete(k, n);
      return -EIOCBQUEUED;
    },
    *readIter(): KGen<number> {
      return 0;
    },
    *fsync(): KGen<number> {
      return 0;
    },
    *iopoll(): KGen<number> {
      yield 100;
      return 0;
    },
  };
  return new File(new Inode(901), O_RDWR | O_DIRECT, FMODE_READ | FMODE_WRITE | FMODE_NOWAIT, ops, '/polled');
}

describe('io_iopoll_req_issued', () => {
  it('puts a request that completed during its issue at the head of the poll list: it is reaped at once, not after the older one still in flight', () => {
    const sim = new Simulator({ seed: 7, cpus: 1 });
    const files = new FdTable();
    const fd = files.install(pollFile(sim));
    const seen: { userData: bigint; res: number; at: number }[] = [];
    let listAfterSubmit: bigint[] = [];
    sim.spawn('app', function* () {
      const r = yield* queueInitParams(4, { flags: IORING_SETUP_IOPOLL }, { files, kernel: { dioCallerComp: false } });
      if (typeof r === 'number') throw new Error(`setup ${r}`);
      for (const [id, off] of [
        [1, 0],
        [2, BS],
      ] as const) {
        const s = getSqe(r);
        if (s === null) throw new Error('SQ full');
        prepWrite(s, fd, new Uint8Array(BS), BS, off);
        sqeSetData64(s, id);
      }
      yield* submit(r);
      listAfterSubmit = r.ctx.iopollList.map((q) => q.userData);
      while (seen.length < 2) {
        const c = yield* waitCqe(r);
        if (typeof c === 'number') throw new Error(`wait ${c}`);
        seen.push({ userData: c.userData, res: c.res, at: sim.now });
        cqeSeen(r, c);
      }
    });
    const run = sim.run({ until: 1e8 });
    expect(run.hung).toEqual([]);
    // io_uring_submit() on an IOPOLL ring enters with GETEVENTS: its poll pass already reaped request 2
    expect(listAfterSubmit).toEqual([1n]);
    expect(seen.map((c) => [c.userData, c.res])).toEqual([
      [2n, BS],
      [1n, BS],
    ]);
    expect((seen[0] as { at: number }).at).toBeLessThan(SLOW_NS);
    expect((seen[1] as { at: number }).at).toBeGreaterThanOrEqual(SLOW_NS);
  });
});
