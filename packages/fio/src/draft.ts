/**
 * A job under construction: fio's defaults, mutated option by option, then
 * checked as a whole and frozen into a `FioJob`.
 * @module
 */
import { FIO_PERCENTILES } from '@dio/sim';
import { FioJobError, type SourceLocation } from './errors';
import { DEFAULT_IO_OPTIONS } from './gen/io-options';
import { finishIoOptions } from './gen/io-option-defs';
import { DEFAULT_FILE_OPTIONS } from './files/file-options';
import { DEFAULT_PACE_OPTIONS } from './pace/pace-options';
import { DEFAULT_ENGINE_OPTIONS } from './run/engine-options';
import { DEFAULT_DATA_OPTIONS, finishDataOptions } from './data/data-options';
import { blockSizes } from './gen/io-gen';
import { DEFAULT_STEADY_STATE } from './pace/steadystate';
import { DEFAULT_LATENCY_TARGET } from './pace/lat-target';
import type { FioJob, FioOptionEcho, IoEngineName } from './job';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The job fields options write to. */
export type JobFields = Mutable<Omit<FioJob, 'options' | 'globalOptions' | 'source' | 'groupId' | 'setAt'>>;

/** A job under construction, with what the whole-job checks need to point at lines. */
export interface JobDraft {
  /** The fields, fio defaults first. */
  readonly fields: JobFields;
  /** Engine-specific options seen, with where and which engines accept them. */
  readonly engineOptions: { readonly option: string; readonly at: SourceLocation; readonly engines: readonly IoEngineName[] }[];
  /** Where each option was last set (canonical name → location). */
  readonly setAt: Map<string, SourceLocation>;
  /** Whether `write_lat_log` was given without a prefix. */
  latLogBare: boolean;
}

/** fio's defaults for a job named `name`. */
export function newDraft(name: string): JobDraft {
  return {
    fields: {
      name,
      offset: 0,
      bs: { read: 4096, write: 4096, trim: 4096 },
      rw: 'read',
      rwmixread: 50,
      ioengine: 'psync',
      iodepth: 1,
      iodepthBatchSubmit: 1,
      iodepthBatchCompleteMin: 1,
      iodepthBatchCompleteMax: 0,
      iodepthPolling: false,
      direct: false,
      fsync: 0,
      fdatasync: 0,
      sync: 'none',
      norandommap: false,
      randrepeat: true,
      timeBased: false,
      runtimeNs: 0,
      rampTimeNs: 0,
      numberIos: 0,
      loops: 1,
      numjobs: 1,
      thread: false,
      groupReporting: false,
      hipri: false,
      fixedbufs: false,
      registerfiles: false,
      sqthreadPoll: false,
      fallocate: 'native',
      overwrite: false,
      kbBase: 1024,
      percentileList: FIO_PERCENTILES,
      percentilePrecision: 2,
      clatPercentiles: true,
      latPercentiles: false,
      slatPercentiles: false,
      logOffset: false,
      perJobLogs: true,
      logAvgMsec: 0,
      logMaxValue: false,
      logHistMsec: 0,
      logHistCoarseness: 0,
      io: DEFAULT_IO_OPTIONS,
      pace: DEFAULT_PACE_OPTIONS,
      files: DEFAULT_FILE_OPTIONS,
      engineOpts: DEFAULT_ENGINE_OPTIONS,
      data: DEFAULT_DATA_OPTIONS,
      steadystate: DEFAULT_STEADY_STATE,
      latencyTarget: DEFAULT_LATENCY_TARGET,
    },
    engineOptions: [],
    setAt: new Map(),
    latLogBare: false,
  };
}

/**
 * init.c: fixup_options() and the checks fio makes before starting a job,
 * then the frozen `FioJob`.
 */
export function finishDraft(
  d: JobDraft,
  source: SourceLocation,
  options: readonly FioOptionEcho[],
  globalOptions: readonly FioOptionEcho[],
): FioJob {
  const f = d.fields;
  for (const e of d.engineOptions) {
    if (!e.engines.includes(f.ioengine)) {
      throw new FioJobError(e.at.file, e.at.line, `option '${e.option}' is not valid for ioengine=${f.ioengine} (only ${e.engines.join(', ')})`, e.option);
    }
  }
  finishIoOptions(d, source);
  const bs = blockSizes(f);
  finishDataOptions(d, source, bs.min[1], bs.min[0]);
  if (f.size === undefined && f.filesize === undefined) {
    throw new FioJobError(source.file, source.line, `job '${f.name}' has no size (set size= or filesize=)`);
  }
  if (f.iodepthBatchSubmit === 0 || f.iodepthBatchSubmit > f.iodepth) f.iodepthBatchSubmit = f.iodepth;
  f.iodepthPolling = f.iodepthBatchCompleteMin === 0 && f.iodepthBatchCompleteMax === 0;
  // fio: iodepth_batch_complete_max defaults to iodepth_batch_complete_min (HOWTO), so fio reaps one
  // completion per getevents by default (`fio --debug=io` prints "getevents: 1"); polling reaps what is there; capped at iodepth
  if (f.iodepthBatchCompleteMax === 0) f.iodepthBatchCompleteMax = f.iodepthPolling ? f.iodepth : Math.min(Math.max(1, f.iodepthBatchCompleteMin), f.iodepth);
  else if (f.iodepthBatchCompleteMax > f.iodepth) f.iodepthBatchCompleteMax = f.iodepth;
  if (f.iodepthBatchCompleteMin > f.iodepthBatchCompleteMax) {
    const at = d.setAt.get('iodepth_batch_complete_min') ?? d.setAt.get('iodepth_batch_complete_max') ?? source;
    throw new FioJobError(at.file, at.line, `iodepth_batch_complete_min (${f.iodepthBatchCompleteMin}) is larger than iodepth_batch_complete_max (${f.iodepthBatchCompleteMax})`, 'iodepth_batch_complete_min');
  }
  if (d.latLogBare) f.writeLatLog = f.name;
  // a bare write_bw_log / write_iops_log / write_hist_log is stored as '': fio names the log after the job
  if (f.writeBwLog === '') f.writeBwLog = f.name;
  if (f.writeIopsLog === '') f.writeIopsLog = f.name;
  if (f.writeHistLog === '') f.writeHistLog = f.name;
  return { ...f, source, groupId: 0, options, globalOptions, setAt: new Map(d.setAt) };
}
