/**
 * fio's random number generators (lib/rand.h, lib/rand.c): the 32-bit
 * Tausworthe (taus88) every fio stream uses by default and the 64-bit one
 * (taus258) of `random_generator=tausworthe64`, seeded exactly as fio seeds
 * them, so a job draws the same numbers as fio for the same seed.
 * @module
 */

const M64 = (1n << 64n) - 1n;
/** FRAND32_MAX + 1 and FRAND64_MAX + 1 as doubles. */
const FRAND32_MAX_PLUS_ONE = 2 ** 32;
const FRAND64_MAX_PLUS_ONE = 2 ** 64;
/** FRAND32_MAX. */
export const FRAND32_MAX = 0xffff_ffff;

// lib/rand.h: TAUSWORTHE(s,a,b,c,d) ((s&c)<<d) ^ (((s <<a) ^ s)>>b)
function taus(s: number, a: number, b: number, c: number, d: number): number {
  return (((s & c) << d) ^ (((s << a) ^ s) >>> b)) >>> 0;
}

// lib/rand.c: __seed()
const seedMin = (x: number, m: number): number => (x < m ? x + m : x) >>> 0;
const seedMin64 = (x: bigint, m: bigint): bigint => (x < m ? x + m : x) & M64;

/** One fio `struct frand_state`: taus88 (32-bit) or taus258 (64-bit). */
export class FRand {
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private readonly s64: bigint[] = [0n, 0n, 0n, 0n, 0n];

  /** lib/rand.c: init_rand_seed(). A 32-bit state keeps the low 32 bits of `seed`, as fio's cast does. */
  constructor(seed: bigint, readonly use64: boolean = false) {
    if (use64) this.init64(seed & M64);
    else this.init32(Number(seed & 0xffff_ffffn));
  }

  // lib/rand.c: __init_rand32(); (2^31)+(2^17)+(2^7) is XOR in C: 53
  private init32(seed: number): void {
    const lcg = (x: number): number => (Math.imul(x, 69069) ^ seed) >>> 0;
    this.s1 = seedMin(lcg(53), 1);
    this.s2 = seedMin(lcg(this.s1), 7);
    this.s3 = seedMin(lcg(this.s2), 15);
    for (let i = 0; i < 6; i++) this.rand32();
  }

  // lib/rand.c: __init_rand64()
  private init64(seed: bigint): void {
    const lcg = (x: bigint): bigint => ((x * 6906969069n) & M64) ^ seed;
    const s = this.s64;
    s[0] = seedMin64(lcg(53n), 1n);
    s[1] = seedMin64(lcg(s[0]), 7n);
    s[2] = seedMin64(lcg(s[1]), 15n);
    s[3] = seedMin64(lcg(s[2]), 33n);
    s[4] = seedMin64(lcg(s[3]), 49n);
    for (let i = 0; i < 6; i++) this.rand64();
  }

  /** A copy of this state (fio copies `struct frand_state` by value). */
  clone(): FRand {
    const c = new FRand(0n, this.use64);
    c.s1 = this.s1;
    c.s2 = this.s2;
    c.s3 = this.s3;
    for (let i = 0; i < 5; i++) c.s64[i] = this.s64[i] as bigint;
    return c;
  }

  /** lib/rand.h: __rand32(). */
  rand32(): number {
    this.s1 = taus(this.s1, 13, 19, 4294967294, 12);
    this.s2 = taus(this.s2, 2, 25, 4294967288, 4);
    this.s3 = taus(this.s3, 3, 11, 4294967280, 17);
    return (this.s1 ^ this.s2 ^ this.s3) >>> 0;
  }

  /** lib/rand.h: __rand64(). */
  rand64(): bigint {
    const s = this.s64;
    const step = (v: bigint, a: bigint, b: bigint, mask: bigint, d: bigint): bigint => {
      const x = (((v << a) & M64) ^ v) >> b;
      return (((v & mask) << d) & M64) ^ x;
    };
    s[0] = step(s[0] as bigint, 1n, 53n, 18446744073709551614n, 10n);
    s[1] = step(s[1] as bigint, 24n, 50n, 18446744073709551104n, 5n);
    s[2] = step(s[2] as bigint, 3n, 23n, 18446744073709547520n, 29n);
    s[3] = step(s[3] as bigint, 5n, 24n, 18446744073709420544n, 23n);
    s[4] = step(s[4] as bigint, 3n, 33n, 18446744073701163008n, 8n);
    return (s[0] as bigint) ^ (s[1] as bigint) ^ (s[2] as bigint) ^ (s[3] as bigint) ^ (s[4] as bigint);
  }

  /** lib/rand.h: __rand() as a double (exact for 32-bit; the 64-bit value rounded, as C's conversion to double). */
  rand(): number {
    return this.use64 ? Number(this.rand64()) : this.rand32();
  }

  /** lib/rand.h: rand_max() + 1.0. */
  maxPlusOne(): number {
    return this.use64 ? FRAND64_MAX_PLUS_ONE : FRAND32_MAX_PLUS_ONE;
  }

  /** lib/rand.h: __rand() as an exact unsigned integer. */
  randBig(): bigint {
    return this.use64 ? this.rand64() : BigInt(this.rand32());
  }

  /** lib/rand.h: rand_max() as an exact unsigned integer. */
  maxBig(): bigint {
    return this.use64 ? M64 : BigInt(FRAND32_MAX);
  }

  /** lib/rand.h: __rand_0_1(). */
  rand01(): number {
    return (this.rand() + 1.0) / this.maxPlusOne();
  }

  /** lib/rand.h: rand_between(): start..end, both inclusive. */
  between(start: number, end: number): number {
    const span = end - start + 1;
    if (this.use64) return start + Math.floor(span * (Number(this.rand64()) / FRAND64_MAX_PLUS_ONE));
    // rand32_upto() casts to int
    return start + (Math.trunc(span * (this.rand32() / FRAND32_MAX_PLUS_ONE)) | 0);
  }
}
