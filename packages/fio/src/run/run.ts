/**
 * Run fio jobs on a simulated machine: build the stack from a kernel
 * profile, start one user task per job (numjobs clones), run the
 * simulation, and return fio's result structure.
 * @module
 */
import { Completion, type HungTask, type KGen, Rng, sleep, type TraceSink } from '@dio/sim';
import { assertEmulated } from '../blockers';
import type { GenPlace } from '../gen/io-gen';
import type { FioJob, FioOptionEcho } from '../job';
import { createJobResult, type RecordingJobResult } from '../recording';
import type { DiskUtil, FioRunResult } from '../result';
import { flowGroups } from '../pace/flow';
import { jobDependencies } from '../pace/ordering';
import { checkFilesFit } from './device-fit';
import { type RunControl, runJobTask } from './job-runner';
import { JobLogger, wantsLogs } from './job-logger';
import type { LogOpener } from './log-sink';
import type { KernelProfile } from './profile';
import { buildStack, type Stack } from './stack';
import { PowerCut, type PowerCutResult, type PowerCutSpec } from './power-cut';

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
  /**
   * A wall-clock cap in ms (dio's `--wall-timeout`): once the simulation has
   * taken this long, every job stops as at the end of its runtime (in-flight
   * I/Os are reaped and count) and the run reports what was done so far.
   */
  readonly wallTimeoutMs?: number;
  /**
   * Run on this machine instead of a new one: its files, device contents and
   * clock as an earlier run (and e.g. a power cut since) left them — how a
   * `verify_only` job reads back what another run wrote.
   */
  readonly stack?: Stack;
  /**
   * Cut the device's power this long after the run starts (dio's
   * `--power-cut`): the jobs stop, what they have in flight completes, the
   * volatile cache is lost, and every job that verifies reads back what was
   * acknowledged (see `PowerCut`).
   */
  readonly powerCut?: PowerCutSpec;
  /**
   * Stream the jobs' log files (write_lat_log, write_bw_log, …) as they are
   * made, as fio does, instead of keeping them for `logFiles()`: memory stays
   * flat however long the run.
   */
  readonly logTo?: LogOpener;
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
  /** Simulated ns at which the wall-clock cap stopped the jobs, when it did. */
  readonly wallCappedAtNs?: number;
  /** What the power cut did, when one was asked for. */
  readonly powerCut?: PowerCutResult;
}

/**
 * Where a job sits in the run, for its random streams: fio's thread number
 * (1-based over jobs and clones) and clone index. `randrepeat=0` without
 * `randseed` seeds from the run (fio reads the OS RNG; dio uses --seed, so
 * runs stay reproducible).
 */
function jobPlace(job: FioJob, clone: number, jobNumber: number, simRng: Rng): GenPlace {
  const r = simRng.fork(`fio/${job.name}/${jobNumber}`);
  return { threadNumber: jobNumber + 1, subjob: clone, entropy: () => (BigInt(r.u32()) << 32n) | BigInt(r.u32()) };
}

/** A job (all its clones) that others may wait for: stonewall, wait_for. */
interface JobGate {
  remaining: number;
  readonly done: Completion;
}

/**
 * backend.c: run_threads() for a job held back by stonewall / wait_for /
 * startdelay: wait for the jobs before it, sleep the delay, run, then let
 * its waiters go (and, with exitall, stop everyone).
 */
function* gated(body: KGen<void>, job: FioJob, waitOn: readonly JobGate[], self: JobGate, ctl: RunControl): KGen<void> {
  for (const g of waitOn) while (!g.done.isDone) yield* g.done.wait({ state: 'S' });
  if (job.pace.startdelayNs > 0) yield sleep(job.pace.startdelayNs);
  if (!ctl.stopped) yield* body;
  if (job.pace.exitall) ctl.stopped = true;
  if (--self.remaining === 0) self.done.completeAll();
}

/** Simulated time between two looks at the wall clock when a wall cap is set. */
const WALL_SLICE_NS = 5_000_000;

/**
 * sim.run(), in slices of simulated time when someone watches the progress
 * or the wall clock; past the wall cap, `stop` ends every job and the rest
 * of the run drains what is in flight.
 */
function runSliced(sim: Stack['sim'], jobs: readonly FioJob[], opts: RunOptions, stop: RunControl): { r: ReturnType<Stack['sim']['run']>; cappedAtNs?: number } {
  const endNs = Math.max(0, ...jobs.map((j) => (j.runtimeNs > 0 ? j.rampTimeNs + j.runtimeNs : 0)));
  const { onProgress, wallTimeoutMs } = opts;
  if ((onProgress === undefined || endNs === 0) && wallTimeoutMs === undefined) return { r: sim.run() };
  const bySlices = endNs > 0 ? Math.max(1, Math.ceil(endNs / 100)) : WALL_SLICE_NS;
  const slice = wallTimeoutMs === undefined ? bySlices : Math.min(bySlices, WALL_SLICE_NS);
  const wallStart = performance.now();
  for (let until = slice; ; until += slice) {
    const r = sim.run({ until });
    if (r.reason !== 'until') return { r };
    if (endNs > 0) onProgress?.(Math.min(1, until / endNs));
    if (wallTimeoutMs !== undefined && performance.now() - wallStart > wallTimeoutMs) {
      stop.stopped = true;
      return { r: sim.run(), cappedAtNs: until };
    }
  }
}

/** Run `jobs` concurrently on one machine built from `profile`; throws the first `emulationBlockers` error of a job dio cannot run. */
export function runJobs(jobs: readonly FioJob[], profile: KernelProfile, opts: RunOptions): RunOutput {
  assertEmulated(jobs);
  const maxCpu = Math.max(0, ...jobs.flatMap((j) => j.cpusAllowed ?? [0]));
  const stack = opts.stack ?? buildStack(profile, { seed: opts.seed, trace: opts.trace === true || opts.traceTo !== undefined, minCpus: maxCpu + 1, ...opts.accounting });
  checkFilesFit(jobs, stack);
  const sim = stack.sim;
  if (opts.traceTo !== undefined) sim.tracer.stream(opts.traceTo(sim.cpus.length));
  const results: RecordingJobResult[] = [];
  const logs: (JobLogger | null)[] = [];
  let n = 0;
  const deps = jobDependencies(jobs);
  const ordered = jobs.some((j, i) => (deps[i]?.length ?? 0) > 0 || j.pace.startdelayNs > 0 || j.pace.exitall);
  const gates: JobGate[] = jobs.map((j) => ({ remaining: j.numjobs, done: new Completion(`fio job ${j.name} done`) }));
  const stopAll = (): void => {
    ctl.stopped = true;
  };
  const ctl: RunControl = { stopped: false, flows: flowGroups(jobs), ssGroups: new Map(), ...(opts.powerCut === undefined ? {} : { powerCut: new PowerCut(sim, stack.dev, opts.powerCut, stopAll) }) };
  for (const [i, job] of jobs.entries()) {
    const waitOn = (deps[i] ?? []).map((k) => gates[k] as JobGate);
    for (let clone = 0; clone < job.numjobs; clone++) {
      const jobNumber = n++;
      const place = jobPlace(job, clone, jobNumber, sim.rng);
      const log = wantsLogs(job) ? new JobLogger(job, jobNumber + 1, opts.logTo) : null;
      const res = createJobResult(job, 0);
      const body = runJobTask(stack, job, jobNumber, res, place, log, ctl);
      const t = sim.spawn('fio', ordered ? gated(body, job, waitOn, gates[i] as JobGate, ctl) : body, {
        cpusAllowed: job.cpusAllowed ?? sim.cpus.map((c) => c.id),
      });
      (res as { pid: number }).pid = t.pid;
      results.push(res);
      logs.push(log);
    }
  }
  const t0 = performance.now();
  const { r, cappedAtNs } = runSliced(sim, jobs, opts, ctl);
  sim.tracer.finish();
  // the streamed logs' last lines, in job order (jobs sharing a file write one after the other)
  for (const l of logs) l?.close();
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
  const cut = ctl.powerCut?.done ?? undefined;
  return { result, logs, stack, wallMs, ios: disk.readIos + disk.writeIos, hung: r.hung, ...(cappedAtNs === undefined ? {} : { wallCappedAtNs: cappedAtNs }), ...(cut === undefined ? {} : { powerCut: cut }) };
}
