/**
 * A power cut in the middle of a run (dio's `--power-cut`): at the given
 * simulated time every job stops as at the end of its runtime, the I/Os in
 * flight complete, and then the device loses power — every write only in
 * its volatile cache is lost (wholly, or sector by sector when tearing) —
 * and comes back. The host survives (as when a drive's power is pulled),
 * so each job that wrote with `verify=` then reads back every write that
 * was acknowledged before the cut, as fio's `verify_state_load` +
 * `verify_only` run after a reboot checks what completed before the crash:
 * an acknowledged write the device lost fails verify.
 * @module
 */
import type { PowerCutReport } from '@dio/blockdev';
import { Completion, type Simulator } from '@dio/sim';
import type { Stack } from './stack';

/** When and how to cut the power (`RunOptions.powerCut`). */
export interface PowerCutSpec {
  /** Simulated ns after the run starts. */
  readonly atNs: number;
  /** Lose the volatile cache sector by sector (torn writes) rather than write by write. */
  readonly tear: boolean;
}

/** What the cut did, for the report. */
export interface PowerCutResult {
  readonly atNs: number;
  /** When the power actually went: once the I/Os in flight at `atNs` had completed (ns since the run started). */
  readonly cutAtNs: number;
  readonly tear: boolean;
  readonly report: PowerCutReport;
}

/** The cut, shared by the jobs of the run: they check in while they do I/O and wait for the power to come back. */
export class PowerCut {
  private active = 0;
  private triggered = false;
  private result: PowerCutResult | null = null;
  private readonly start: number;
  /** Completed when the device is powered again. */
  readonly restored = new Completion('power restored');

  constructor(
    private readonly sim: Simulator,
    private readonly dev: Stack['dev'],
    private readonly spec: PowerCutSpec,
    /** Stops every job (sets the run's `stopped`). */
    private readonly stopJobs: () => void,
  ) {
    this.start = sim.now;
    sim.after(spec.atNs, () => this.trigger());
  }

  /** Whether the cut has come (the jobs were stopped by it). */
  get hasCome(): boolean {
    return this.triggered;
  }

  /** What the cut did, once it happened. */
  get done(): PowerCutResult | null {
    return this.result;
  }

  /** A job starts doing I/O. */
  enter(): void {
    this.active++;
  }

  /** A job has no I/O in flight any more (it ended, or stopped at the cut). */
  leave(): void {
    this.active--;
    if (this.triggered && this.active === 0 && this.result === null) this.cut();
  }

  // the time has come: stop every job (fio_terminate_threads()); the cut follows once they have drained
  private trigger(): void {
    this.triggered = true;
    this.stopJobs();
    if (this.active === 0) this.cut();
  }

  private cut(): void {
    const report = this.dev.powerCut({ tear: this.spec.tear });
    this.dev.powerOn();
    this.result = { atNs: this.spec.atNs, cutAtNs: this.sim.now - this.start, tear: this.spec.tear, report };
    this.restored.completeAll();
  }
}
