/**
 * Seeded random numbers. One root seed fixes every draw in a simulation, data
 * included. Components take their own named stream with {@link Rng.fork}, so
 * adding a consumer in one layer never shifts the numbers another layer sees.
 * @module
 */
import { xoroshiro128plus, type RandomGenerator } from 'pure-rand';

/** A 32-bit avalanche mix (murmur3 fmix32), so nearby seeds give unrelated streams. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * The generator seed of stream `name` under root `seed`: FNV-1a over the name
 * mixed with both halves of the seed, then avalanched. (xoroshiro128+ seeded
 * directly with a small integer starts with near-constant outputs.)
 */
function streamSeed(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ fmix32(seed | 0);
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= fmix32(Math.floor(seed / 0x1_0000_0000) ^ 0x9e3779b9);
  return fmix32(h);
}

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_53 = 2 ** 53;

/** A deterministic random stream (xoroshiro128+ from pure-rand). */
export class Rng {
  private readonly g: RandomGenerator;

  /**
   * @param seed the root seed (any integer)
   * @param stream the stream's name; the empty string is the root stream
   */
  constructor(
    readonly seed: number,
    readonly stream = '',
  ) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    this.g = xoroshiro128plus(streamSeed(seed, stream));
  }

  /** An independent stream named `name` under this one. Same seed + same name = same numbers. */
  fork(name: string): Rng {
    return new Rng(this.seed, this.stream === '' ? name : `${this.stream}/${name}`);
  }

  /** 32 uniformly random bits as an unsigned integer. */
  u32(): number {
    return this.g.unsafeNext() >>> 0;
  }

  /** Uniform float in [0, 1) with 53 bits of precision. */
  float(): number {
    const hi = this.u32() >>> 5; // 27 bits
    const lo = this.u32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    if (hi < lo) throw new RangeError(`int(${lo}, ${hi}): empty range`);
    const span = hi - lo + 1;
    if (span <= TWO_POW_32) {
      // rejection sampling for an unbiased draw
      const limit = TWO_POW_32 - (TWO_POW_32 % span);
      let x = this.u32();
      while (x >= limit) x = this.u32();
      return lo + (x % span);
    }
    return lo + Math.floor(this.float() * span);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** Normal(mean, stddev) by Box–Muller. */
  normal(mean: number, stddev: number): number {
    const u1 = 1 - this.float();
    const u2 = this.float();
    return mean + stddev * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** An element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty array');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Fill `buf` with random bytes. */
  fillBytes(buf: Uint8Array): Uint8Array {
    for (let i = 0; i < buf.length; i += 4) {
      const x = this.u32();
      buf[i] = x & 0xff;
      if (i + 1 < buf.length) buf[i + 1] = (x >>> 8) & 0xff;
      if (i + 2 < buf.length) buf[i + 2] = (x >>> 16) & 0xff;
      if (i + 3 < buf.length) buf[i + 3] = (x >>> 24) & 0xff;
    }
    return buf;
  }
}
