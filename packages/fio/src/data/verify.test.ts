import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FRand } from '../gen/frand';
import { FIO_RAND, fioRandSeeds } from '../gen/rand-seeds';
import type { VerifyKind } from './data-options';
import { nextSeed } from './fill';
import { parsePattern } from './pattern';
import { EILSEQ, populateVerify, verifyBlock, type VerifySpec } from './verify';

// what real fio 3.33 wrote and printed (test/verify/record.sh)
const FIX = new URL('../../test/verify/fixtures/', import.meta.url);
const bin = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`${name}.bin`, FIX)));
const text = (name: string): string => readFileSync(new URL(name, FIX), 'utf8');

const pat = (s: string): Uint8Array => {
  const r = parsePattern(s);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

function spec(kind: VerifyKind, extra: Partial<VerifySpec> = {}): VerifySpec {
  return { kind, interval: 4096, offset: 0, fatal: false, thread: 1, fileName: 'f', checkNumberio: true, checkSeed: true, ...extra };
}

/** The header fields fio wrote at `at` (seed, time, numberio), to write the same block again. */
function headerOf(b: Uint8Array, at: number): { seed: bigint; startNs: number; numberio: number } {
  const v = new DataView(b.buffer, b.byteOffset);
  return { seed: v.getBigUint64(at + 8, true), startNs: v.getUint32(at + 24, true) * 1e9 + v.getUint32(at + 28, true), numberio: v.getUint16(at + 34, true) };
}

const CASES: readonly { name: string; spec: VerifySpec; hdrAt?: number }[] = [
  { name: 'crc32c', spec: spec('crc32c') },
  { name: 'md5', spec: spec('md5') },
  { name: 'sha1', spec: spec('sha1') },
  { name: 'sha256', spec: spec('sha256') },
  { name: 'meta', spec: spec('meta') },
  { name: 'pattern-hdr', spec: spec('pattern', { pattern: pat('0x0102') }) },
  { name: 'md5-pattern', spec: spec('md5', { pattern: pat('0x0102') }) },
  { name: 'crc32c-i1k', spec: spec('crc32c', { interval: 1024 }) },
  { name: 'crc32c-off64', spec: spec('crc32c', { offset: 64 }), hdrAt: 64 },
];

describe('verify blocks as fio writes them (golden: real fio 3.33)', () => {
  it.each(CASES)('$name: the same header, checksum and data bytes', ({ name, spec: s, hdrAt }) => {
    const fio = bin(name);
    for (const blk of [0, 1]) {
      const want = fio.subarray(blk * 4096, (blk + 1) * 4096);
      const h = headerOf(want, hdrAt ?? 0);
      const buf = new Uint8Array(4096);
      populateVerify(buf, { offset: blk * 4096, len: 4096, ...h }, s);
      expect(Buffer.from(buf).equals(Buffer.from(want))).toBe(true);
      expect(verifyBlock(buf, { offset: blk * 4096, len: 4096, ...h }, s, 0x88).error).toBe(0);
    }
  });

  it('verify=pattern (no header): the pattern only', () => {
    const buf = new Uint8Array(4096);
    populateVerify(buf, { offset: 0, len: 4096, seed: 0n, numberio: 0, startNs: 0 }, spec('pattern_nohdr', { pattern: pat('0xdeadbeef') }));
    expect(Buffer.from(buf).equals(Buffer.from(bin('pattern-nohdr').subarray(0, 4096)))).toBe(true);
  });

  it('rand_seed: __rand() × __rand() of the job’s verify stream, as in fio’s headers', () => {
    const seeds = fioRandSeeds({ randseed: 0x89n, randseedSet: false, randrepeat: true, allrandrepeat: false, threadNumber: 1, entropy: () => 0n });
    const r = new FRand(seeds[FIO_RAND.VER_OFF] ?? 0n);
    expect(nextSeed(r)).toBe(headerOf(bin('crc32c'), 0).seed);
    expect(nextSeed(r)).toBe(headerOf(bin('crc32c'), 4096).seed);
  });
});

describe('verify failures print what fio prints', () => {
  const poke = (b: Uint8Array, at: number, ...bytes: number[]): void => bytes.forEach((x, i) => (b[at + i] = x));
  const check = (name: string, fixture: string, s: VerifySpec, blk: number, damage: (b: Uint8Array) => void, file = fixture, at = blk * 4096): void => {
    const fio = bin(name);
    const buf = fio.slice(blk * 4096, (blk + 1) * 4096);
    const h = headerOf(fio.subarray(blk * 4096), 0);
    damage(buf);
    const out = verifyBlock(buf, { offset: at, len: 4096, ...h }, { ...s, fileName: `/work/tmp-fio/fio17/rec/${file}` }, 0x88);
    const want = text(`${fixture}.stderr`).split('\n').filter((l) => l !== '');
    expect(out.messages).toEqual(want);
    const result = text(`${fixture}.result`);
    expect(out.error).toBe(result.startsWith('error 84') ? EILSEQ : 0);
  };
  it('a flipped data byte: crc32c mismatch with both CRCs', () => check('crc32c', 'bad-crc', spec('crc32c'), 1, (b) => poke(b, 100, 0x55)));
  it('a flipped data byte: md5 mismatch', () => check('md5', 'bad-md5', spec('md5'), 1, (b) => poke(b, 100, 0x55)));
  it('a damaged header: bad magic', () => check('crc32c', 'bad-magic', spec('crc32c'), 1, (b) => poke(b, 0, 0x55, 0x55), 'bad-magic', 8192));
  it('a lost write (zeroes): bad magic header 0', () => check('crc32c', 'lost', spec('crc32c'), 1, (b) => b.fill(0)));
  it('verify_interval: every bad interval reported; the last interval decides (fio’s quirk)', () =>
    check('crc32c-i1k', 'bad-i1k', spec('crc32c', { interval: 1024 }), 1, (b) => {
      poke(b, 100, 0x55);
      poke(b, 2048 + 100, 0x55);
    }));
  it('verify_fatal: the first bad interval ends the check', () =>
    check('crc32c-i1k', 'bad-i1k-fatal', spec('crc32c', { interval: 1024, fatal: true }), 1, (b) => {
      poke(b, 100, 0x55);
      poke(b, 2048 + 100, 0x55);
    }, 'bad-i1k'));
  it('verify=pattern: the bad byte, then the failure read through the pattern as a header', () =>
    check('pattern-nohdr', 'bad-pattern', spec('pattern_nohdr', { pattern: pat('0xdeadbeef') }), 1, (b) => poke(b, 101, 0x55)));
});
