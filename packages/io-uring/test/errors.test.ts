import { EBADF, EFAULT, EINVAL, IovIter } from '@dio/kiocb';
import { pread } from '@dio/fs';
import type { KGen } from '@dio/sim';
import { describe, expect, it } from 'vitest';
import {
  cqeSeen,
  getSqe,
  IORING_SETUP_SUBMIT_ALL,
  type IoUring,
  prepNop,
  prepWrite,
  prepWriteFixed,
  queueInitParams,
  registerBuffersUser,
  type Sqe,
  sqeSetData64,
  submit,
  waitCqe,
} from '../src/index';
import { makeStack, pattern, type Stack } from './harness';

const BS = 4096;
const REG = 1 << 20;

/** Each case: how to prep it, the CQE res it must get, and whether io_init_req refuses it (which ends the batch). */
const CASES: { name: string; prep: (s: Sqe, fd: number, d: Uint8Array) => void; res: number; stopsBatch: boolean }[] = [
  { name: 'good write, block 0', prep: (s, fd, d) => prepWrite(s, fd, d, BS, 0), res: BS, stopsBatch: false },
  { name: 'unknown opcode', prep: (s) => { prepNop(s); s.opcode = 200; }, res: -EINVAL, stopsBatch: true },
  { name: 'good write, block 1', prep: (s, fd, d) => prepWrite(s, fd, d, BS, BS), res: BS, stopsBatch: false },
  { name: 'bad fd', prep: (s, _fd, d) => prepWrite(s, 99, d, BS, 2 * BS), res: -EBADF, stopsBatch: false },
  { name: 'misaligned length', prep: (s, fd, d) => prepWrite(s, fd, d, 100, 3 * BS), res: -EINVAL, stopsBatch: false },
  { name: 'misaligned buffer address', prep: (s, fd, d) => prepWrite(s, fd, d, BS, 4 * BS, 3), res: -EINVAL, stopsBatch: false },
  { name: 'misaligned file offset', prep: (s, fd, d) => prepWrite(s, fd, d, BS, 5 * BS + 100), res: -EINVAL, stopsBatch: false },
  { name: 'fixed buffer range past the registered one', prep: (s, fd) => prepWriteFixed(s, fd, null, BS, 6 * BS, 0, REG + 512), res: -EFAULT, stopsBatch: false },
  { name: 'fixed buffer index not registered', prep: (s, fd) => prepWriteFixed(s, fd, null, BS, 7 * BS, 5, REG), res: -EFAULT, stopsBatch: true },
  { name: 'unsupported sqe flag (IOSQE_IO_LINK)', prep: (s, fd, d) => { prepWrite(s, fd, d, BS, 8 * BS); s.flags = 1 << 2; }, res: -EINVAL, stopsBatch: true },
  { name: 'good write, block 9', prep: (s, fd, d) => prepWrite(s, fd, d, BS, 9 * BS), res: BS, stopsBatch: false },
];

function* fill(r: IoUring, fd: number, data: Uint8Array): KGen<void> {
  CASES.forEach((c, i) => {
    const s = getSqe(r);
    if (s === null) throw new Error('SQ full');
    c.prep(s, fd, data);
    sqeSetData64(s, i);
  });
}

function runCases(flags: number): { res: Map<number, number>; submits: number[]; disk: Uint8Array; sqDropped: number } {
  const st: Stack = makeStack();
  const fd = st.file('/f', 16 * BS);
  const data = pattern(BS, 2);
  const res = new Map<number, number>();
  const submits: number[] = [];
  const disk = new Uint8Array(16 * BS);
  let sqDropped = -1;
  st.sim.spawn('app', function* () {
    const r = yield* queueInitParams(16, { flags }, st.env);
    if (typeof r === 'number') throw new Error(`setup ${r}`);
    expect(registerBuffersUser(r, [{ addr: REG, buf: new Uint8Array(BS), len: BS }])).toBe(0);
    yield* fill(r, fd, data);
    let left = CASES.length;
    while (left > 0) {
      const n = yield* submit(r);
      submits.push(n);
      left -= n;
    }
    while (res.size < CASES.length) {
      const c = yield* waitCqe(r);
      if (typeof c === 'number') throw new Error(`wait ${c}`);
      expect(res.has(Number(c.userData))).toBe(false); // exactly one CQE each
      res.set(Number(c.userData), c.res);
      cqeSeen(r, c);
    }
    sqDropped = r.ctx.sq.dropped;
    const f = st.env.files.get(fd);
    if (f) yield* pread(f, IovIter.ubuf(disk, disk.length), 0);
  });
  expect(st.sim.run().hung).toEqual([]);
  return { res, submits, disk, sqDropped };
}

describe("bad SQEs get the kernel's CQE errors and disturb nothing else", () => {
  it.each([
    ['stopping at each SQE io_init_req refuses', 0],
    ['IORING_SETUP_SUBMIT_ALL: carrying on past them', IORING_SETUP_SUBMIT_ALL],
  ])('%s', (_n, flags) => {
    const { res, submits, disk, sqDropped } = runCases(flags);
    expect([...res.entries()].sort((a, b) => a[0] - b[0]).map(([i, v]) => [CASES[i]?.name, v])).toEqual(CASES.map((c) => [c.name, c.res]));
    // io_submit_sqes() counts the refused SQE as consumed and stops there (unless SUBMIT_ALL)
    const stops = CASES.map((c, i) => (c.stopsBatch ? i + 1 : -1)).filter((i) => i > 0);
    const expected = flags ? [CASES.length] : stops.map((s, k) => s - (stops[k - 1] ?? 0)).concat(CASES.length - (stops.at(-1) ?? 0));
    expect(submits).toEqual(expected);
    expect(sqDropped).toBe(0);
    // the good writes landed; nothing the bad ones named was written
    const data = pattern(BS, 2);
    for (let b = 0; b < 16; b++) {
      const blk = disk.subarray(b * BS, (b + 1) * BS);
      if (b === 0 || b === 1 || b === 9) expect(blk).toEqual(data);
      else expect(blk.every((x) => x === 0)).toBe(true);
    }
  });
});
