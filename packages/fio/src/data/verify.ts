/**
 * fio's verify (verify.c): the header written at the start of every
 * verify_interval of a write (struct verify_header: magic 0xacca, type, len,
 * rand_seed, offset, time, thread, numberio, crc32c of the header), the
 * checksum of the rest, and the checks of a read-back block, with fio's
 * messages and EILSEQ.
 * @module
 */
import { digest, fioCrc32c } from './checksum';
import { verifyHeaderSize, type VerifyKind } from './data-options';
import { fillPattern } from './pattern';
import { fillRandomBuf } from './fill';

/** verify.h: FIO_HDR_MAGIC. */
export const FIO_HDR_MAGIC = 0xacca;
/** sizeof(struct verify_header). */
export const VERIFY_HEADER_SIZE = 40;
/** offsetof(struct verify_header, crc32). */
const HDR_CRC_OFF = 36;
/** EILSEQ: what a job that failed verification ends with. */
export const EILSEQ = 84;

/** verify-state.h: the VERIFY_* number each kind writes in the header. */
export const VERIFY_TYPE: Readonly<Record<VerifyKind, number>> = {
  none: 0,
  meta: 1,
  md5: 2,
  crc32c: 5,
  sha256: 9,
  sha1: 16,
  pattern: 17,
  pattern_nohdr: 18,
  null: 19,
};

/** How a job verifies. */
export interface VerifySpec {
  readonly kind: VerifyKind;
  readonly pattern?: Uint8Array;
  /** verify_interval (0 = the whole I/O). */
  readonly interval: number;
  /** verify_offset. */
  readonly offset: number;
  /** verify_fatal. */
  readonly fatal: boolean;
  /** td->thread_number. */
  readonly thread: number;
  /** The file name in messages. */
  readonly fileName: string;
  /** Whether numberio is checked (a fixed-size, size-based write job, not verify_only). */
  readonly checkNumberio: boolean;
  /**
   * Whether rand_seed is checked against the seed the block was written
   * with: only for the write job's own read-back. fio 3.33 passes a read job
   * or verify_only run whatever seed the header holds (checked with real
   * fio: another randseed still verifies), and verify_backlog takes the
   * header's seed.
   */
  readonly checkSeed: boolean;
}

/** One block written or to be checked (fio's io_u fields verify uses). */
export interface VerifyBlock {
  readonly offset: number;
  readonly len: number;
  /** io_u->rand_seed. */
  readonly seed: bigint;
  /** io_u->numberio. */
  readonly numberio: number;
  /** io_u->start_time in ns (the header's time). */
  readonly startNs: number;
}

/** What a check found: 0 or EILSEQ, and fio's messages (stderr lines). */
export interface VerifyOutcome {
  readonly error: number;
  readonly messages: readonly string[];
}

// verify.c: get_hdr_inc()
function hdrInc(spec: VerifySpec, len: number): number {
  return spec.interval > 0 && spec.interval <= len ? spec.interval : len;
}

// verify.c: memswp()
function memswp(buf: Uint8Array, a: number, b: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const t = buf[a + i] as number;
    buf[a + i] = buf[b + i] as number;
    buf[b + i] = t;
  }
}

function checksumOf(kind: VerifyKind, data: Uint8Array): Uint8Array {
  if (kind === 'crc32c') {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, fioCrc32c(data), true);
    return out;
  }
  if (kind === 'md5' || kind === 'sha1' || kind === 'sha256') return digest(kind, data);
  return new Uint8Array(0);
}

// verify.c: populate_verify_io_u() → fill_pattern_headers() → populate_hdr()
/** Fills a write buffer as fio's verify does: the data (random from `block.seed`, or verify_pattern), then a header and checksum per interval. */
export function populateVerify(buf: Uint8Array, block: VerifyBlock, spec: VerifySpec): void {
  if (spec.kind === 'null') return;
  const data = buf.subarray(0, block.len);
  if (spec.pattern === undefined) fillRandomBuf(data, block.seed);
  else fillPattern(data, spec.pattern);
  if (spec.kind === 'pattern_nohdr') return;
  const inc = hdrInc(spec, block.len);
  const hsize = verifyHeaderSize(spec.kind);
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let p = 0, n = 0; p < block.len; p += inc, n++) {
    const off = block.offset + n * spec.interval;
    v.setUint16(p, FIO_HDR_MAGIC, true);
    v.setUint16(p + 2, VERIFY_TYPE[spec.kind], true);
    v.setUint32(p + 4, inc, true);
    v.setBigUint64(p + 8, block.seed, true);
    v.setBigUint64(p + 16, BigInt(off), true);
    v.setUint32(p + 24, Math.floor(block.startNs / 1e9), true);
    v.setUint32(p + 28, block.startNs % 1e9, true);
    v.setUint16(p + 32, spec.thread & 0xffff, true);
    v.setUint16(p + 34, block.numberio & 0xffff, true);
    v.setUint32(p + HDR_CRC_OFF, fioCrc32c(buf.subarray(p, p + HDR_CRC_OFF)), true);
    buf.set(checksumOf(spec.kind, buf.subarray(p + hsize, p + inc)), p + VERIFY_HEADER_SIZE);
    if (spec.offset > 0 && hsize <= inc) memswp(buf, p, p + spec.offset, hsize);
  }
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const popcount8 = (x: number): number => {
  let n = 0;
  for (let v = x; v > 0; v >>= 1) n += v & 1;
  return n;
};

/** The checks of one read-back block. */
class Checker {
  readonly messages: string[] = [];
  private readonly v: DataView;

  constructor(
    private readonly buf: Uint8Array,
    private readonly block: VerifyBlock,
    private readonly spec: VerifySpec,
    private readonly flags: number,
  ) {
    this.v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  // verify.c: log_verify_failure()
  private failure(name: string, p: number, hdrNum: number, good?: Uint8Array, bad?: Uint8Array): void {
    const len = this.v.getUint32(p + 4, true);
    const at = this.block.offset + (Math.imul(hdrNum, len) >>> 0);
    this.messages.push(`${name.slice(0, 8)}: verify failed at file ${this.spec.fileName} offset ${at}, length ${len} (requested block: offset=${this.block.offset}, length=${this.block.len}, flags=${this.flags.toString(16)})`);
    if (good !== undefined && bad !== undefined) {
      this.messages.push(`       Expected CRC: ${hex(good)}`);
      this.messages.push(`       Received CRC: ${hex(bad)}`);
    }
  }

  // verify.c: verify_header()
  header(p: number, hdrNum: number, inc: number): number {
    const v = this.v;
    const b = this.block;
    const magic = v.getUint16(p, true);
    const len = v.getUint32(p + 4, true);
    const seed = v.getBigUint64(p + 8, true);
    const off = v.getBigUint64(p + 16, true);
    const numberio = v.getUint16(p + 34, true);
    const crc = v.getUint32(p + HDR_CRC_OFF, true);
    let why: string | undefined;
    const wantSeed = this.spec.checkSeed ? b.seed : seed;
    if (magic !== FIO_HDR_MAGIC) why = `verify: bad magic header ${magic.toString(16)}, wanted ${FIO_HDR_MAGIC.toString(16)}`;
    else if (len !== inc) why = `verify: bad header length ${len}, wanted ${inc}`;
    else if (seed !== wantSeed) why = `verify: bad header rand_seed ${seed}, wanted ${wantSeed}`;
    else if (off !== BigInt(b.offset + hdrNum * this.spec.interval)) why = `verify: bad header offset ${off}, wanted ${b.offset}`;
    else if (this.spec.checkNumberio && numberio !== (b.numberio & 0xffff)) why = `verify: bad header numberio ${numberio}, wanted ${b.numberio & 0xffff}`;
    else {
      const c = fioCrc32c(this.buf.subarray(p, p + HDR_CRC_OFF));
      if (c !== crc) why = `verify: bad header crc ${crc.toString(16)}, calculated ${c.toString(16)}`;
    }
    if (why === undefined) return 0;
    this.messages.push(`${why} at file ${this.spec.fileName} offset ${b.offset + hdrNum * inc}, length ${inc} (requested block: offset=${b.offset}, length=${b.len})`);
    return EILSEQ;
  }

  // verify.c: verify_io_u_md5() / _sha1() / _sha256() / _crc32c()
  checksum(p: number, hdrNum: number, inc: number, hsize: number): number {
    const kind = this.spec.kind;
    const stored = this.buf.slice(p + VERIFY_HEADER_SIZE, p + hsize);
    const got = checksumOf(kind, this.buf.subarray(p + hsize, p + inc));
    if (hex(stored) === hex(got)) return 0;
    this.failure(kind, p, hdrNum, stored, got);
    return EILSEQ;
  }

  // verify.c: verify_io_u_pattern()
  pattern(p: number, hdrNum: number, inc: number, hsize: number): number {
    const pat = this.spec.pattern;
    if (pat === undefined) return 0;
    let mod = (inc * hdrNum + hsize) % pat.length;
    const len = inc - hsize;
    for (let i = 0; i < len; i++) {
      const got = this.buf[p + hsize + i] as number;
      const want = pat[mod] as number;
      if (got !== want) {
        this.messages.push(`fio: got pattern '${got.toString(16).padStart(2, '0')}', wanted '${want.toString(16).padStart(2, '0')}'. Bad bits ${popcount8(got ^ want)}`);
        this.messages.push(`fio: bad pattern block offset ${i}`);
        this.failure('pattern', p, hdrNum);
        return EILSEQ;
      }
      if (++mod === pat.length) mod = 0;
    }
    return 0;
  }
}

// verify.c: verify_io_u()
/**
 * Checks a block read back into `buf`, as fio's verify_io_u(): every
 * interval's header, then its checksum or pattern. Without verify_fatal the
 * result is the last interval's (fio's loop overwrites it), a bad header ends
 * the check at once. `flags` is the io_u's flags fio prints (0x88 for the
 * verify phase's reads).
 */
export function verifyBlock(buf: Uint8Array, block: VerifyBlock, spec: VerifySpec, flags: number): VerifyOutcome {
  if (spec.kind === 'null' || spec.kind === 'none') return { error: 0, messages: [] };
  const c = new Checker(buf, block, spec, flags);
  const inc = hdrInc(spec, block.len);
  const hsize = verifyHeaderSize(spec.kind);
  let ret = 0;
  for (let p = 0, n = 0; p < block.len; p += inc, n++) {
    if (ret !== 0 && spec.fatal) break;
    if (spec.offset > 0) memswp(buf, p, p + spec.offset, hsize);
    if (spec.kind !== 'pattern_nohdr') {
      ret = c.header(p, n, inc);
      if (ret !== 0) return { error: ret, messages: c.messages };
    }
    switch (spec.kind) {
      case 'meta':
        ret = spec.pattern !== undefined ? c.pattern(p, n, inc, hsize) : 0;
        break;
      case 'pattern':
      case 'pattern_nohdr':
        ret = c.pattern(p, n, inc, hsize);
        break;
      default:
        ret = c.checksum(p, n, inc, hsize);
    }
    const media = new DataView(buf.buffer, buf.byteOffset + p, 4).getUint16(2, true);
    if (ret !== 0 && media !== VERIFY_TYPE[spec.kind]) c.messages.push(`fio: verify type mismatch (${media} media, ${VERIFY_TYPE[spec.kind]} given)`);
  }
  return { error: ret, messages: c.messages };
}
