/**
 * fio's skewed offset generators (lib/zipf.c, lib/gauss.c) and the file-name
 * hash that seeds them (lib/hash.h: jhash()).
 * @module
 */
import { FRand, FRAND32_MAX } from './frand';

const M64 = (1n << 64n) - 1n;
const ZIPF_MAX_GEN = 10_000_000;

const rol32 = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/**
 * lib/hash.h: jhash(): the kernel's lookup3 hash, with fio's JHASH_INITVAL
 * (0x61C88647, read from fio 3.33's code; the kernel uses 0xdeadbeef).
 */
export function jhash(key: Uint8Array, initval: number): number {
  let a = (0x61c88647 + key.length + initval) >>> 0;
  let b = a;
  let c = a;
  // __jhash_mix()
  const mix = (): void => {
    a = ((a - c) ^ rol32(c, 4)) >>> 0;
    c = (c + b) >>> 0;
    b = ((b - a) ^ rol32(a, 6)) >>> 0;
    a = (a + c) >>> 0;
    c = ((c - b) ^ rol32(b, 8)) >>> 0;
    b = (b + a) >>> 0;
    a = ((a - c) ^ rol32(c, 16)) >>> 0;
    c = (c + b) >>> 0;
    b = ((b - a) ^ rol32(a, 19)) >>> 0;
    a = (a + c) >>> 0;
    c = ((c - b) ^ rol32(b, 4)) >>> 0;
    b = (b + a) >>> 0;
  };
  const k = (i: number): number => key[i] ?? 0;
  const word = (i: number): number => (k(i) | (k(i + 1) << 8) | (k(i + 2) << 16) | (k(i + 3) << 24)) >>> 0;
  let i = 0;
  let len = key.length;
  while (len > 12) {
    a = (a + word(i)) >>> 0;
    b = (b + word(i + 4)) >>> 0;
    c = (c + word(i + 8)) >>> 0;
    mix();
    len -= 12;
    i += 12;
  }
  if (len === 0) return c;
  // the switch's fall-through: tail byte j goes to a (0-3), b (4-7) or c (8-11)
  for (let j = len - 1; j >= 0; j--) {
    const v = (k(i + j) << (8 * (j % 4))) >>> 0;
    if (j >= 8) c = (c + v) >>> 0;
    else if (j >= 4) b = (b + v) >>> 0;
    else a = (a + v) >>> 0;
  }
  // __jhash_final()
  c = ((c ^ b) - rol32(b, 14)) >>> 0;
  a = ((a ^ c) - rol32(c, 11)) >>> 0;
  b = ((b ^ a) - rol32(a, 25)) >>> 0;
  c = ((c ^ b) - rol32(b, 16)) >>> 0;
  a = ((a ^ c) - rol32(c, 4)) >>> 0;
  b = ((b ^ a) - rol32(a, 14)) >>> 0;
  c = ((c ^ b) - rol32(b, 24)) >>> 0;
  return c;
}

/** lib/hash.h: __hash_u64(): val * GOLDEN_RATIO_64. */
export function hashU64(val: bigint): bigint {
  return (val * 0x61c8864680b583ebn) & M64;
}

// zipf_next() / pareto_next(): the drawn rank, hashed so hot blocks spread (unless
// zipf_disable_hash(), as for file_service_type), then offset
function spread(val: number, randOff: number, nranges: number, hash: boolean): number {
  if (!hash) return (val + randOff) % nranges;
  return Number((hashU64(BigInt(val)) + BigInt(randOff)) % BigInt(nranges));
}

/** A generator of block indexes in [0, nranges). */
export interface BlockDist {
  next(): number;
}

// lib/zipf.c: shared_rand_init()
function randOff(rand: FRand, nranges: number, center: number): number {
  const off = rand.rand32();
  return center !== -1 ? Math.floor(nranges * center) : off;
}

/** lib/zipf.c: zipf_init() / zipf_next(). */
export class Zipf implements BlockDist {
  private readonly rand: FRand;
  private readonly randOff: number;
  private readonly zetan: number;
  private readonly zeta2: number;

  /** @param hash false for zipf_disable_hash() (fio's file service: rank 0 is the first file) */
  constructor(private readonly nranges: number, private readonly theta: number, center: number, seed: number, private readonly hash = true) {
    this.rand = new FRand(BigInt(seed >>> 0));
    this.randOff = randOff(this.rand, nranges, center);
    this.zeta2 = 1.0 ** theta + 0.5 ** theta;
    let zetan = 0;
    const toGen = Math.min(nranges, ZIPF_MAX_GEN);
    for (let i = 0; i < toGen; i++) zetan += (1.0 / (i + 1)) ** theta;
    this.zetan = zetan;
  }

  next(): number {
    const n = this.nranges;
    const alpha = 1.0 / (1.0 - this.theta);
    const eta = (1.0 - (2.0 / n) ** (1.0 - this.theta)) / (1.0 - this.zeta2 / this.zetan);
    const randUni = this.rand.rand32() / FRAND32_MAX;
    const randZ = randUni * this.zetan;
    let val: number;
    if (randZ < 1.0) val = 1;
    else if (randZ < 1.0 + 0.5 ** this.theta) val = 2;
    else val = 1 + Math.floor(n * (eta * randUni - eta + 1.0) ** alpha);
    return spread(val - 1, this.randOff, n, this.hash);
  }
}

/** lib/zipf.c: pareto_init() / pareto_next(). */
export class Pareto implements BlockDist {
  private readonly rand: FRand;
  private readonly randOff: number;
  private readonly paretoPow: number;

  /** @param hash false for zipf_disable_hash() */
  constructor(private readonly nranges: number, h: number, center: number, seed: number, private readonly hash = true) {
    this.rand = new FRand(BigInt(seed >>> 0));
    this.randOff = randOff(this.rand, nranges, center);
    this.paretoPow = Math.log(h) / Math.log(1.0 - h);
  }

  next(): number {
    const r = this.rand.rand32() / FRAND32_MAX;
    const n = Math.floor((this.nranges - 1) * r ** this.paretoPow);
    return spread(n, this.randOff, this.nranges, this.hash);
  }
}

const GAUSS_ITERS = 12;

/** lib/gauss.c: gauss_init() / gauss_next() (as fio 3.33's code computes them). */
export class Gauss implements BlockDist {
  private readonly rand: FRand;
  private readonly stddev: number;
  private readonly randOff: bigint;

  /** @param hash false for gauss_disable_hash() */
  constructor(private readonly nranges: number, dev: number, center: number, seed: number, private readonly hash = true) {
    this.rand = new FRand(BigInt(seed >>> 0));
    let stddev = 0;
    if (dev !== 0.0) stddev = Math.min(Math.ceil(dev * 0.01 * nranges), Math.floor(nranges / 2));
    this.stddev = stddev;
    // an int, read back as unsigned 32 bits
    this.randOff = center === -1 ? 0n : BigInt(Math.trunc(nranges * (center - 0.5)) >>> 0);
  }

  // gauss_dev()
  private dev(): number {
    const r = this.rand.rand32();
    const vr = Math.trunc(this.stddev * (r / (FRAND32_MAX + 1.0))) | 0;
    return vr - Math.floor(this.stddev / 2);
  }

  next(): number {
    const n = BigInt(this.nranges);
    let sum = 0n;
    for (let i = 0; i < GAUSS_ITERS; i++) sum += BigInt(this.rand.rand32()) % (n + 1n);
    sum = (sum + BigInt(GAUSS_ITERS - 1)) / BigInt(GAUSS_ITERS);
    if (this.stddev !== 0) {
      let dev = this.dev();
      while (((sum + BigInt(dev)) & M64) >= n) dev = Math.trunc(dev / 2);
      sum = (sum + BigInt(dev)) & M64;
    }
    return Number((((this.hash ? hashU64(sum) : sum) + this.randOff) & M64) % n);
  }
}
