/**
 * The data and verify options of a job (fio's verify, verify_pattern,
 * do_verify, verify_backlog, ..., buffer_pattern, refill_buffers,
 * scramble_buffers, buffer_compress_*, dedupe_percentage, zero_buffers),
 * kept together in `FioJob.data`, with their option definitions.
 * @module
 */
import { FioJobError, type SourceLocation } from '../errors';
import type { JobDraft, JobFields } from '../draft';
import { bool, def, intIn, size, type OptionDef } from '../option-def';
import { zChoice, zFlag, zParsed, zRange } from '../schemas';
import { parsePattern } from './pattern';

/**
 * fio's verify types dio checks (verify-state.h: VERIFY_*): `meta` is
 * VERIFY_HDR_ONLY, `pattern` is VERIFY_PATTERN (header, then the
 * verify_pattern; what verify_pattern alone gives) and `pattern_nohdr` is
 * VERIFY_PATTERN_NO_HDR (what `verify=pattern` asks for).
 */
export type VerifyKind = 'none' | 'meta' | 'md5' | 'crc32c' | 'sha256' | 'sha1' | 'pattern' | 'pattern_nohdr' | 'null';

/** The data a job writes and how it checks what it reads back. */
export interface FioDataOptions {
  /** `verify` (default none). */
  readonly verify: VerifyKind;
  /** `verify_pattern` bytes, when given. */
  readonly verifyPattern?: Uint8Array;
  /** `do_verify` (default true): run the read-back phase after the writes. */
  readonly doVerify: boolean;
  /** `verify_backlog`: verify after every N writes (0 = only at the end). */
  readonly verifyBacklog: number;
  /** `verify_backlog_batch` (0 = verify_backlog). */
  readonly verifyBacklogBatch: number;
  /** `verify_fatal`: stop at the first bad block (and the first bad interval of it). */
  readonly verifyFatal: boolean;
  /** `verify_interval` in bytes (0 = one header per I/O). */
  readonly verifyInterval: number;
  /** `verify_offset`: where in each interval the header sits. */
  readonly verifyOffset: number;
  /** `verify_only`: do not write, only read back and verify what an earlier run wrote. */
  readonly verifyOnly: boolean;
  /** `verify_dump`: fio writes the bad block to files; dio names them in its message instead. */
  readonly verifyDump: boolean;
  /** `buffer_pattern` bytes, when given. */
  readonly bufferPattern?: Uint8Array;
  /** `refill_buffers`: new contents for every write. */
  readonly refillBuffers: boolean;
  /** `scramble_buffers` (default true). */
  readonly scrambleBuffers: boolean;
  /** `buffer_compress_percentage` (0 = off). */
  readonly compressPercentage: number;
  /** `buffer_compress_chunk` (default 512). */
  readonly compressChunk: number;
  /** `dedupe_percentage` (0 = off). */
  readonly dedupePercentage: number;
  /** `zero_buffers`. */
  readonly zeroBuffers: boolean;
}

/** fio's defaults. */
export const DEFAULT_DATA_OPTIONS: FioDataOptions = {
  verify: 'none',
  doVerify: true,
  verifyBacklog: 0,
  verifyBacklogBatch: 0,
  verifyFatal: false,
  verifyInterval: 0,
  verifyOffset: 0,
  verifyOnly: false,
  verifyDump: false,
  refillBuffers: false,
  scrambleBuffers: true,
  compressPercentage: 0,
  compressChunk: 512,
  dedupePercentage: 0,
  zeroBuffers: false,
};

const VERIFY: Readonly<Record<string, VerifyKind>> = {
  '0': 'none',
  none: 'none',
  meta: 'meta',
  md5: 'md5',
  crc32c: 'crc32c',
  'crc32c-intel': 'crc32c',
  sha1: 'sha1',
  sha256: 'sha256',
  pattern: 'pattern_nohdr',
  null: 'null',
};
const NOT_IMPLEMENTED = (v: string): string => `verify=${v} is not implemented by dio: use crc32c, md5, sha1, sha256, meta or pattern`;
const VERIFY_UNSUPPORTED: Readonly<Record<string, string>> = Object.fromEntries(
  ['crc64', 'crc32', 'crc16', 'crc7', 'sha512', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512', 'xxhash'].map((v) => [v, NOT_IMPLEMENTED(v)]),
);

function setData(f: JobFields, patch: Partial<FioDataOptions>): void {
  f.data = { ...f.data, ...patch };
}

/** The option definitions. */
export const DATA_OPTION_DEFS: readonly OptionDef[] = [
  def('verify', () => zChoice(VERIFY, VERIFY_UNSUPPORTED), (f, v) => setData(f, { verify: v })),
  def('verify_pattern', () => zParsed(parsePattern), (f, v) => setData(f, { verifyPattern: v })),
  def('do_verify', bool, (f, v) => setData(f, { doVerify: v })),
  def('verify_backlog', () => intIn(0), (f, v) => setData(f, { verifyBacklog: v })),
  def('verify_backlog_batch', () => intIn(0), (f, v) => setData(f, { verifyBacklogBatch: v })),
  def('verify_fatal', bool, (f, v) => setData(f, { verifyFatal: v })),
  def('verify_interval', size, (f, v) => setData(f, { verifyInterval: v })),
  // options.c: minval sizeof(struct verify_header)
  def('verify_offset', (kb) => size(kb).pipe(zRange(40)), (f, v) => setData(f, { verifyOffset: v })),
  def('verify_only', () => zFlag, (f, v) => setData(f, { verifyOnly: v }), { bare: true }),
  def('verify_dump', bool, (f, v) => setData(f, { verifyDump: v })),
  def('buffer_pattern', () => zParsed(parsePattern), (f, v) => setData(f, { bufferPattern: v })),
  def('refill_buffers', () => zFlag, (f, v) => setData(f, { refillBuffers: v }), { bare: true }),
  def('scramble_buffers', bool, (f, v) => setData(f, { scrambleBuffers: v })),
  def('buffer_compress_percentage', () => intIn(0, 100), (f, v) => setData(f, { compressPercentage: v }), { aliases: ['buffer_compress'] }),
  def('buffer_compress_chunk', size, (f, v) => setData(f, { compressChunk: v })),
  def('dedupe_percentage', () => intIn(0, 100), (f, v) => setData(f, { dedupePercentage: v })),
  def('zero_buffers', () => zFlag, (f, v) => setData(f, { zeroBuffers: v }), { bare: true }),
];

/** verify.c: __hdr_size(): the header and checksum bytes at the start of each interval. */
export function verifyHeaderSize(kind: VerifyKind): number {
  switch (kind) {
    case 'none':
    case 'pattern_nohdr':
    case 'null':
      return 0;
    case 'meta':
    case 'pattern':
      return 40;
    case 'crc32c':
      return 44;
    case 'md5':
      return 56;
    case 'sha1':
      return 60;
    case 'sha256':
      return 104;
  }
}

/** Whether the job needs real buffers: verify, or any option about their contents. */
export function needsData(d: FioDataOptions, setAt: ReadonlyMap<string, SourceLocation>): boolean {
  if (d.verify !== 'none' || d.verifyOnly) return true;
  return ['buffer_pattern', 'refill_buffers', 'scramble_buffers', 'buffer_compress_percentage', 'buffer_compress_chunk', 'dedupe_percentage', 'zero_buffers'].some((o) => setAt.has(o));
}

/**
 * init.c: fixup_options() for the data options: verify_pattern alone means
 * verify=pattern (with a header), the interval is at most the smallest write,
 * and the header must fit where verify_offset puts it.
 */
export function finishDataOptions(d: JobDraft, source: SourceLocation, minWriteBs: number, minReadBs: number): void {
  const f = d.fields;
  let data = f.data;
  if (data.verifyPattern !== undefined && !d.setAt.has('verify')) data = { ...data, verify: 'pattern' };
  if ((data.verify === 'pattern' || data.verify === 'pattern_nohdr') && data.verifyPattern === undefined) {
    const at = d.setAt.get('verify') ?? source;
    throw new FioJobError(at.file, at.line, 'verify=pattern needs verify_pattern= (the bytes to check)', 'verify');
  }
  if (data.verify !== 'none') {
    const writes = f.rw !== 'read' && f.rw !== 'randread';
    const reads = f.rw !== 'write' && f.rw !== 'randwrite';
    let interval = data.verifyInterval;
    if (interval > minWriteBs && writes) interval = minWriteBs;
    else if (reads && interval > minReadBs) interval = minReadBs;
    data = { ...data, verifyInterval: interval };
    const inc = interval > 0 ? interval : writes ? minWriteBs : minReadBs;
    const hdr = verifyHeaderSize(data.verify);
    if (data.verifyOffset > 0 && data.verifyOffset + hdr > inc) {
      const at = d.setAt.get('verify_offset') ?? source;
      throw new FioJobError(at.file, at.line, `verify_offset ${data.verifyOffset} + header ${hdr} is larger than the verify interval ${inc}`, 'verify_offset');
    }
  }
  // options.c: verify, buffer_compress_percentage and dedupe_percentage turn refill_buffers on
  if (data.verify !== 'none' || data.compressPercentage > 0 || data.dedupePercentage > 0) data = { ...data, refillBuffers: true };
  f.data = data;
}
