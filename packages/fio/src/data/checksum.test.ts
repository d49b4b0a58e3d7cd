import { describe, expect, it } from 'vitest';
import { digest, fioCrc32c } from './checksum';

describe('fio checksums', () => {
  it('crc32c is the standard CRC-32C without the final inversion (fio_crc32c)', () => {
    // the standard check value of "123456789" is 0xe3069283
    expect(fioCrc32c(new TextEncoder().encode('123456789'))).toBe(~0xe3069283 >>> 0);
  });
  it('md5 / sha1 / sha256 digests have fio’s sizes', () => {
    const b = new Uint8Array(16);
    expect(digest('md5', b)).toHaveLength(16);
    expect(digest('sha1', b)).toHaveLength(20);
    expect(digest('sha256', b)).toHaveLength(64); // struct vhdr_sha256: uint8_t sha256[64]
  });
});
