/**
 * fio's own SHA-256 (crc/sha256.c) as its verify=sha256 stores it. The
 * compression is the standard one, but fio appends the bit count in host
 * (little-endian) order and "stores" the digest by assigning each 32-bit
 * state word to one byte of the 64-byte block buffer the header lends it,
 * so the header holds those eight low bytes, the tail of the last block and
 * the padding — not the standard digest. Reproduced byte for byte so dio's
 * blocks are what fio would write and check.
 * @module
 */

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const ror = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

// crc/sha256.c: sha256_transform()
function transform(state: Uint32Array, block: Uint8Array, at: number, w: Uint32Array): void {
  for (let i = 0; i < 16; i++) {
    const p = at + i * 4;
    w[i] = (((block[p] as number) << 24) | ((block[p + 1] as number) << 16) | ((block[p + 2] as number) << 8) | (block[p + 3] as number)) >>> 0;
  }
  for (let i = 16; i < 64; i++) {
    const w15 = w[i - 15] as number;
    const w2 = w[i - 2] as number;
    const s0 = ror(w15, 7) ^ ror(w15, 18) ^ (w15 >>> 3);
    const s1 = ror(w2, 17) ^ ror(w2, 19) ^ (w2 >>> 10);
    w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) >>> 0;
  }
  let a = state[0] as number;
  let b = state[1] as number;
  let c = state[2] as number;
  let d = state[3] as number;
  let e = state[4] as number;
  let f = state[5] as number;
  let g = state[6] as number;
  let h = state[7] as number;
  for (let i = 0; i < 64; i++) {
    const t1 = (h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + (K[i] as number) + (w[i] as number)) >>> 0;
    const t2 = ((ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) >>> 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) >>> 0;
  }
  const add = [a, b, c, d, e, f, g, h];
  for (let i = 0; i < 8; i++) state[i] = ((state[i] as number) + (add[i] as number)) >>> 0;
}

/** fio's SHA-256 context: the state, the byte count, and the 64-byte buffer (the header's). */
class Ctx {
  readonly state = Uint32Array.from(H0);
  count = 0;
  private readonly w = new Uint32Array(64);
  constructor(readonly buf: Uint8Array) {}

  // crc/sha256.c: fio_sha256_update()
  update(data: Uint8Array): void {
    let partial = this.count & 0x3f;
    this.count += data.length;
    let done = 0;
    if (partial + data.length > 63) {
      if (partial > 0) {
        done = -partial;
        this.buf.set(data.subarray(0, 64 - partial), partial);
        transform(this.state, this.buf, 0, this.w);
        done += 64;
      }
      while (done + 63 < data.length) {
        transform(this.state, data, done, this.w);
        done += 64;
      }
      partial = 0;
    }
    this.buf.set(data.subarray(done), partial);
  }

  // crc/sha256.c: fio_sha256_final()
  final(): void {
    const bits = new Uint8Array(8);
    new DataView(bits.buffer).setBigUint64(0, BigInt(this.count) * 8n, true);
    const index = this.count & 0x3f;
    const padLen = index < 56 ? 56 - index : 64 + 56 - index;
    const padding = new Uint8Array(padLen);
    padding[0] = 0x80;
    this.update(padding);
    this.update(bits);
    for (let i = 0; i < 8; i++) this.buf[i] = (this.state[i] as number) & 0xff;
  }
}

/** What fio's verify=sha256 keeps in its 64-byte header field for `data`. */
export function fioSha256(data: Uint8Array): Uint8Array {
  const c = new Ctx(new Uint8Array(64));
  c.update(data);
  c.final();
  return c.buf;
}
