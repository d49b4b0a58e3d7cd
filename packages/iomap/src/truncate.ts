/**
 * Dropping page-cache pages a direct write covered, with the CPU time it
 * takes (it locks each page, so it may sleep).
 * @module
 */
import type { AddressSpace } from '@dio/kiocb';
import type { KGen } from '@dio/sim';

// mm/truncate.c: invalidate_inode_pages2_range()
/** Drop the cached pages overlapping `[pos, pos+count)`, spending 200 ns per page (at least one); returns 0. */
export function* invalidateInodePages2Range(mapping: AddressSpace, pos: number, count: number): KGen<number> {
  const n = mapping.invalidateRange(pos, count);
  yield 200 * Math.max(1, n);
  return 0;
}
