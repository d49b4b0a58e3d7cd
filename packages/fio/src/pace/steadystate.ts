/**
 * fio's steady-state detection (steadystate.c; options steadystate / ss,
 * ss_dur, ss_ramp): once a second the job's IOPS and bandwidth over the last
 * second go into a rolling window of ss_dur samples; when the window is full
 * and its deviation from the mean (iops, bw) or its least-squares slope
 * (iops_slope, bw_slope) is below the limit — absolute, or a percentage of
 * the window's mean — the job ends (fio_mark_td_terminate()). The JSON
 * `steadystate` block and the normal report's line are fio's.
 * @module
 */
import type { JobFields } from '../draft';
import { def, type OptionDef } from '../option-def';
import { zParsed } from '../schemas';
import { parseTimeNs, type Parsed } from '../units';

/** A job's steady-state criterion (fio's ss_state flags and ss_limit). */
export interface FioSteadyState {
  /** FIO_SS_IOPS, else bandwidth. */
  readonly iops: boolean;
  /** FIO_SS_SLOPE, else deviation from the mean. */
  readonly slope: boolean;
  /** FIO_SS_PCT: the limit is a percentage of the window's mean. */
  readonly pct: boolean;
  /** ss_limit. */
  readonly limit: number;
  /** ss_dur in whole seconds (0 = off). */
  readonly durSec: number;
  /** ss_ramp in ns. */
  readonly rampNs: number;
}

/** fio's default: `steadystate=iops_slope:0.01%`, off until ss_dur is set. */
export const DEFAULT_STEADY_STATE: FioSteadyState = { iops: true, slope: true, pct: true, limit: 0.01, durSec: 0, rampNs: 0 };

const KINDS: Readonly<Record<string, { iops: boolean; slope: boolean }>> = {
  iops: { iops: true, slope: false },
  iops_slope: { iops: true, slope: true },
  bw: { iops: false, slope: false },
  bw_slope: { iops: false, slope: true },
};

// options.c: str_steadystate_cb()
function parseCriterion(s: string): Parsed<Pick<FioSteadyState, 'iops' | 'slope' | 'pct' | 'limit'>> {
  const colon = s.indexOf(':');
  const name = colon < 0 ? s : s.slice(0, colon);
  const kind = Object.prototype.hasOwnProperty.call(KINDS, name) ? KINDS[name] : undefined;
  if (kind === undefined) return { ok: false, error: `'${name}' is not one of ${Object.keys(KINDS).join(', ')}` };
  if (colon < 0) return { ok: false, error: `'${s}' needs a limit (e.g. ${name}:0.1%)` };
  let v = s.slice(colon + 1).trim();
  const pct = v.endsWith('%');
  if (pct) v = v.slice(0, -1);
  const limit = Number(v);
  if (v === '' || !Number.isFinite(limit) || limit < 0) return { ok: false, error: `limit '${s.slice(colon + 1)}' is not a non-negative number` };
  return { ok: true, value: { ...kind, pct, limit } };
}

function setSs(f: JobFields, patch: Partial<FioSteadyState>): void {
  f.steadystate = { ...f.steadystate, ...patch };
}

/** The option definitions. */
export const STEADY_STATE_OPTION_DEFS: readonly OptionDef[] = [
  def('steadystate', () => zParsed(parseCriterion), (f, v) => setSs(f, v), { aliases: ['ss'] }),
  def('steadystate_duration', () => zParsed((s) => parseTimeNs(s, 's')), (f, v) => setSs(f, { durSec: Math.floor(v / 1e9) }), { aliases: ['ss_dur'] }),
  def('steadystate_ramp_time', () => zParsed((s) => parseTimeNs(s, 's')), (f, v) => setSs(f, { rampNs: v }), { aliases: ['ss_ramp'] }),
];

/** What fio reports about a job's steady state (thread_stat ss_*). */
export interface SteadyStateResult {
  readonly criterion: FioSteadyState;
  readonly attained: boolean;
  /** ss_criterion: the last value compared with the limit. */
  readonly value: number;
  /** ss_deviation (deviation criteria). */
  readonly deviation: number;
  /** ss_slope (slope criteria). */
  readonly slope: number;
  /** The window's samples in fio's report order. */
  readonly iopsData: readonly number[];
  readonly bwData: readonly number[];
}

/** fio's steadystate_check() state for one job, fed once a second. */
export class SteadyState {
  private readonly n: number;
  private readonly bw: number[];
  private readonly iopsD: number[];
  private head = 0;
  private tail = 0;
  private full = false;
  private sumY = 0;
  private sumXy = 0;
  private oldestY = 0;
  private readonly sumX: number;
  private readonly sumXSq: number;
  private rampOver: boolean;
  private prevTime: number;
  private prevIos = 0;
  private prevBytes = 0;
  attained = false;
  private value = 0;
  private deviation = 0;
  private slope = 0;

  /** @param start the job's start (td->epoch), ns */
  constructor(
    private readonly c: FioSteadyState,
    private readonly start: number,
  ) {
    this.n = c.durSec;
    this.bw = new Array<number>(this.n).fill(0);
    this.iopsD = new Array<number>(this.n).fill(0);
    this.sumX = (this.n * (this.n - 1)) / 2;
    this.sumXSq = ((this.n - 1) * this.n * (2 * this.n - 1)) / 6;
    this.rampOver = c.rampNs === 0;
    this.prevTime = start;
  }

  // steadystate.c: steadystate_check() for one job
  /** One check at `now` with the job's I/O and byte counts so far; true when steady state is attained. */
  check(now: number, ios: number, bytes: number): boolean {
    if (this.attained) return true;
    // "Begin recording data one second after ss->ramp_time has elapsed"
    if (!this.rampOver && now - this.start >= this.c.rampNs + 1e9) this.rampOver = true;
    const rateMs = Math.max(1, Math.floor((now - this.prevTime) / 1e6));
    this.prevTime = now;
    const bw = Math.floor((1000 * (bytes - this.prevBytes)) / rateMs);
    const iops = Math.floor((1000 * (ios - this.prevIos)) / rateMs);
    this.prevIos = ios;
    this.prevBytes = bytes;
    if (!this.rampOver) return false;
    this.attained = this.c.slope ? this.slopeCheck(iops, bw) : this.deviationCheck(iops, bw);
    return this.attained;
  }

  private y(i: number): number {
    return (this.c.iops ? this.iopsD[i] : this.bw[i]) ?? 0;
  }

  // steadystate.c: steadystate_slope()
  private slopeCheck(iops: number, bw: number): boolean {
    const n = this.n;
    this.bw[this.tail] = bw;
    this.iopsD[this.tail] = iops;
    const newVal = this.c.iops ? iops : bw;
    if (this.full || this.tail - this.head === n - 1) {
      if (!this.full) {
        this.sumY = 0;
        for (let i = 0; i < n; i++) {
          this.sumY += this.y(i);
          this.sumXy += i * this.y((this.head + i) % n);
        }
        this.full = true;
      } else {
        this.sumY -= this.oldestY;
        this.sumY += newVal;
        this.sumXy = this.sumXy - this.sumY + n * newVal;
      }
      this.oldestY = this.y(this.head);
      this.slope = (this.sumXy - (this.sumX * this.sumY) / n) / (this.sumXSq - (this.sumX * this.sumX) / n);
      this.value = this.c.pct ? (100 * this.slope) / (this.sumY / n) : this.slope;
      if (this.value < this.c.limit) return true;
    }
    this.tail = (this.tail + 1) % n;
    if (this.tail <= this.head) this.head = (this.head + 1) % n;
    return false;
  }

  // steadystate.c: steadystate_deviation()
  private deviationCheck(iops: number, bw: number): boolean {
    const n = this.n;
    this.bw[this.tail] = bw;
    this.iopsD[this.tail] = iops;
    if (this.full || this.tail - this.head === n - 1) {
      if (!this.full) {
        this.sumY = 0;
        for (let i = 0; i < n; i++) this.sumY += this.y(i);
        this.full = true;
      } else {
        this.sumY -= this.oldestY;
        this.sumY += this.y(this.tail);
      }
      this.oldestY = this.y(this.head);
      const mean = this.sumY / n;
      this.deviation = 0;
      for (let i = 0; i < n; i++) this.deviation = Math.max(this.deviation, Math.abs(this.y(i) - mean));
      this.value = this.c.pct ? (100 * this.deviation) / mean : this.deviation;
      if (this.value < this.c.limit) return true;
    }
    this.tail = (this.tail + 1) % n;
    if (this.tail === this.head) this.head = (this.head + 1) % n;
    return false;
  }

  /** What the report shows (stat.c: the ss_* copy into thread_stat, add_ss_json()'s order). */
  result(): SteadyStateResult {
    const n = this.n;
    const j = this.attained || !this.full ? this.head : this.head === 0 ? n - 1 : this.head - 1;
    const order = Array.from({ length: n }, (_, l) => (j + l) % n);
    return {
      criterion: this.c,
      attained: this.attained,
      value: this.value,
      deviation: this.deviation,
      slope: this.slope,
      iopsData: order.map((k) => this.iopsD[k] ?? 0),
      bwData: order.map((k) => this.bw[k] ?? 0),
    };
  }
}

/** `%f` of a C float, as fio formats ss_limit and ss_criterion. */
export const floatF = (v: number): string => Math.fround(v).toFixed(6);

/** The `ss` string of fio's JSON (`iops_slope:0.100000%`). */
export function ssName(c: FioSteadyState): string {
  return `${c.iops ? 'iops' : 'bw'}${c.slope ? '_slope' : ''}:${floatF(c.limit)}${c.pct ? '%' : ''}`;
}

/** steadystate_bw_mean() / steadystate_iops_mean(): integer means of the window. */
export function ssMeans(r: SteadyStateResult): { bw: number; iops: number } {
  const n = Math.max(1, r.bwData.length);
  return { bw: Math.floor(r.bwData.reduce((a, b) => a + b, 0) / n), iops: Math.floor(r.iopsData.reduce((a, b) => a + b, 0) / n) };
}
