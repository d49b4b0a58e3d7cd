/**
 * A `FioRunResult` holding exactly the numbers of the real fio 3.33 run in
 * fixtures/fio-3.33-randwrite-io_uring-qd4.json, built through the public API
 * (the job options come from parsing the same command line).
 */
import { fioPercentileKey } from '@dio/sim';
import { parseFioArgs, reportSettings, type FioRunResult, type JobResult, type LatencySource, type SampleSummary } from '../src/index';

/** A latency source with fixed summary numbers (and percentiles, when given). */
export function fixedLat(s: { min: number; max: number; mean: number; stddev: number; N: number; percentile?: Record<string, number> }): LatencySource {
  return {
    count: s.N,
    min: s.min,
    max: s.max,
    mean: s.mean,
    stddev: s.stddev,
    percentile: (p: number) => s.percentile?.[fioPercentileKey(p)] ?? 0,
    bins: () => [],
  };
}

const none: SampleSummary = { samples: 0, min: 0, max: 0, mean: 0, stddev: 0 };
const zeroLat = fixedLat({ min: 0, max: 0, mean: 0, stddev: 0, N: 0 });
const idle = {
  ioBytes: 0, totalIos: 0, shortIos: 0, dropIos: 0, runtimeNs: 0,
  slat: zeroLat, clat: zeroLat, lat: zeroLat, bw: none, iops: none,
};

/** The command line the fixture's "job options" echo. */
export const FIXTURE_ARGV: readonly string[] = [
  '--name=w', '--filename=data.bin', '--size=1g', '--fallocate=none', '--overwrite=1', '--norandommap=1',
  '--randrepeat=0', '--rw=randwrite', '--bs=4k', '--direct=1', '--time_based=1', '--runtime=8',
  '--cpus_allowed=1', '--ioengine=io_uring', '--iodepth=4', '--hipri=0', '--registerfiles=0', '--fixedbufs=0',
  '--output-format=json',
];

/** The fixture's clat percentiles. */
export const FIXTURE_CLAT_PERCENTILES: Record<string, number> = {
  '1.000000': 41216, '5.000000': 43264, '10.000000': 44800, '20.000000': 47872, '30.000000': 74240,
  '40.000000': 75264, '50.000000': 76288, '60.000000': 77312, '70.000000': 78336, '80.000000': 80384,
  '90.000000': 95744, '95.000000': 115200, '99.000000': 173056, '99.500000': 222208, '99.900000': 700416,
  '99.950000': 1036288, '99.990000': 2637824,
};

/** The fixture run as a `FioRunResult`. */
export function fixtureRun(): FioRunResult {
  const inv = parseFioArgs(FIXTURE_ARGV);
  const job = inv.jobs[0];
  if (job === undefined) throw new Error('no job');
  const result: JobResult = {
    name: job.name,
    groupId: 0,
    pid: 4242,
    error: 0,
    members: 1,
    etaSec: 0,
    elapsedSec: 9,
    options: job.options,
    read: idle,
    write: {
      ioBytes: 1462784000,
      totalIos: 357125,
      shortIos: 0,
      dropIos: 0,
      runtimeNs: 8001e6,
      slat: fixedLat({ min: 3386, max: 1481836, mean: 12759.100094, stddev: 17223.892219, N: 357125 }),
      clat: fixedLat({ min: 181, max: 9480239, mean: 76585.347803, stddev: 62148.132097, N: 357125, percentile: FIXTURE_CLAT_PERCENTILES }),
      lat: fixedLat({ min: 31500, max: 9484036, mean: 89344.447896, stddev: 60802.214973, N: 357125 }),
      bw: { samples: 15, min: 163680, max: 185488, mean: 178106.2, stddev: 6941.399377 },
      iops: { samples: 15, min: 40920, max: 46372, mean: 44526.933333, stddev: 1735.596335 },
    },
    trim: idle,
    sync: { totalIos: 0, lat: zeroLat },
    jobRuntimeNs: 8000e6,
    usrNs: 371e6,
    sysNs: 4532e6,
    ctx: 90450,
    majf: 0,
    minf: 12,
    depth: {
      level: [1, 2, 357122, 0, 0, 0, 0],
      submit: [0, 357125, 0, 0, 0, 0, 0],
      complete: [0, 120000, 0, 0, 0, 0, 0],
      totalSubmit: 357125,
      totalComplete: 120000,
    },
    latency: {
      ns: [0, 0, 0, 0, 0, 0, 684, 182, 10, 10],
      us: [10, 0, 0, 10, 74033, 249740, 30972, 943, 221, 137],
      ms: [150, 10, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    },
    ...reportSettings(job),
  };
  return {
    fioVersion: 'fio-3.33',
    timestampMs: 1795498428652,
    jobs: [result],
    diskUtil: [{ name: 'vda', readIos: 0, writeIos: 352100, readMerges: 0, writeMerges: 0, readTicks: 0, writeTicks: 17575, inQueue: 17574, util: 91.528822 }],
    globalOptions: inv.globalOptions,
  };
}
