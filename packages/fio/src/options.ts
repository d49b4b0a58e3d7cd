/**
 * The fio options dio accepts (names, aliases and semantics from fio's
 * HOWTO / options.c), each with its zod value schema and how it sets the job.
 * @module
 */
import { IGNORED_OPTIONS } from './ignored-options';
import type { FallocateMode, IoEngineName, RwMode, SyncMode } from './job';
import { runSchema, zChoice, zFlag, zOptionalString, zParsed } from './schemas';
import { IO_OPTION_DEFS } from './gen/io-option-defs';
import { PACE_OPTION_DEFS } from './pace/pace-option-defs';
import { FILE_OPTION_DEFS } from './files/file-options';
import { ENGINE_OPTION_DEFS } from './run/engine-options';
import { DATA_OPTION_DEFS } from './data/data-options';
import { STEADY_STATE_OPTION_DEFS } from './pace/steadystate';
import { LATENCY_TARGET_OPTION_DEFS } from './pace/lat-target';
import { bool, def, intIn, sizeMin1, time, type OptionDef } from './option-def';
import { parseCpuList, parsePercentileList, parseSizeTriple, type KbBase, type Parsed } from './units';

export type { OptionDef } from './option-def';

const RW: Readonly<Record<string, RwMode>> = {
  read: 'read', write: 'write', randread: 'randread', randwrite: 'randwrite', rw: 'rw', readwrite: 'rw', randrw: 'randrw',
};
const RW_UNSUPPORTED: Readonly<Record<string, string>> = {
  trim: 'rw=trim is not supported by dio', randtrim: 'rw=randtrim is not supported by dio', trimwrite: 'rw=trimwrite is not supported by dio',
};
const ENGINES: Readonly<Record<string, IoEngineName>> = {
  io_uring: 'io_uring', libaio: 'libaio', psync: 'psync', pvsync2: 'pvsync2', sync: 'sync',
};
const SYNC: Readonly<Record<string, SyncMode>> = { none: 'none', '0': 'none', sync: 'sync', '1': 'sync', dsync: 'dsync' };
const FALLOCATE: Readonly<Record<string, FallocateMode>> = {
  none: 'none', native: 'native', posix: 'posix', keep: 'keep', truncate: 'truncate', '0': 'none', '1': 'posix',
};
const KB_BASE: Readonly<Record<string, KbBase>> = { '1000': 1000, '1024': 1024 };

const noColon = (what: string) => (s: string): Parsed<string> =>
  s.includes(':') ? { ok: false, error: `${what} with ':' (several files) is not supported` } : s === '' ? { ok: false, error: 'must not be empty' } : { ok: true, value: s };

/** Every option dio accepts. */
export const OPTION_DEFS: readonly OptionDef[] = [
  def('name', () => zParsed((s) => (s === '' ? { ok: false, error: 'must not be empty' } : { ok: true, value: s })), (f, v) => { f.name = v; }),
  def('description', () => zOptionalString, (f, v) => { f.description = v; }),
  def('filename', () => zParsed(noColon('filename')), (f, v) => { f.filename = v; }),
  def('filesize', sizeMin1, (f, v) => { f.filesize = v; }),
  def('bs', (kb) => zParsed((s) => {
    const r = parseSizeTriple(s, kb);
    return r.ok && r.value.includes(0) ? { ok: false, error: 'block size must not be 0' } : r;
  }), (f, [r, w, t]) => { f.bs = { read: r, write: w, trim: t }; }, { aliases: ['blocksize'] }),
  def('rw', () => zParsed((s) => {
    const colon = s.indexOf(':');
    const mode = runSchema(zChoice(RW, RW_UNSUPPORTED), colon < 0 ? s : s.slice(0, colon));
    return mode.ok ? { ok: true, value: { mode: mode.value, postfix: colon < 0 ? undefined : s.slice(colon + 1) } } : mode;
  }), (f, v) => {
    f.rw = v.mode;
    const { rwPostfix: _, ...io } = f.io;
    f.io = v.postfix === undefined ? io : { ...io, rwPostfix: v.postfix };
  }, { aliases: ['readwrite'] }),
  def('rwmixread', () => intIn(0, 100), (f, v) => { f.rwmixread = v; }),
  def('rwmixwrite', () => intIn(0, 100), (f, v) => { f.rwmixread = 100 - v; }),
  def('ioengine', () => zChoice(ENGINES), (f, v) => { f.ioengine = v; }),
  def('iodepth', () => intIn(1, 65536), (f, v) => { f.iodepth = v; }),
  def('iodepth_batch', () => intIn(0, 65536), (f, v) => { f.iodepthBatchSubmit = v; }, { aliases: ['iodepth_batch_submit'] }),
  def('iodepth_batch_complete_min', () => intIn(0, 65536), (f, v) => { f.iodepthBatchCompleteMin = v; }, { aliases: ['iodepth_batch_complete'] }),
  def('iodepth_batch_complete_max', () => intIn(0, 65536), (f, v) => { f.iodepthBatchCompleteMax = v; }),
  def('direct', bool, (f, v) => { f.direct = v; }),
  def('buffered', bool, (f, v) => { f.direct = !v; }),
  def('fsync', () => intIn(0), (f, v) => { f.fsync = v; }),
  def('fdatasync', () => intIn(0), (f, v) => { f.fdatasync = v; }),
  def('sync', () => zChoice(SYNC), (f, v) => { f.sync = v; }),
  def('norandommap', () => zFlag, (f, v) => { f.norandommap = v; }, { bare: true }),
  def('randrepeat', bool, (f, v) => { f.randrepeat = v; }),
  def('randseed', () => intIn(0), (f, v) => { f.randseed = v; }),
  def('time_based', () => zFlag, (f, v) => { f.timeBased = v; }, { bare: true }),
  def('runtime', time, (f, v) => { f.runtimeNs = v; }, { aliases: ['timeout'] }),
  def('ramp_time', time, (f, v) => { f.rampTimeNs = v; }),
  def('number_ios', () => intIn(0), (f, v) => { f.numberIos = v; }),
  def('loops', () => intIn(1), (f, v) => { f.loops = v; }),
  def('numjobs', () => intIn(1, 4096), (f, v) => { f.numjobs = v; }),
  def('cpus_allowed', () => zParsed(parseCpuList), (f, v) => { f.cpusAllowed = v; }),
  def('thread', () => zFlag, (f, v) => { f.thread = v; }, { bare: true }),
  def('group_reporting', () => zFlag, (f, v) => { f.groupReporting = v; }, { bare: true }),
  def('hipri', () => zFlag, (f, v) => { f.hipri = v; }, { bare: true, engines: ['io_uring', 'pvsync2'] }),
  def('fixedbufs', () => zFlag, (f, v) => { f.fixedbufs = v; }, { bare: true, engines: ['io_uring'] }),
  def('registerfiles', () => zFlag, (f, v) => { f.registerfiles = v; }, { bare: true, engines: ['io_uring'] }),
  def('sqthread_poll', () => zFlag, (f, v) => { f.sqthreadPoll = v; }, { bare: true, engines: ['io_uring'] }),
  def('sqthread_poll_cpu', () => intIn(0, 4095), (f, v) => { f.sqthreadPollCpu = v; }, { engines: ['io_uring'] }),
  def('fallocate', () => zChoice(FALLOCATE), (f, v) => { f.fallocate = v; }),
  def('overwrite', bool, (f, v) => { f.overwrite = v; }),
  def('kb_base', () => zChoice(KB_BASE), (f, v) => { f.kbBase = v; }),
  def('percentile_list', () => zParsed(parsePercentileList), (f, v) => {
    f.percentileList = v.list;
    f.percentilePrecision = v.precision;
  }),
  def('clat_percentiles', bool, (f, v) => { f.clatPercentiles = v; }),
  def('lat_percentiles', bool, (f, v) => { f.latPercentiles = v; }),
  def('slat_percentiles', bool, (f, v) => { f.slatPercentiles = v; }),
  def('write_lat_log', () => zOptionalString, (f, v, d) => {
    d.latLogBare = v === '';
    if (v !== '') f.writeLatLog = v;
  }, { bare: true }),
  def('log_offset', bool, (f, v) => { f.logOffset = v; }),
  def('per_job_logs', bool, (f, v) => { f.perJobLogs = v; }),
  def('write_bw_log', () => zOptionalString, (f, v) => { f.writeBwLog = v; }, { bare: true }),
  def('write_iops_log', () => zOptionalString, (f, v) => { f.writeIopsLog = v; }, { bare: true }),
  def('write_hist_log', () => zOptionalString, (f, v) => { f.writeHistLog = v; }, { bare: true }),
  def('log_avg_msec', () => intIn(0), (f, v) => { f.logAvgMsec = v; }),
  def('log_max_value', bool, (f, v) => { f.logMaxValue = v; }),
  def('log_hist_msec', () => intIn(0), (f, v) => { f.logHistMsec = v; }),
  def('log_hist_coarseness', () => intIn(0, 6), (f, v) => { f.logHistCoarseness = v; }),
  ...IO_OPTION_DEFS,
  ...PACE_OPTION_DEFS,
  ...FILE_OPTION_DEFS,
  ...ENGINE_OPTION_DEFS,
  ...DATA_OPTION_DEFS,
  ...STEADY_STATE_OPTION_DEFS,
  ...LATENCY_TARGET_OPTION_DEFS,
  ...IGNORED_OPTIONS,
];

const BY_NAME: ReadonlyMap<string, OptionDef> = new Map(
  OPTION_DEFS.flatMap((o) => [[o.name, o] as const, ...o.aliases.map((a) => [a, o] as const)]),
);

/** The option named `name` (canonical or alias), if dio accepts it. */
export function findOption(name: string): OptionDef | undefined {
  return BY_NAME.get(name);
}

/** Options fio knows but dio rejects, with the reason shown to the user. */
export const REJECTED_OPTIONS: Readonly<Record<string, string>> = {
  include: "'include' is not supported: put the options in this file",
  'output-format': "'output-format' is a command-line option (--output-format=...)",
};
