/**
 * @dio/fio — fio's vocabulary for the dio emulator: job files and command
 * lines parsed into resolved jobs (with file:line errors), and fio 3.33's
 * reports produced from measured results: normal text, JSON and json+
 * (byte-compatible layout, `%f` floats), and `write_lat_log` files.
 *
 * @example
 * ```ts
 * import { parseFioArgs, createJobResult, formatJson } from '@dio/fio';
 * const inv = parseFioArgs(['--name=w', '--rw=randwrite', '--bs=4k', '--size=1g', '--ioengine=io_uring', '--iodepth=4']);
 * const res = createJobResult(inv.jobs[0]!, 4242);
 * // ... a runner fills res ...
 * console.log(formatJson({ fioVersion: 'fio-3.33', timestampMs: Date.now(), jobs: [res], diskUtil: [], globalOptions: inv.globalOptions }));
 * ```
 * @module
 */
export { FioJobError, type SourceLocation } from './errors';
export type { FioJob, FioOptionEcho, BlockSizes, RwMode, IoEngineName, SyncMode, FallocateMode, OutputFormat } from './job';
export { parseJobFile, addJobFile, type JobFileOptions } from './parse-job-file';
export { parseFioArgs, checkFioArgs, parseFormats, COMMAND_LINE, type FioInvocation, type FioArgsOptions, type FioArgsCheck } from './parse-args';
export { emulationBlockers, assertEmulated, jobWarnings } from './blockers';
export { IGNORED_OPTIONS } from './ignored-options';
export { FIO_GENERAL_OPTIONS, FIO_ENGINE_OPTIONS } from './fio-known-options';
export { defaultExpandContext, expandValue, type ExpandContext, type JobKeywords } from './expand';
export { parseSize, parseTimeNs, parseCpuList, parsePercentileList, type KbBase, type Parsed } from './units';
export { OPTION_DEFS, type OptionDef } from './options';
export {
  DDIRS,
  type Ddir,
  type LatencySource,
  type DirectionResult,
  type SyncResult,
  type JobResult,
  type DiskUtil,
  type FioRunResult,
} from './result';
export { IoStat, type SampleSummary } from './io-stat';
export { PlatHistogram, platValToIdx, platIdxToVal, FIO_IO_U_PLAT_BITS, FIO_IO_U_PLAT_NR } from './plat-histogram';
export { IoDepthCounters, type IoDepthCounts } from './depth';
export { LatencyBuckets, LAT_NU_LABELS, LAT_M_LABELS, type LatencyBucketCounts } from './lat-buckets';
export { createJobResult, reportSettings, type RecordingJobResult, type RecordingDirection } from './recording';
export { formatJson, runJson, jobJson, type JsonFormatOptions } from './format-json';
export { printFioJson, jInt, jFloat, jStr, jObj, jArr, type FioJsonValue } from './json-writer';
export { formatNormal, type NormalFormatOptions } from './format-normal';
export { formatTerse } from './format-terse';
export { formatOutput } from './format-output';
export { reportedJobs } from './group-report';
export { formatJobHeader } from './job-header';
export { formatLatLog, logLine, latLogFileName, type LatLogSample, type LatLogKind, type LatLogOptions } from './lat-log';
export { num2str, type N2sUnit } from './num2str';
export { cFixed } from './cfmt';
export { ctime } from './ctime';
export { groupStats, type GroupStats, type GroupDirStats } from './group-stats';
export type { KernelProfile, PolicyName } from './run/profile';
export { DEFAULT_MEMORY_MB, memoryMbOf } from './run/profile';
export { PROFILES, PROFILE_FOR_POLICY, shippedProfile, profileForPolicy, CALIBRATED_COSTS, LINUX_6_5, LINUX_6_6_RC1, LINUX_6_6, LINUX_6_19 } from './run/profiles';
export { parseProfile, profileByName, ProfileError, MAX_COST_NS, MAX_TIME_NS, BLK_MQ_MAX_DEPTH } from './run/profile-schema';
export { runJobs, type RunOptions, type RunOutput } from './run/run';
export type { PowerCutResult, PowerCutSpec } from './run/power-cut';
export { buildStack, policyFor, type Stack } from './run/stack';
export { JobSetupError, jobFile, fileLayout } from './run/job-runner';
export { JobLogger, logFiles, type LogKind, type LogFile } from './run/job-logger';
export type { LogOpener, LogSink } from './run/log-sink';
export type { Engine, EngineEnv, QueueResult } from './run/engine';
export type { IoU } from './run/io-u';
export type { JobDraft, JobFields } from './draft';
