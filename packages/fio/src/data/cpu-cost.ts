/**
 * The user CPU fio spends on data: filling write buffers with random words
 * and computing or checking verify checksums. The costs are the profile's
 * (`costs.fillPer4k`, `costs.verify…Per4k`, in ns per 4 KiB; the defaults,
 * measured with fio 3.33, are in @dio/sim costs.ts), charged per byte. dio
 * yields this as user time (preemptible) where fio computes it: at the
 * write's preparation and at the read's completion.
 * @module
 */
import type { CostModel } from '@dio/sim';
import type { VerifyKind } from './data-options';

/** The cost of each verify type's checksum and header (none for the types without one). */
const SUM_COST: Readonly<Record<VerifyKind, keyof CostModel | null>> = {
  none: null,
  null: null,
  pattern: null,
  pattern_nohdr: null,
  meta: 'verifyMetaPer4k',
  crc32c: 'verifyCrc32cPer4k',
  md5: 'verifyMd5Per4k',
  sha1: 'verifySha1Per4k',
  sha256: 'verifySha256Per4k',
};

/** User ns to compute (write) or check (read) `kind` over `bytes`. */
export function checksumNs(costs: CostModel, kind: VerifyKind, bytes: number): number {
  const c = SUM_COST[kind];
  return c === null ? 0 : Math.round((costs[c] / 4096) * bytes);
}

/** User ns to fill `bytes` with random words. */
export function fillNs(costs: CostModel, bytes: number): number {
  return Math.round((costs.fillPer4k / 4096) * bytes);
}
