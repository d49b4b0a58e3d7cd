import { describe, expect, it } from 'vitest';
import { BlockAllocator, NoSpaceError } from './allocator';
import { ExtentMap } from './extent-map';

describe('ExtentMap', () => {
  it('looks up extents and holes', () => {
    const m = new ExtentMap();
    m.insert(10, 5, 100, 'written');
    expect(m.lookup(0)).toEqual({ kind: 'hole', fileBlock: 0, len: 10 });
    expect(m.lookup(12)).toMatchObject({ kind: 'extent', len: 3 });
    expect(m.lookup(15)).toEqual({ kind: 'hole', fileBlock: 15, len: Number.POSITIVE_INFINITY });
  });

  it('splits on partial removal and merges adjacent pieces', () => {
    const m = new ExtentMap();
    m.insert(0, 10, 100, 'written');
    const gone = m.remove(3, 2);
    expect(gone).toEqual([{ fileBlock: 3, len: 2, diskBlock: 103, state: 'written', shared: false }]);
    expect(m.list()).toHaveLength(2);
    m.insert(3, 2, 103, 'written');
    expect(m.list()).toEqual([{ fileBlock: 0, len: 10, diskBlock: 100, state: 'written', shared: false }]);
  });

  it('converts unwritten ranges', () => {
    const m = new ExtentMap();
    m.insert(0, 8, 50, 'unwritten');
    expect(m.setState(2, 2, 'written')).toBe(2);
    expect(m.list().map((e) => [e.fileBlock, e.len, e.state])).toEqual([
      [0, 2, 'unwritten'],
      [2, 2, 'written'],
      [4, 4, 'unwritten'],
    ]);
    expect(m.endBlock).toBe(8);
  });
});

describe('BlockAllocator', () => {
  it('allocates first fit, frees and coalesces, and reports ENOSPC', () => {
    const a = new BlockAllocator(10, 10);
    expect(a.alloc(4)).toEqual([10, 4]);
    expect(a.alloc(10)).toEqual([14, 6]);
    expect(() => a.alloc(1)).toThrow(NoSpaceError);
    a.release(10, 4);
    a.release(14, 6);
    expect(a.available).toBe(10);
    expect(a.alloc(10)).toEqual([10, 10]);
  });
});
