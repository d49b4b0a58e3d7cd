/**
 * A job's steady-state detection (steadystate.c): its own window, or with
 * group_reporting the group's window kept by the group's first job.
 * @module
 */
import type { FioJob } from '../job';
import { SteadyState } from '../pace/steadystate';
import type { RunControl, SsGroup } from './run-control';

/** Steady state as one job sees it: checked once a second; attaining it ends the job like its runtime. */
export class JobSteady {
  /** The window this job judges (null for a group's other members, or without steadystate). */
  readonly ss: SteadyState | null = null;
  /** The group's shared window, with group_reporting. */
  readonly group: SsGroup | undefined;
  private nextSs: number;

  /** @param counts the job's completed I/Os and bytes so far */
  constructor(
    job: FioJob,
    ctl: RunControl,
    start: number,
    private readonly counts: () => readonly [number, number],
  ) {
    this.nextSs = start + 1e9;
    const ssOn = job.steadystate.durSec > 0;
    if (ssOn && job.groupReporting && ctl.ssGroups !== undefined) {
      let g = ctl.ssGroups.get(job.groupId);
      if (g === undefined) {
        this.ss = new SteadyState(job.steadystate, start);
        g = { ss: this.ss, members: [] };
        ctl.ssGroups.set(job.groupId, g);
      }
      g.members.push(counts);
      this.group = g;
    } else if (ssOn) this.ss = new SteadyState(job.steadystate, start);
  }

  /** Whether the job ends here: the group attained steady state, or this second's check does. */
  check(now: number): boolean {
    if (this.group !== undefined && this.group.ss.attained) return true;
    if (this.ss === null || now < this.nextSs) return false;
    this.nextSs += Math.floor((now - this.nextSs) / 1e9 + 1) * 1e9;
    let ios = 0;
    let bytes = 0;
    for (const m of this.group?.members ?? [this.counts]) {
      const [i, b] = m();
      ios += i;
      bytes += b;
    }
    return this.ss.check(now, ios, bytes);
  }

  /** Whether the job ended at steady state (its own window or the group's). */
  get attained(): boolean {
    return this.ss?.attained === true || this.group?.ss.attained === true;
  }
}
