/**
 * fio's job ordering (init.c: add_job() group ids; backend.c: run_threads()
 * holding back stonewall and wait_for jobs): which jobs each job waits for
 * and which reporting group it is in.
 * @module
 */
import { FioJobError } from '../errors';
import type { FioJob } from '../job';

/** init.c: add_job(): `stonewall` or `new_group` after at least one job starts a new group. */
export function assignGroups(jobs: readonly FioJob[]): FioJob[] {
  let group = 0;
  let prev = 0;
  return jobs.map((j) => {
    if ((j.pace.stonewall || j.pace.newGroup) && prev > 0) {
      prev = 0;
      group++;
    }
    prev++;
    return group === j.groupId ? j : { ...j, groupId: group };
  });
}

/**
 * For each job, the indexes of the jobs it waits for before starting:
 * every earlier job for `stonewall`, the named one for `wait_for`.
 */
export function jobDependencies(jobs: readonly FioJob[]): number[][] {
  return jobs.map((j, i) => {
    const deps = new Set<number>();
    if (j.pace.stonewall) for (let k = 0; k < i; k++) deps.add(k);
    const name = j.pace.waitFor;
    if (name !== undefined) {
      const k = jobs.findIndex((o) => o.name === name);
      if (k < 0 || k === i) throw new FioJobError(j.source.file, j.source.line, `job '${j.name}': wait_for=${name}: no ${k === i ? 'other ' : ''}job named '${name}'`, 'wait_for');
      deps.add(k);
    }
    return [...deps].sort((a, b) => a - b);
  });
}
