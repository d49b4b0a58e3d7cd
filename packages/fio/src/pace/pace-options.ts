/**
 * The options that decide when a job runs and how fast it issues (fio's
 * stonewall / new_group / wait_for / startdelay / exitall, rate*, thinktime*),
 * kept together in `FioJob.pace`.
 * @module
 */
import type { PerDdir } from '../gen/io-options';

/** When and how fast a job issues I/O. Times in ns, rates in bytes/s or I/Os per second. */
export interface FioPaceOptions {
  /** `stonewall` / `wait_for_previous`: start once every earlier job has finished; starts a new group. */
  readonly stonewall: boolean;
  /** `new_group`: start a new reporting group. */
  readonly newGroup: boolean;
  /** `wait_for`: start once the named earlier job has finished. */
  readonly waitFor?: string;
  /** `startdelay` in ns. */
  readonly startdelayNs: number;
  /** `exitall`: when this job finishes, stop every other job. */
  readonly exitall: boolean;
  /** `exitall_on_error`: when this job fails, stop every other job. */
  readonly exitallOnError: boolean;
  /** `rate` per direction in bytes/s (0 = unlimited). */
  readonly rate: PerDdir<number>;
  /** `rate_iops` per direction (0 = unlimited). */
  readonly rateIops: PerDdir<number>;
  /** `rate_min` per direction in bytes/s (0 = no check). */
  readonly rateMin: PerDdir<number>;
  /** `rate_iops_min` per direction (0 = no check). */
  readonly rateIopsMin: PerDdir<number>;
  /** `rate_process`. */
  readonly rateProcess: 'linear' | 'poisson';
  /** `ratecycle` in ns (the rate_min averaging window; fio's default 1000 ms). */
  readonly ratecycleNs: number;
  /** `thinktime` in ns. */
  readonly thinktimeNs: number;
  /** `thinktime_spin` in ns (busy part of the think time). */
  readonly thinktimeSpinNs: number;
  /** `thinktime_blocks`: think after this many completed I/Os. */
  readonly thinktimeBlocks: number;
  /** `flow`: this job's weight in its flow group (0 = no flow control). */
  readonly flow: number;
  /** `flow_id`: the flow group. */
  readonly flowId: number;
  /** `flow_sleep` in ns: how long a throttled job sleeps (0: it spins). */
  readonly flowSleepNs: number;
}

/** fio's defaults. */
export const DEFAULT_PACE_OPTIONS: FioPaceOptions = {
  stonewall: false,
  newGroup: false,
  startdelayNs: 0,
  exitall: false,
  exitallOnError: false,
  rate: [0, 0, 0],
  rateIops: [0, 0, 0],
  rateMin: [0, 0, 0],
  rateIopsMin: [0, 0, 0],
  rateProcess: 'linear',
  ratecycleNs: 1_000_000_000,
  thinktimeNs: 0,
  thinktimeSpinNs: 0,
  thinktimeBlocks: 1,
  flow: 0,
  flowId: 0,
  flowSleepNs: 0,
};
