/**
 * The fio options that shape which blocks a job touches: `size`/`offset`
 * (also as percentages), `offset_increment`, `io_size`, `bsrange`,
 * `bssplit`, `blockalign`, `bs_unaligned`, `rw_sequencer`, the strided
 * zones and the random distributions and generators.
 * @module
 */
import type { JobDraft, JobFields } from '../draft';
import { FioJobError, type SourceLocation } from '../errors';
import { bool, def, type OptionDef } from '../option-def';
import { zChoice, zFlag, zParsed } from '../schemas';
import { parseSize, type KbBase, type Parsed } from '../units';
import type { FioIoOptions, RandomDistribution } from './io-options';
import { parseBsRange, parseBsSplit, parsePercentTriple, parseSizeOrPercent, parseSizePerDdir, parseZoneSplit } from './split';

type Patch = { -readonly [K in keyof FioIoOptions]?: FioIoOptions[K] };

function setIo(f: JobFields, patch: Patch, drop: readonly (keyof FioIoOptions)[] = []): void {
  const next: Record<string, unknown> = { ...f.io };
  for (const k of drop) delete next[k];
  f.io = { ...(next as unknown as FioIoOptions), ...(patch as Partial<FioIoOptions>) };
}

const sizeOrPercent = (kb: KbBase) => zParsed((s) => parseSizeOrPercent(s, kb));

function parseFloatStrict(s: string): number | undefined {
  return /^\s*[0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?\s*$/i.test(s) ? Number(s) : undefined;
}

// options.c: str_random_distribution_cb()
function parseDistribution(raw: string, kb: KbBase): Parsed<RandomDistribution> {
  const colon = raw.indexOf(':');
  const kind = (colon < 0 ? raw : raw.slice(0, colon)).trim();
  const rest = colon < 0 ? undefined : raw.slice(colon + 1);
  if (kind === 'random') return { ok: true, value: { kind: 'random' } };
  if (kind === 'zoned' || kind === 'zoned_abs') {
    if (rest === undefined) return { ok: false, error: `${kind} needs zones (e.g. ${kind}:60/10:40/90)` };
    const z = parseZoneSplit(rest, kb, kind === 'zoned_abs');
    return z.ok ? { ok: true, value: { kind, zones: z.value } } : z;
  }
  if (kind !== 'zipf' && kind !== 'pareto' && kind !== 'normal') return { ok: false, error: `'${kind}' is not one of random, zipf, pareto, normal, zoned, zoned_abs` };
  let value = kind === 'zipf' ? 1.1 : kind === 'pareto' ? 0.2 : 0.0;
  let center = -1;
  if (rest !== undefined) {
    const [v, c, extra] = rest.split(':');
    const pv = parseFloatStrict(v ?? '');
    if (pv === undefined || extra !== undefined) return { ok: false, error: `'${raw}' is not ${kind}:<value>[:<center>]` };
    value = pv;
    if (c !== undefined) {
      const pc = parseFloatStrict(c);
      if (pc === undefined || pc < 0 || pc > 1) return { ok: false, error: 'distribution center must be in [0, 1]' };
      center = pc;
    }
  }
  if (kind === 'zipf' && value === 1.0) return { ok: false, error: 'zipf theta must be different from 1.0' };
  if (kind === 'pareto' && (value <= 0 || value >= 1)) return { ok: false, error: 'pareto input must be in (0, 1)' };
  if (kind === 'normal' && (value < 0 || value >= 100)) return { ok: false, error: 'normal deviation must be in [0, 100)' };
  return { ok: true, value: { kind, value, center } };
}

/** The options of this group. */
export const IO_OPTION_DEFS: readonly OptionDef[] = [
  def('size', sizeOrPercent, (f, v) => {
    if ('percent' in v) {
      delete f.size;
      setIo(f, { sizePercent: v.percent });
    } else {
      f.size = v.bytes;
      setIo(f, {}, ['sizePercent']);
    }
  }),
  def('offset', sizeOrPercent, (f, v) => {
    f.offset = 'bytes' in v ? v.bytes : 0;
    if ('percent' in v) setIo(f, { offsetPercent: v.percent });
    else setIo(f, {}, ['offsetPercent']);
  }, { aliases: ['fileoffset'] }),
  def('offset_increment', sizeOrPercent, (f, v) => {
    if ('percent' in v) setIo(f, { offsetIncrement: 0, offsetIncrementPercent: v.percent });
    else setIo(f, { offsetIncrement: v.bytes }, ['offsetIncrementPercent']);
  }),
  def('offset_align', (kb) => zParsed((s) => parseSize(s, kb)), (f, v) => setIo(f, { offsetAlign: v })),
  def('io_size', (kb) => zParsed((s) => parseSize(s, kb)), (f, v) => setIo(f, { ioSize: v }), { aliases: ['io_limit'] }),
  def('bsrange', (kb) => zParsed((s) => parseBsRange(s, kb)), (f, v) => setIo(f, { bsrange: v }), { aliases: ['blocksize_range'] }),
  def('bssplit', (kb) => zParsed((s) => parseBsSplit(s, kb)), (f, v) => setIo(f, { bssplit: v })),
  def('blockalign', (kb) => zParsed((s) => parseSizePerDdir(s, kb)), (f, v) => setIo(f, { blockalign: v }), { aliases: ['ba'] }),
  def('bs_unaligned', () => zFlag, (f, v) => setIo(f, { bsUnaligned: v }), { aliases: ['blocksize_unaligned'], bare: true }),
  def('rw_sequencer', () => zChoice({ sequential: 'sequential', identical: 'identical' } as const), (f, v) => setIo(f, { rwSequencer: v })),
  def('zonemode', () => zChoice({ none: 'none', strided: 'strided' } as const, { zbd: 'zonemode=zbd is not supported: dio does not emulate zoned block devices' }), (f, v) => setIo(f, { zonemode: v })),
  def('zonesize', (kb) => zParsed((s) => parseSize(s, kb)), (f, v) => setIo(f, { zonesize: v })),
  def('zonerange', (kb) => zParsed((s) => parseSize(s, kb)), (f, v) => setIo(f, { zonerange: v })),
  def('zoneskip', (kb) => zParsed((s) => parseSize(s, kb)), (f, v) => setIo(f, { zoneskip: v })),
  def('random_distribution', (kb) => zParsed((s) => parseDistribution(s, kb)), (f, v) => setIo(f, { randomDistribution: v })),
  def('random_generator', () => zChoice({ tausworthe: 'tausworthe', tausworthe64: 'tausworthe64', lfsr: 'lfsr' } as const), (f, v) => setIo(f, { randomGenerator: v })),
  def('percentage_random', () => zParsed(parsePercentTriple), (f, v) => setIo(f, { percentageRandom: v })),
  def('allrandrepeat', bool, (f, v) => setIo(f, { allrandrepeat: v })),
];

/** The largest `rw=rand*:<nr>` (fio: UINT_MAX). */
const RW_POSTFIX_MAX = 0xffff_ffff;

/** init.c: fixup_options() for this group: checks that need the whole job. */
export function finishIoOptions(d: JobDraft, source: SourceLocation): void {
  const f = d.fields;
  const io = f.io;
  const at = (name: string): SourceLocation => d.setAt.get(name) ?? source;
  const fail = (name: string, msg: string): never => {
    const l = at(name);
    throw new FioJobError(l.file, l.line, msg, name);
  };
  if (io.rwPostfix !== undefined) {
    const r = parseSize(io.rwPostfix, f.kbBase);
    const random = f.rw === 'randread' || f.rw === 'randwrite' || f.rw === 'randrw';
    if (!r.ok) fail('rw', `invalid value for option 'rw': ':${io.rwPostfix}': ${r.error}`);
    const v = r.ok ? r.value : 0;
    if (random && (v <= 0 || v > RW_POSTFIX_MAX)) fail('rw', `rw=${f.rw}:${io.rwPostfix}: the number of I/Os per random offset must be 1 to ${RW_POSTFIX_MAX}`);
    f.io = { ...io, rwPostfix: String(v) };
  }
  if (io.zonesize > 0 && io.zonemode === 'none') fail('zonesize', 'zonesize needs zonemode=strided (fio: --zonemode=none and --zonesize are not compatible)');
  if (io.zonemode === 'strided' && io.zonesize === 0) fail('zonemode', 'zonemode=strided needs zonesize=');
  if (io.sizePercent !== undefined && f.filesize === undefined) fail('size', `size=${io.sizePercent}% needs filesize= (the size of the file it is a percentage of)`);
}
