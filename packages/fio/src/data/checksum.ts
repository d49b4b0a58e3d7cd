/**
 * The checksums of fio's verify (crc/ and md5/sha*): crc32c as fio computes
 * it (crc/crc32c.c: seeded with ~0 and, unlike the usual CRC-32C, not
 * inverted at the end), and md5 / sha1 / sha256 from node:crypto.
 * @module
 */
import { createHash } from 'node:crypto';
import CRC32C from 'crc-32/crc32c.js';
import { fioSha256 } from './sha256';

/** crc/crc32c.h: fio_crc32c(): CRC-32C without the final inversion. */
export function fioCrc32c(data: Uint8Array): number {
  return ~CRC32C.buf(data) >>> 0;
}

/**
 * The digest of `data` as fio's verify header holds it: md5's bytes; sha1's
 * five state words in host (little-endian) order (struct vhdr_sha1 is
 * uint32_t sha1[5]); sha256's 64 bytes as fio's own implementation leaves them
 * (see sha256.ts).
 */
export function digest(kind: 'md5' | 'sha1' | 'sha256', data: Uint8Array): Uint8Array {
  if (kind === 'sha256') return fioSha256(data);
  const d = new Uint8Array(createHash(kind).update(data).digest());
  if (kind === 'sha1') for (let i = 0; i < d.length; i += 4) d.subarray(i, i + 4).reverse();
  return d;
}
