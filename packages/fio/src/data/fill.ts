/**
 * What fio writes into its buffers (lib/rand.c: __fill_random_buf(),
 * fill_random_buf_percentage(); io_u.c: fill_io_buffer(),
 * small_content_scramble()): hash-chained random words, patterns, zeroes,
 * compressible runs and dedupable repeats. 64-bit words are kept as two
 * 32-bit halves so a block costs no BigInt per word.
 * @module
 */
import { FRand } from '../gen/frand';
import type { FioDataOptions } from './data-options';
import { fillPattern } from './pattern';

/** lib/hash.h: GOLDEN_RATIO_64, the multiplier of __hash_u64(). */
const GOLDEN_LO = 0x80b583eb;
const GOLDEN_HI = 0x61c88646;

/** The low and high 32 bits of a × b (both unsigned 32-bit). */
function mul32(a: number, b: number): [number, number] {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const mid = a0 * b1 + a1 * b0 + (p00 >>> 16);
  const lo = ((mid & 0xffff) * 65536 + (p00 & 0xffff)) >>> 0;
  const hi = (a1 * b1 + Math.floor(mid / 65536)) >>> 0;
  return [lo, hi];
}

/** (hi:lo) × (mh:ml) mod 2^64, as [lo, hi]. */
function mul64(lo: number, hi: number, ml: number, mh: number): [number, number] {
  const [l, h] = mul32(lo, ml);
  return [l, (h + Math.imul(lo, mh) + Math.imul(hi, ml)) >>> 0];
}

/** lib/rand.c: __fill_random_buf(): four interleaved hash chains seeded with seed × 1, 2, 3, 5, then the tail from `seed`. */
export function fillRandomBuf(buf: Uint8Array, seed: bigint): void {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const sLo = Number(seed & 0xffff_ffffn);
  const sHi = Number((seed >> 32n) & 0xffff_ffffn);
  const lo: number[] = [];
  const hi: number[] = [];
  for (const p of [1, 2, 3, 5]) {
    const [l, h] = mul64(sLo, sHi, p, 0);
    lo.push(l);
    hi.push(h);
  }
  const whole = Math.floor(buf.length / 32) * 32;
  for (let at = 0; at < whole; at += 32) {
    for (let p = 0; p < 4; p++) {
      const l = lo[p] as number;
      const h = hi[p] as number;
      v.setUint32(at + p * 8, l, true);
      v.setUint32(at + p * 8 + 4, h, true);
      const [nl, nh] = mul64(l, h, GOLDEN_LO, GOLDEN_HI);
      lo[p] = nl;
      hi[p] = nh;
    }
  }
  // __fill_random_buf_small() for the rest
  let l = sLo;
  let h = sHi;
  let at = whole;
  const word = new Uint8Array(8);
  const wv = new DataView(word.buffer);
  while (at < buf.length) {
    wv.setUint32(0, l, true);
    wv.setUint32(4, h, true);
    const n = Math.min(8, buf.length - at);
    buf.set(word.subarray(0, n), at);
    at += n;
    [l, h] = mul64(l, h, GOLDEN_LO, GOLDEN_HI);
  }
}

/** lib/rand.c: __get_next_seed(): __rand() × __rand() on a 64-bit build. */
export function nextSeed(r: FRand): bigint {
  const a = r.randBig();
  const b = r.randBig();
  return BigInt.asUintN(64, a * b);
}

/** How a job fills its write buffers (fio's buf_state, buf_state_prev and dedupe_state). */
export class BufferFiller {
  private prev: FRand;
  private readonly dedupe: FRand;

  /**
   * @param o the job's data options
   * @param bufState the job's buffer stream (FIO_RAND_BUF_OFF)
   * @param dedupeSeed the dedupe stream's seed (FIO_RAND_DEDUPE_OFF)
   */
  constructor(
    private readonly o: FioDataOptions,
    private bufState: FRand,
    dedupeSeed: bigint,
  ) {
    this.prev = bufState.clone();
    this.dedupe = new FRand(dedupeSeed, bufState.use64);
  }

  // io_u.c: get_buf_state(): dedupe_percentage % of the buffers repeat the previous one
  private state(): FRand {
    if (this.o.dedupePercentage === 0) return this.bufState;
    const v = this.dedupe.between(1, 100);
    return v <= this.o.dedupePercentage ? this.prev.clone() : this.bufState;
  }

  // io_u.c: fill_io_buffer()
  /** Fills `buf` (a write of `buf.length` bytes) as fio does. */
  fill(buf: Uint8Array, minWrite: number): void {
    const o = this.o;
    if (o.compressPercentage > 0 || o.dedupePercentage > 0) {
      let left = buf.length;
      let at = 0;
      while (left > 0) {
        const rs = this.state();
        const mw = Math.min(minWrite, left);
        const len = o.compressChunk > 0 ? Math.min(mw, o.compressChunk) : mw;
        const before = rs.clone();
        fillRandomPercentage(rs, buf.subarray(at, at + len), o.compressPercentage, len, o.bufferPattern);
        at += len;
        left -= len;
        // save_buf_state(): remember where this buffer's stream started, for the next dedupable one
        if (rs === this.bufState) this.prev = before;
      }
    } else if (o.bufferPattern !== undefined) fillPattern(buf, o.bufferPattern);
    else if (o.zeroBuffers) buf.fill(0);
    else fillRandomBuf(buf, nextSeed(this.bufState));
  }
}

// lib/rand.c: fill_random_buf_percentage()
function fillRandomPercentage(rs: FRand, buf: Uint8Array, perc: number, segment: number, pattern: Uint8Array | undefined): void {
  const fixed = (b: Uint8Array): void => {
    if (pattern === undefined) b.fill(0);
    else fillPattern(b, pattern);
  };
  if (perc === 100) {
    fixed(buf);
    return;
  }
  const seed = nextSeed(rs);
  let at = 0;
  let len = buf.length;
  while (len > 0) {
    let n = Math.min(Math.floor((segment * (100 - perc)) / 100), len);
    fillRandomBuf(buf.subarray(at, at + n), seed);
    len -= n;
    at += n;
    if (len === 0) break;
    n = segment - n;
    if (n > len || len - n <= 8) n = len;
    fixed(buf.subarray(at, at + n));
    len -= n;
    at += n;
  }
}

// io_u.c: small_content_scramble()
/** Writes the block offset and the I/O's start time into every 512 bytes, so no two blocks are alike. */
export function scramble(buf: Uint8Array, len: number, offset: number, startNs: number): void {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const sec = Math.floor(startNs / 1e9);
  const nsec = startNs % 1e9;
  for (let i = 0; i + 512 <= len; i += 512) {
    const boff = offset + i;
    let at = (nsec ^ (boff & 511)) & 511 & ~7;
    if (at >= 512 - 8) at -= 8;
    v.setUint32(i + at, boff >>> 0, true);
    v.setUint32(i + at + 4, Math.floor(boff / 2 ** 32), true);
    v.setUint32(i + 512 - 16, sec >>> 0, true);
    v.setUint32(i + 512 - 12, 0, true);
    v.setUint32(i + 512 - 8, nsec >>> 0, true);
    v.setUint32(i + 512 - 4, 0, true);
  }
}
