/**
 * Run fio jobs on a simulated machine: build the stack from a kernel
 * profile, start one user task per job (numjobs clones), run the
 * simulation, and return fio's result structure.
 * @module
 */
import { type HungTask, Rng, type TraceSink } from '@dio/sim';
import type { FioJob, FioOptionEcho } from '../job';
import { createJobResult, type RecordingJobResult } from '../recording';
import type { DiskUtil, FioRunResult } from '../result';
import { checkFilesFit } from './device-fit';
import { runJobTask } from './job-runner';
import { JobLogger, wantsLogs } from './job-logger';
import type { KernelProfile } from './profile';
import { buildStack, type Stack } from './stack';

/** Options of a run. */
export interface RunOptions {
  readonly seed: number;
  /** Collect trace records in `stack.sim.tracer.records`. */
  readonly trace?: boolean;
  /**
   * Stream the trace instead (for `dio trace` / `--trace`): called with the
   * machine's CPU count once the stack is built, it returns the sink that
   * receives every record as it becomes final, and is ended after the run.
   */
  readonly traceTo?: (cpus: number) => TraceSink;
  /** Report timestamp (ms since the epoch); fixed by default so output is reproducible. */
  readonly timestampMs?: number;
  readonly globalOptions?: readonly FioOptionEcho[];
  /**
   * Called with the fraction of simulated time done (0–1) about 100 times
   * over the run, for a progress bar. Only time-limited jobs (runtime=) give
   * a fraction; results are identical with or without it.
   */
  readonly onProgress?: (fraction: number) => void;
  /** Account CPU time per named cost (`stack.sim.stages`) and per CPU in windows of this many ns (`stack.sim.cpuWindows`); results are the same. */
  readonly accounting?: { readonly stages?: boolean; readonly cpuWindowNs?: number };
}

/** What a run produced. */
export interface RunOutput {
  readonly result: FioRunResult;
  /** Per job (clone), when it writes logs (write_lat_log, write_bw_log, …): see `logFiles`. */
  readonly logs: readonly (JobLogger | null)[];
  readonly stack: Stack;
  /** Wall-clock ms the simulation took. */
  readonly wallMs: number;
  /** Simulated I/Os completed. */
  readonly ios: number;
  readonly hung: readonly HungTask[];
}

/** fio's FIO_RANDSEED: the seed of every job when randrepeat=1 and no randseed is given. */
const FIO_RANDSEED = 0xb1899bed;

/**
 * The stream a job draws offsets and directions from, with fio's meaning:
 * `randseed=N` pins it to N (per clone); `randrepeat=1` (the default) makes
 * it the same on every run, whatever dio's --seed; `randrepeat=0` seeds it
 * from the run (fio uses the clock; dio uses --seed, so runs stay reproducible).
 */
function jobRng(job: FioJob, clone: number, jobNumber: number, simRng: Rng): Rng {
  if (job.randseed !== undefined) return new Rng(job.randseed, `fio/${clone}`);
  if (job.randrepeat) return new Rng(FIO_RANDSEED, `fio/${job.name}/${clone}`);
  return simRng.fork(`fio/${job.name}/${jobNumber}`);
}

/** sim.run(), in slices of simulated time when someone watches the progress. */
function runWithProgress(sim: Stack['sim'], jobs: readonly FioJob[], onProgress: ((f: number) => void) | undefined): ReturnType<Stack['sim']['run']> {
  const endNs = Math.max(0, ...jobs.map((j) => (j.runtimeNs > 0 ? j.rampTimeNs + j.runtimeNs : 0)));
  if (onProgress === undefined || endNs === 0) return sim.run();
  const slice = Math.max(1, Math.ceil(endNs / 100));
  for (let until = slice; ; until += slice) {
    const r = sim.run({ until });
    if (r.reason !== 'until') return r;
    onProgress(Math.min(1, until / endNs));
  }
}

/** Run `jobs` concurrently on one machine built from `profile`. */
export function runJobs(jobs: readonly FioJob[], profile: KernelProfile, opts: RunOptions): RunOutput {
  const maxCpu = Math.max(0, ...jobs.flatMap((j) => j.cpusAllowed ?? [0]));
  const stack = buildStack(profile, { seed: opts.seed, trace: opts.trace === true || opts.traceTo !== undefined, minCpus: maxCpu + 1, ...opts.accounting });
  checkFilesFit(jobs, stack);
  const sim = stack.sim;
  if (opts.traceTo !== undefined) sim.tracer.stream(opts.traceTo(sim.cpus.length));
  const results: RecordingJobResult[] = [];
  const logs: (JobLogger | null)[] = [];
  let n = 0;
  for (const job of jobs) {
    for (let clone = 0; clone < job.numjobs; clone++) {
      const jobNumber = n++;
      const rng = jobRng(job, clone, jobNumber, sim.rng);
      const log = wantsLogs(job) ? new JobLogger(job, jobNumber + 1) : null;
      const res = createJobResult(job, 0);
      const t = sim.spawn('fio', runJobTask(stack, job, jobNumber, res, rng, log), {
        cpusAllowed: job.cpusAllowed ?? sim.cpus.map((c) => c.id),
      });
      (res as { pid: number }).pid = t.pid;
      results.push(res);
      logs.push(log);
    }
  }
  const t0 = performance.now();
  const r = runWithProgress(sim, jobs, opts.onProgress);
  sim.tracer.finish();
  const wallMs = performance.now() - t0;
  const dev = stack.dev;
  const runtimeMs = Math.max(1, ...results.map((x) => x.jobRuntimeNs / 1e6));
  const disk: DiskUtil = {
    name: dev.name,
    readIos: results.reduce((a, x) => a + x.read.totalIos, 0),
    writeIos: results.reduce((a, x) => a + x.write.totalIos, 0),
    readMerges: 0,
    writeMerges: 0,
    readTicks: Math.round(results.reduce((a, x) => a + x.read.clat.mean * x.read.clat.count, 0) / 1e6),
    writeTicks: Math.round(results.reduce((a, x) => a + x.write.clat.mean * x.write.clat.count, 0) / 1e6),
    inQueue: 0,
    util: 0,
  };
  const busy = Math.min(100, ((disk.readTicks + disk.writeTicks) / runtimeMs) * 100);
  const result: FioRunResult = {
    fioVersion: 'fio-3.33',
    timestampMs: opts.timestampMs ?? 0,
    jobs: results,
    diskUtil: [{ ...disk, inQueue: disk.readTicks + disk.writeTicks, util: busy }],
    globalOptions: opts.globalOptions ?? jobs[0]?.globalOptions ?? [],
  };
  return { result, logs, stack, wallMs, ios: disk.readIos + disk.writeIos, hung: r.hung };
}
