import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type DioRef, DioRefList } from './dio-refs';

describe('DioRefList', () => {
  it('behaves as a Set of holders in insertion order (fast-check against Set)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 7 })), { maxLength: 80 }), (ops) => {
        const refs: DioRef[] = Array.from({ length: 8 }, (_, i) => ({ owner: { agent: `r${i}` } }));
        const list = new DioRefList();
        const set = new Set<DioRef>();
        for (const [add, i] of ops) {
          const r = refs[i] as DioRef;
          if (add) {
            list.add(r);
            set.add(r);
          } else expect(list.delete(r)).toBe(set.delete(r));
          expect(list.size).toBe(set.size);
          expect([...list]).toEqual([...set]);
          for (const x of refs) expect(list.has(x)).toBe(set.has(x));
        }
      }),
    );
  });

  it('a holder on one inode is not on another', () => {
    const a = new DioRefList();
    const b = new DioRefList();
    const r: DioRef = { owner: { agent: 'device' } };
    a.add(r);
    expect(b.has(r)).toBe(false);
    expect(b.delete(r)).toBe(false);
    expect(a.size).toBe(1);
  });
});
