/**
 * The user CPU fio spends on data: filling write buffers with random words
 * and computing or checking verify checksums. Measured with fio 3.33 on the
 * development VM (ioengine=null, 2 GiB of 4 KiB writes, usr time per I/O):
 * plain 99 ns, refill_buffers 751, verify=meta 834, crc32c 1,326,
 * md5 6,435, sha1 5,630, sha256 14,040 — per byte below. dio yields this as
 * user time (preemptible) where fio computes it: at the write's preparation
 * and at the read's completion.
 * @module
 */
import type { VerifyKind } from './data-options';

/** Random fill (fio's __fill_random_buf()), ns per byte. */
export const FILL_NS_PER_BYTE = (751 - 99) / 4096;

/** Checksum (and header) cost per byte of each verify type. */
const SUM_NS_PER_BYTE: Readonly<Record<VerifyKind, number>> = {
  none: 0,
  null: 0,
  pattern: 0,
  pattern_nohdr: 0,
  meta: (834 - 751) / 4096,
  crc32c: (1326 - 834) / 4096,
  md5: (6435 - 834) / 4096,
  sha1: (5630 - 834) / 4096,
  sha256: (14040 - 834) / 4096,
};

/** User ns to compute (write) or check (read) `kind` over `bytes`. */
export function checksumNs(kind: VerifyKind, bytes: number): number {
  return Math.round(SUM_NS_PER_BYTE[kind] * bytes);
}

/** User ns to fill `bytes` with random words. */
export function fillNs(bytes: number): number {
  return Math.round(FILL_NS_PER_BYTE * bytes);
}
