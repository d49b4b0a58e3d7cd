/**
 * What the jobs of one run share: the stop flag (fio's
 * fio_terminate_threads(), for exitall and dio's caps), the flow groups,
 * and group_reporting's shared steady-state windows.
 * @module
 */
import type { FlowGroup } from '../pace/flow';
import type { SteadyState } from '../pace/steadystate';
import type { PowerCut } from './power-cut';

/** Shared by the jobs of a run: set `stopped` to end every job (fio's fio_terminate_threads(), for exitall). */
export interface RunControl {
  stopped: boolean;
  /** The flow groups of the run (flow=, flow_id=). */
  readonly flows?: ReadonlyMap<number, FlowGroup>;
  /** Steady-state detection shared by the jobs of a reporting group (group_reporting), by group id. */
  readonly ssGroups?: Map<number, SsGroup>;
  /** A power cut during the run (`--power-cut`), if any. */
  readonly powerCut?: PowerCut;
}

/**
 * steadystate.c with group_reporting: the group's first job keeps the window
 * and judges the summed rates of every job of the group; reaching steady
 * state ends them all.
 */
export interface SsGroup {
  readonly ss: SteadyState;
  /** Each member's completed I/Os and bytes so far. */
  readonly members: (() => readonly [number, number])[];
}
