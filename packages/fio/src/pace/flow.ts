/**
 * fio's token-based flow control (flow.c: flow_threshold_exceeded()): jobs
 * sharing a `flow_id` issue in proportion to their `flow` weights; a job
 * ahead of its share waits (`flow_sleep`) or spins.
 * @module
 */
import { WaitQueue } from '@dio/sim';

/** One flow group (struct fio_flow). */
export interface FlowGroup {
  /** flow->flow_counter: I/Os issued by the group. */
  counter: number;
  /** flow->total_weight. */
  totalWeight: number;
  /** Jobs of the group running now: a job alone in its group runs free (fio would wait for the others forever). */
  live: number;
  /** Where spinning members wait for the group to move (dio's stand-in for fio's busy loop). */
  readonly moved: WaitQueue;
}

/** A job's handle on its flow group. */
export class FlowMember {
  /** td->flow_counter. */
  private count = 0;

  /** The job starts (flow.c: flow_init_job() counted its weight when the run was set up). */
  constructor(private readonly group: FlowGroup, private readonly weight: number) {
    group.live++;
  }

  /** flow_threshold_exceeded(): whether the job is ahead of its share; counts the I/O when it is not. */
  exceeded(): boolean {
    const g = this.group;
    // 0 / 0 is NaN in fio's doubles too: never exceeded before the first I/O
    if (g.live > 1 && this.count / g.counter > this.weight / g.totalWeight) return true;
    g.counter++;
    this.count++;
    g.moved.wakeUpAll();
    return false;
  }

  /** The queue a spinning member waits on until another member issues or leaves. */
  get moved(): WaitQueue {
    return this.group.moved;
  }

  /** The job finished. */
  leave(): void {
    this.group.live--;
    this.group.moved.wakeUpAll();
  }
}

/** flow.c: flow_init_job() for every job (and clone) with a weight, by flow_id. */
export function flowGroups(jobs: readonly { readonly numjobs: number; readonly pace: { readonly flow: number; readonly flowId: number } }[]): Map<number, FlowGroup> {
  const groups = new Map<number, FlowGroup>();
  for (const j of jobs) {
    if (j.pace.flow === 0) continue;
    const g = groups.get(j.pace.flowId) ?? { counter: 0, totalWeight: 0, live: 0, moved: new WaitQueue(`fio flow ${j.pace.flowId}`) };
    g.totalWeight += j.pace.flow * j.numjobs;
    groups.set(j.pace.flowId, g);
  }
  return groups;
}
