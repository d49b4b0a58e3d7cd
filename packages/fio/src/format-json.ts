/**
 * stat.c: show_thread_status_json() and friends — fio 3.33's
 * `--output-format=json` / `json+`, with fio's keys, key order, value types
 * and units.
 * @module
 */
import { fioPercentileKey } from '@dio/sim';
import { ctime } from './ctime';
import { calcDist, calcLat, cpuPercent, ddirRuntimeMs, nsToMs, totalRwIos } from './dist';
import { reportedJobs } from './group-report';
import { groupStats, percentOfAgg, perSecond, type GroupStats } from './group-stats';
import type { FioOptionEcho } from './job';
import { jArr, jFloat, jInt, jObj, jStr, printFioJson, type FioJsonValue } from './json-writer';
import { LAT_M_LABELS, LAT_NU_LABELS } from './lat-buckets';
import { floatF, ssMeans, ssName, type SteadyStateResult } from './pace/steadystate';
import { DDIRS, type Ddir, type DiskUtil, type FioRunResult, type JobResult, type LatencySource } from './result';

/** Options of `formatJson`. */
export interface JsonFormatOptions {
  /** json+: add the latency histograms as `bins`. */
  readonly plus?: boolean;
  /** Override every job's percentile_list. */
  readonly percentiles?: readonly number[];
  /** Offset of the local time zone for "time", minutes east of UTC (default 0). */
  readonly utcOffsetMinutes?: number;
}

type Entries = (readonly [string, FioJsonValue])[];

/** stat.c: json_add_job_opts() — bare options have no value and are left out (the object stays, maybe empty). */
const echo = (opts: readonly FioOptionEcho[]): FioJsonValue => jObj(opts.filter((o) => o.bare !== true).map((o) => [o.name, jStr(o.value)] as const));

/** stat.c: add_ddir_lat_json(). */
function latJson(src: LatencySource, withPercentiles: boolean, list: readonly number[], plus: boolean): FioJsonValue {
  const e: Entries = [
    ['min', jInt(src.count === 0 ? 0 : src.min)],
    ['max', jInt(src.count === 0 ? 0 : src.max)],
    ['mean', jFloat(src.count === 0 ? 0 : src.mean)],
    ['stddev', jFloat(src.count === 0 ? 0 : src.stddev)],
    ['N', jInt(src.count)],
  ];
  if (!withPercentiles) return jObj(e);
  if (src.count > 0 && list.length > 0) {
    const sorted = [...list].sort((a, b) => a - b);
    e.push(['percentile', jObj(sorted.map((p) => [fioPercentileKey(p), jInt(Math.round(src.percentile(p)))] as const))]);
  }
  if (plus && src.count > 0) {
    const bins = [...src.bins()].sort((a, b) => a[0] - b[0]).filter(([, c]) => c > 0);
    e.push(['bins', jObj(bins.map(([v, c]) => [Math.round(v).toString(), jInt(c)] as const))]);
  }
  return jObj(e);
}

/** stat.c: add_ddir_status_json() for read / write / trim. */
function ddirJson(r: JobResult, d: Ddir, g: GroupStats | undefined, list: readonly number[], plus: boolean): FioJsonValue {
  const x = r[d];
  const runt = ddirRuntimeMs(x.runtimeNs);
  const bwBytes = perSecond(x.ioBytes, runt);
  const iops = runt === 0 ? 0 : (1000 * x.totalIos) / runt;
  const e: Entries = [
    ['io_bytes', jInt(x.ioBytes)],
    ['io_kbytes', jInt(Math.floor(x.ioBytes / 1024))],
    ['bw_bytes', jInt(bwBytes)],
    ['bw', jInt(Math.floor(bwBytes / 1024))],
    ['iops', jFloat(iops)],
    ['runtime', jInt(runt)],
    ['total_ios', jInt(x.totalIos)],
    ['short_ios', jInt(x.shortIos)],
    ['drop_ios', jInt(x.dropIos)],
    ['slat_ns', latJson(x.slat, r.slatPercentiles, list, plus)],
    ['clat_ns', latJson(x.clat, r.clatPercentiles, list, plus)],
    ['lat_ns', latJson(x.lat, r.latPercentiles, list, plus)],
  ];
  const bw = x.bw;
  const hasBw = bw.samples > 0;
  const agg = g?.dirs[d].agg ?? 0;
  e.push(
    ['bw_min', jInt(hasBw ? bw.min : 0)],
    ['bw_max', jInt(hasBw ? bw.max : 0)],
    ['bw_agg', jFloat(hasBw ? percentOfAgg(agg, bw.mean) : 0)],
    ['bw_mean', jFloat(hasBw ? bw.mean : 0)],
    ['bw_dev', jFloat(hasBw ? bw.stddev : 0)],
    ['bw_samples', jInt(bw.samples)],
  );
  const io = x.iops;
  const hasIops = io.samples > 0;
  e.push(
    ['iops_min', jInt(hasIops ? io.min : 0)],
    ['iops_max', jInt(hasIops ? io.max : 0)],
    ['iops_mean', jFloat(hasIops ? io.mean : 0)],
    ['iops_stddev', jFloat(hasIops ? io.stddev : 0)],
    ['iops_samples', jInt(io.samples)],
  );
  return jObj(e);
}

function pctObject(labels: readonly string[], values: readonly number[]): FioJsonValue {
  return jObj(labels.map((l, i) => [l, jFloat(values[i] ?? 0)] as const));
}

const LEVEL_LABELS = ['1', '2', '4', '8', '16', '32', '>=64'];
const MAP_LABELS = ['0', '4', '8', '16', '32', '64', '>=64'];

/** stat.c: show_thread_status_json() for one job. */
export function jobJson(r: JobResult, g: GroupStats | undefined, opts: JsonFormatOptions = {}): FioJsonValue {
  const plus = opts.plus === true;
  const list = opts.percentiles ?? r.percentileList;
  const e: Entries = [
    ['jobname', jStr(r.name)],
    ['groupid', jInt(r.groupId)],
    ['error', jInt(r.error)],
    ['eta', jInt(r.etaSec)],
    ['elapsed', jInt(r.elapsedSec)],
  ];
  if (r.options.length > 0) e.push(['job options', echo(r.options)]);
  for (const d of DDIRS) e.push([d, ddirJson(r, d, g, list, plus)]);
  e.push(['sync', jObj([
    ['total_ios', jInt(r.sync.totalIos)],
    ['lat_ns', latJson(r.sync.lat, r.latPercentiles || r.clatPercentiles, list, plus)],
  ])]);
  const cpu = cpuPercent(r);
  const total = totalRwIos(r);
  e.push(
    ['job_runtime', jInt(nsToMs(r.jobRuntimeNs))],
    ['usr_cpu', jFloat(cpu.usr)],
    ['sys_cpu', jFloat(cpu.sys)],
    ['ctx', jInt(r.ctx)],
    ['majf', jInt(r.majf)],
    ['minf', jInt(r.minf)],
    ['iodepth_level', pctObject(LEVEL_LABELS, calcDist(r.depth.level, total))],
    ['iodepth_submit', pctObject(MAP_LABELS, calcDist(r.depth.submit, r.depth.totalSubmit))],
    ['iodepth_complete', pctObject(MAP_LABELS, calcDist(r.depth.complete, r.depth.totalComplete))],
    ['latency_ns', pctObject(LAT_NU_LABELS, calcLat(r.latency.ns, total))],
    ['latency_us', pctObject(LAT_NU_LABELS, calcLat(r.latency.us, total))],
    ['latency_ms', pctObject(LAT_M_LABELS, calcLat(r.latency.ms, total))],
  );
  if (r.iodepth > 0) {
    e.push(
      ['latency_depth', jInt(r.iodepth)],
      ['latency_target', jInt(r.latencyTarget)],
      ['latency_percentile', jFloat(r.latencyPercentile)],
      ['latency_window', jInt(r.latencyWindow)],
    );
  }
  if (r.steadystate !== undefined) e.push(['steadystate', ssJson(r.steadystate)]);
  if (r.description !== undefined && r.description !== '') e.push(['desc', jStr(r.description)]);
  return jObj(e);
}

// stat.c: add_ss_json()
function ssJson(s: SteadyStateResult): FioJsonValue {
  const m = ssMeans(s);
  return jObj([
    ['ss', jStr(ssName(s.criterion))],
    ['duration', jInt(s.criterion.durSec)],
    ['attained', jInt(s.attained ? 1 : 0)],
    ['criterion', jStr(`${floatF(s.value)}${s.criterion.pct ? '%' : ''}`)],
    ['max_deviation', jFloat(s.deviation)],
    ['slope', jFloat(s.slope)],
    ['data', jObj([
      ['bw_mean', jInt(m.bw)],
      ['iops_mean', jInt(m.iops)],
      ['iops', jArr(s.iopsData.map(jInt))],
      ['bw', jArr(s.bwData.map(jInt))],
    ])],
  ]);
}

/** One disk_util entry. */
function diskJson(d: DiskUtil): FioJsonValue {
  return jObj([
    ['name', jStr(d.name)],
    ['read_ios', jInt(d.readIos)],
    ['write_ios', jInt(d.writeIos)],
    ['read_merges', jInt(d.readMerges)],
    ['write_merges', jInt(d.writeMerges)],
    ['read_ticks', jInt(d.readTicks)],
    ['write_ticks', jInt(d.writeTicks)],
    ['in_queue', jInt(d.inQueue)],
    ['util', jFloat(Math.min(d.util, 100))],
  ]);
}

/** The whole report as fio's typed JSON tree (see `printFioJson`). */
export function runJson(run: FioRunResult, opts: JsonFormatOptions = {}): FioJsonValue {
  const jobs = reportedJobs(run.jobs);
  const groups = groupStats(jobs);
  const e: Entries = [
    ['fio version', jStr(run.fioVersion)],
    ['timestamp', jInt(Math.floor(run.timestampMs / 1000))],
    ['timestamp_ms', jInt(run.timestampMs)],
    ['time', jStr(ctime(run.timestampMs, opts.utcOffsetMinutes ?? 0))],
  ];
  if (run.globalOptions.length > 0) e.push(['global options', echo(run.globalOptions)]);
  e.push(['jobs', jArr(jobs.map((j) => jobJson(j, groups.get(j.groupId), opts)))]);
  if (run.diskUtil.length > 0) e.push(['disk_util', jArr(run.diskUtil.map(diskJson))]);
  return jObj(e);
}

/**
 * fio 3.33's JSON report (`--output-format=json`, or `json+` with
 * `{ plus: true }`), byte for byte in layout: floats with `%f`, integers as
 * integers, fio's key names and order, `percentile` omitted when N is 0.
 */
export function formatJson(run: FioRunResult, opts: JsonFormatOptions = {}): string {
  return printFioJson(runJson(run, opts));
}
