import { describe, expect, it } from 'vitest';
import {
  blkFillRwbs,
  bioOp,
  opIsFlush,
  opIsSync,
  opIsWrite,
  REQ_ALLOC_CACHE,
  REQ_BACKGROUND,
  REQ_DRV,
  REQ_FAILFAST_DRIVER,
  REQ_FAILFAST_TRANSPORT,
  REQ_FS_PRIVATE,
  REQ_INTEGRITY,
  REQ_NOUNMAP,
  REQ_OP_MASK,
  REQ_OP_SECURE_ERASE,
  REQ_OP_WRITE_ZEROES,
  REQ_SWAP,
  REQ_FAILFAST_DEV,
  REQ_FUA,
  REQ_IDLE,
  REQ_META,
  REQ_NOMERGE,
  REQ_NOWAIT,
  REQ_OP_DISCARD,
  REQ_OP_FLUSH,
  REQ_OP_READ,
  REQ_OP_WRITE,
  REQ_POLLED,
  REQ_PREFLUSH,
  REQ_PRIO,
  REQ_RAHEAD,
  REQ_SYNC,
} from './flags';
import { BLK_STS_AGAIN, BLK_STS_IOERR, BLK_STS_NOTSUPP, BLK_STS_OK, blkStatusName, blkStatusToErrno, errnoToBlkStatus } from './status';

describe('REQ_* values (include/linux/blk_types.h, 6.6)', () => {
  it('ops and flag bits match the kernel', () => {
    expect([REQ_OP_READ, REQ_OP_WRITE, REQ_OP_FLUSH, REQ_OP_DISCARD]).toEqual([0, 1, 2, 3]);
    // enum req_flag_bits: __REQ_FAILFAST_DEV = REQ_OP_BITS (8), then one bit each in this order
    const bits = [REQ_FAILFAST_DEV, REQ_FAILFAST_TRANSPORT, REQ_FAILFAST_DRIVER, REQ_SYNC, REQ_META, REQ_PRIO, REQ_NOMERGE, REQ_IDLE, REQ_INTEGRITY, REQ_FUA, REQ_PREFLUSH];
    const more = [REQ_RAHEAD, REQ_BACKGROUND, REQ_NOWAIT, REQ_POLLED, REQ_ALLOC_CACHE, REQ_SWAP, REQ_DRV, REQ_FS_PRIVATE, REQ_NOUNMAP];
    expect([...bits, ...more].map((b) => Math.log2(b))).toEqual([...Array(20).keys()].map((i) => i + 8));
    expect([REQ_SYNC, REQ_IDLE, REQ_FUA, REQ_PREFLUSH, REQ_NOWAIT, REQ_POLLED]).toEqual([0x800, 0x8000, 0x20000, 0x40000, 0x200000, 0x400000]);
    expect([REQ_OP_SECURE_ERASE, REQ_OP_WRITE_ZEROES, REQ_OP_MASK]).toEqual([5, 9, 0xff]);
  });

  it('op helpers', () => {
    expect(bioOp(REQ_OP_WRITE | REQ_FUA | REQ_SYNC)).toBe(REQ_OP_WRITE);
    expect(opIsWrite(REQ_OP_WRITE)).toBe(true);
    expect(opIsWrite(REQ_OP_READ)).toBe(false);
    expect(opIsFlush(REQ_OP_WRITE | REQ_FUA)).toBe(true);
    expect(opIsFlush(REQ_OP_WRITE)).toBe(false);
    expect(opIsSync(REQ_OP_READ)).toBe(true);
    expect(opIsSync(REQ_OP_WRITE)).toBe(false);
    expect(opIsSync(REQ_OP_WRITE | REQ_SYNC)).toBe(true);
  });

  it('rwbs as blktrace prints it', () => {
    expect(blkFillRwbs(REQ_OP_WRITE)).toBe('W');
    expect(blkFillRwbs(REQ_OP_WRITE | REQ_SYNC | REQ_IDLE)).toBe('WS');
    expect(blkFillRwbs(REQ_OP_WRITE | REQ_PREFLUSH | REQ_FUA | REQ_SYNC)).toBe('FWFS');
    expect(blkFillRwbs(REQ_OP_READ | REQ_RAHEAD | REQ_META)).toBe('RAM');
    expect(blkFillRwbs(REQ_OP_FLUSH)).toBe('F');
    expect(blkFillRwbs(REQ_OP_DISCARD)).toBe('D');
  });
});

describe('blk_status_t', () => {
  it('maps to the kernel errno', () => {
    expect(blkStatusToErrno(BLK_STS_OK)).toBe(0);
    expect(blkStatusToErrno(BLK_STS_IOERR)).toBe(-5);
    expect(blkStatusToErrno(BLK_STS_AGAIN)).toBe(-11);
    expect(blkStatusToErrno(BLK_STS_NOTSUPP)).toBe(-95);
    expect(errnoToBlkStatus(-11)).toBe(BLK_STS_AGAIN);
    expect(errnoToBlkStatus(-9999)).toBe(BLK_STS_IOERR);
    expect(blkStatusName(BLK_STS_IOERR)).toBe('BLK_STS_IOERR');
  });
});
