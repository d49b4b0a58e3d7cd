/**
 * The resolved fio job: every option dio understands, with fio's defaults
 * applied and values in bytes and nanoseconds, plus the options as written
 * (for the JSON "job options" / "global options" echo).
 * @module
 */
import type { SourceLocation } from './errors';
import type { FioIoOptions } from './gen/io-options';
import type { FioFileOptions } from './files/file-options';
import type { FioPaceOptions } from './pace/pace-options';
import type { FioEngineOptions } from './run/engine-options';
import type { FioDataOptions } from './data/data-options';
import type { FioSteadyState } from './pace/steadystate';
import type { FioLatencyTarget } from './pace/lat-target';
import type { KbBase } from './units';

/** fio's `rw` / `readwrite`. `rw` is fio's mixed sequential read/write (alias `readwrite`). */
export type RwMode = 'read' | 'write' | 'randread' | 'randwrite' | 'rw' | 'randrw';

/** The I/O engines dio emulates. `sync` is fio's read()/write() engine; `psync` uses pread()/pwrite(). */
export type IoEngineName = 'io_uring' | 'libaio' | 'psync' | 'pvsync2' | 'sync';

/** fio's `sync` option: none, O_SYNC or O_DSYNC on open. */
export type SyncMode = 'none' | 'sync' | 'dsync';

/** fio's `fallocate` option. */
export type FallocateMode = 'none' | 'native' | 'posix' | 'keep' | 'truncate';

/** fio's `--output-format` values dio produces (`terse` is terse version 3). */
export type OutputFormat = 'normal' | 'json' | 'json+' | 'terse';

/** One option as written, echoed by fio's JSON "job options": canonical fio name, raw value (fio echoes no option given bare). */
export interface FioOptionEcho {
  /** fio's canonical option name (`iodepth_batch` for `iodepth_batch_submit`). */
  readonly name: string;
  /** The value as written, without surrounding blanks. */
  readonly value: string;
  /** A bare option (`time_based`): fio lists it with no value, and its JSON leaves it out. */
  readonly bare?: true;
}

/** Block sizes per direction, as fio's `bs=r,w,t`. */
export interface BlockSizes {
  readonly read: number;
  readonly write: number;
  readonly trim: number;
}

/** A resolved fio job (one `[section]` or one `--name=`). Times are ns, sizes bytes. */
export interface FioJob {
  /** Job name (section name or `name=`). */
  readonly name: string;
  /** Where the job starts (its `[section]` line or its `--name` argument). */
  readonly source: SourceLocation;
  /** Reporting group (fio's groupid: `stonewall` and `new_group` start a new one). */
  readonly groupId: number;
  /** `description`. */
  readonly description?: string;
  /** `filename`; absent means fio's default `<name>.<jobnum>.<filenum>`. */
  readonly filename?: string;
  /** `size` in bytes: total I/O per job (and the file size unless `filesize`). */
  readonly size?: number;
  /** `filesize` in bytes. */
  readonly filesize?: number;
  /** `offset` in bytes. */
  readonly offset: number;
  /** `bs` / `blocksize` per direction (default 4096). */
  readonly bs: BlockSizes;
  /** `rw` / `readwrite` (default `read`). */
  readonly rw: RwMode;
  /** `rwmixread` (default 50); `rwmixwrite=x` sets it to 100 − x. */
  readonly rwmixread: number;
  /** `ioengine` (default `psync`). */
  readonly ioengine: IoEngineName;
  /** `iodepth` (default 1). */
  readonly iodepth: number;
  /** `iodepth_batch_submit` / `iodepth_batch` (default 1; 0 means iodepth; capped at iodepth). */
  readonly iodepthBatchSubmit: number;
  /** `iodepth_batch_complete_min` / `iodepth_batch_complete` (default 1). */
  readonly iodepthBatchCompleteMin: number;
  /** `iodepth_batch_complete_max` (default `iodepth_batch_complete_min`, as fio; capped at iodepth). */
  readonly iodepthBatchCompleteMax: number;
  /**
   * fio's io_in_polling(): `iodepth_batch_complete_min=0` with no (or a zero)
   * `iodepth_batch_complete_max`: reap after every I/O, polling without sleeping.
   */
  readonly iodepthPolling: boolean;
  /** `direct` (or `buffered=0`): O_DIRECT. */
  readonly direct: boolean;
  /** `fsync`: fsync every N writes (0 = never). */
  readonly fsync: number;
  /** `fdatasync`: fdatasync every N writes (0 = never). */
  readonly fdatasync: number;
  /** `sync`: open with O_SYNC / O_DSYNC. */
  readonly sync: SyncMode;
  /** `norandommap`. */
  readonly norandommap: boolean;
  /** `randrepeat` (default true). */
  readonly randrepeat: boolean;
  /** `randseed`, when given. */
  readonly randseed?: number;
  /** `time_based`. */
  readonly timeBased: boolean;
  /** `runtime` / `timeout` in ns (0 = unlimited). */
  readonly runtimeNs: number;
  /** `ramp_time` in ns. */
  readonly rampTimeNs: number;
  /** `number_ios` (0 = unlimited). */
  readonly numberIos: number;
  /** `loops` (default 1). */
  readonly loops: number;
  /** `numjobs` (default 1): the runner starts this many clones. */
  readonly numjobs: number;
  /** `cpus_allowed` as CPU numbers; absent means all. */
  readonly cpusAllowed?: readonly number[];
  /** `thread`. */
  readonly thread: boolean;
  /** `group_reporting`. */
  readonly groupReporting: boolean;
  /** io_uring / pvsync2 `hipri` (polled I/O). */
  readonly hipri: boolean;
  /** io_uring `fixedbufs`. */
  readonly fixedbufs: boolean;
  /** io_uring `registerfiles`. */
  readonly registerfiles: boolean;
  /** io_uring `sqthread_poll`. */
  readonly sqthreadPoll: boolean;
  /** io_uring `sqthread_poll_cpu`: pin the SQPOLL thread to this CPU (IORING_SETUP_SQ_AFF); absent means it may run anywhere. */
  readonly sqthreadPollCpu?: number;
  /** `fallocate` (default `native`, as fio on Linux). */
  readonly fallocate: FallocateMode;
  /** `overwrite`. */
  readonly overwrite: boolean;
  /** `kb_base` (default 1024). */
  readonly kbBase: KbBase;
  /** `percentile_list` (default fio's 17 percentiles). */
  readonly percentileList: readonly number[];
  /** Decimals fio shows for percentiles in normal output (≥ 2). */
  readonly percentilePrecision: number;
  /** `clat_percentiles` (default true). */
  readonly clatPercentiles: boolean;
  /** `lat_percentiles` (default false). */
  readonly latPercentiles: boolean;
  /** `slat_percentiles` (default false). */
  readonly slatPercentiles: boolean;
  /** `write_lat_log` prefix (the job name when given bare); absent = no latency logs. */
  readonly writeLatLog?: string;
  /** `write_bw_log` prefix (the job name when given bare); absent = no bandwidth log. */
  readonly writeBwLog?: string;
  /** `write_iops_log` prefix (the job name when given bare); absent = no IOPS log. */
  readonly writeIopsLog?: string;
  /** `write_hist_log` prefix (the job name when given bare); absent = no clat histogram log. */
  readonly writeHistLog?: string;
  /** `log_avg_msec` (0 = one log line per I/O). */
  readonly logAvgMsec: number;
  /** `log_max_value`: windowed logs show the window's maximum instead of its mean. */
  readonly logMaxValue: boolean;
  /** `log_hist_msec` (0 = the histogram log stays empty). */
  readonly logHistMsec: number;
  /** `log_hist_coarseness` (0–6): histogram log bins are 2^coarseness fio buckets each. */
  readonly logHistCoarseness: number;
  /** `log_offset`: latency log lines carry the I/O offset. */
  readonly logOffset: boolean;
  /** `per_job_logs` (default true): log file names carry the job number. */
  readonly perJobLogs: boolean;
  /** Block sizes, offsets and randomness (bssplit, bsrange, zones, random_distribution, ...). */
  readonly io: FioIoOptions;
  /** Ordering, rate and think time (stonewall, wait_for, rate, thinktime, ...). */
  readonly pace: FioPaceOptions;
  /** Directory, file naming and file handling (directory, filename_format, nrfiles, unlink, ...). */
  readonly files: FioFileOptions;
  /** Engine options (nonvectored, force_async, hipri_percentage, cmdprio*, numa_*). */
  readonly engineOpts: FioEngineOptions;
  /** Buffer contents and verification (verify, verify_pattern, buffer_pattern, refill_buffers, ...). */
  readonly data: FioDataOptions;
  /** `steadystate` / `ss`, `ss_dur`, `ss_ramp`. */
  readonly steadystate: FioSteadyState;
  /** `latency_target`, `latency_window`, `latency_percentile`. */
  readonly latencyTarget: FioLatencyTarget;
  /** The job's own options as written, in order (fio's JSON "job options"). */
  readonly options: readonly FioOptionEcho[];
  /** All `[global]` options of the file (or command line) as written (fio's JSON "global options"). */
  readonly globalOptions: readonly FioOptionEcho[];
  /** Where each option that applies to this job was last set (canonical name → location; `[global]` ones included). */
  readonly setAt: ReadonlyMap<string, SourceLocation>;
}
