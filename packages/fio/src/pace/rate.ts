/**
 * fio's rate limiting (io_u.c: rate_ddir(), usec_for_io(); init.c:
 * __setup_rate(); backend.c: __check_min_rate()): when the next I/O of a
 * direction may be issued, in µs since the job started, linear or Poisson.
 * @module
 */
import { FRand } from '../gen/frand';
import type { PerDdir } from '../gen/io-options';
import { FIO_RAND } from '../gen/rand-seeds';
import type { FioPaceOptions } from './pace-options';

const POISSON_SEEDS = [FIO_RAND.POISSON_OFF, FIO_RAND.POISSON2_OFF, FIO_RAND.POISSON3_OFF] as const;

/** The pacing state of one job. */
export class RatePacer {
  private readonly bps: number[];
  private readonly issueBytes = [0, 0];
  private readonly nextIoUs = [0, 0];
  private readonly lastUs = [0, 0];
  private readonly poisson: FRand[];

  /** `minBs` is fio's min_bs per direction; `seeds` the job's rand_seeds. */
  constructor(private readonly pace: FioPaceOptions, private readonly minBs: PerDdir<number>, seeds: readonly bigint[]) {
    // init.c: __setup_rate()
    this.bps = [0, 1].map((d) => pace.rate[d] || (pace.rateIops[d] ?? 0) * (minBs[d] ?? 0));
    this.poisson = [0, 1].map((d) => new FRand(seeds[POISSON_SEEDS[d] ?? 0] ?? 0n));
  }

  /** Whether any direction is rate limited. */
  get active(): boolean {
    return this.bps.some((b) => b > 0);
  }

  /**
   * io_u.c: rate_ddir(): the direction to issue next (`mixed`: the job does
   * both, so it may switch to the other one when that is behind) and how long
   * to sleep first, in µs; `nowUs` is the time since the job started.
   */
  pick(ddir: 0 | 1, nowUs: number, mixed: boolean, otherShare: number): { ddir: 0 | 1; sleepUs: number } {
    if (this.bps[ddir] === 0 || (this.nextIoUs[ddir] ?? 0) <= nowUs) return { ddir, sleepUs: 0 };
    const odir = (ddir ^ 1) as 0 | 1;
    if (mixed && otherShare > 0) {
      if ((this.nextIoUs[odir] ?? 0) <= nowUs) return { ddir: odir, sleepUs: 0 };
      if ((this.nextIoUs[ddir] ?? 0) <= (this.nextIoUs[odir] ?? 0)) return { ddir, sleepUs: (this.nextIoUs[ddir] ?? 0) - nowUs };
      return { ddir: odir, sleepUs: (this.nextIoUs[odir] ?? 0) - nowUs };
    }
    return { ddir, sleepUs: (this.nextIoUs[ddir] ?? 0) - nowUs };
  }

  /** An I/O of `bytes` was issued: ioengines.c td_io_queue() counts it, then usec_for_io() sets the next time. */
  issued(ddir: 0 | 1, bytes: number): void {
    const bps = this.bps[ddir] ?? 0;
    if (bps === 0) return;
    this.issueBytes[ddir] = (this.issueBytes[ddir] ?? 0) + bytes;
    this.nextIoUs[ddir] = this.usecForIo(ddir, bps);
  }

  // io_u.c: usec_for_io()
  private usecForIo(ddir: 0 | 1, bps: number): number {
    if (this.pace.rateProcess === 'poisson') {
      const iops = Math.floor(bps / (this.minBs[ddir] ?? 1));
      const r = this.poisson[ddir] as FRand;
      // (int64_t)(1000000 / iops) * -logf(__rand_0_1()): a float product, truncated
      const val = Math.trunc(Math.fround(Math.fround(Math.floor(1_000_000 / Math.max(1, iops))) * Math.fround(-Math.log(Math.fround(r.rand01())))));
      this.lastUs[ddir] = (this.lastUs[ddir] ?? 0) + val;
      return this.lastUs[ddir] ?? 0;
    }
    const bytes = this.issueBytes[ddir] ?? 0;
    const secs = Math.floor(bytes / bps);
    return Math.floor(((bytes % bps) * 1_000_000) / bps) + secs * 1_000_000;
  }
}

/** backend.c: __check_min_rate() for one direction, every `ratecycle` after a 2 s settle period. */
export class MinRateCheck {
  private readonly rateBytes = [0, 0];
  private readonly rateBlocks = [0, 0];
  private readonly lastMs = [0, 0];

  /** Whether any direction has a minimum (read once per I/O: worked out once). */
  readonly active: boolean;

  constructor(private readonly pace: FioPaceOptions) {
    this.active = [0, 1].some((d) => (pace.rateMin[d] ?? 0) > 0 || (pace.rateIopsMin[d] ?? 0) > 0);
  }

  /** The error fio logs when the minimum is not met at `nowMs` since the start, else undefined. */
  check(ddir: 0 | 1, nowMs: number, bytes: number, ios: number): string | undefined {
    const p = this.pace;
    const ratemin = p.rateMin[ddir] ?? 0;
    const iopsMin = p.rateIopsMin[ddir] ?? 0;
    if (ratemin === 0 && iopsMin === 0) return undefined;
    if (nowMs < 2000) return undefined;
    if ((this.rateBytes[ddir] ?? 0) > 0 || (this.rateBlocks[ddir] ?? 0) > 0) {
      const spent = nowMs - (this.lastMs[ddir] ?? 0);
      if (spent < p.ratecycleNs / 1e6) return undefined;
      if ((p.rate[ddir] ?? 0) > 0 || ratemin > 0) {
        const rate = spent > 0 ? Math.floor(((bytes - (this.rateBytes[ddir] ?? 0)) * 1000) / spent) : 0;
        if (rate < ratemin) return `rate_min=${ratemin}B/s not met, got ${rate}B/s`;
      } else {
        const rate = spent > 0 ? Math.floor(((ios - (this.rateBlocks[ddir] ?? 0)) * 1000) / spent) : 0;
        if (rate < iopsMin) return `rate_iops_min=${iopsMin} not met, got ${rate} IOPS`;
      }
    }
    this.rateBytes[ddir] = bytes;
    this.rateBlocks[ddir] = ios;
    this.lastMs[ddir] = nowMs;
    return undefined;
  }
}
