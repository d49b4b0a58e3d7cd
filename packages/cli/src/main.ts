/**
 * The `dio` command line.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { formatJson, formatNormal, parseJobFile, runJobs } from '@dio/fio';
import { errnoName } from '@dio/kiocb';
import { Command, CommanderError, Option } from 'commander';
import { calibrate, pointFromFioJson } from './calibrate';
import { compareTasks, formatTable } from './compare';
import { fuzz, formatSummary } from './dst/fuzz';
import { runCells } from './parallel';
import { plotSvg } from './plot';
import { FuzzFailed, JobFailed, UsageError, userMessage } from './errors';
import { loadProfile, parseJobs, parseProfileList, parseQds, parseSeed, profilesForPolicies, shippedRoot } from './profile-arg';
import { progress } from './progress';
import { formatSweepTable, sweepJson, sweepTasks } from './sweep';
import { parsePositiveTime } from './time-arg';
import { openTraceFile, type TraceFileOptions } from './trace-file';
import { latLogFiles } from './lat-log-files';
import { parseSetArgs, parsePoint, setProduct } from './sweep-set';

/** Where the command writes: stdout, stderr, and whether stderr is a terminal (for the progress bar). */
export interface Io {
  out(s: string): void;
  err(s: string): void;
  isTTY: boolean;
}

/** Parse a job file and run it on a profile, streaming its trace to `tracePath` if given, and its latency logs with `latLogs`. */
function simulateJobFile(io: Io, jobFile: string, o: JobFileOptions & TraceFileOptions, tracePath: string | undefined, latLogs: boolean) {
  const jobs = parseJobFile(readFileSync(jobFile, 'utf8'), jobFile);
  const profile = loadProfile(o.profile);
  const seed = parseSeed(o.seed);
  const trace = tracePath === undefined ? null : openTraceFile(tracePath, o, `dio ${profile.name}`);
  const logs = latLogs ? latLogFiles() : null;
  const bar = progress(io, 100, o.quiet === true);
  try {
    const res = runJobs(jobs, profile, {
      seed,
      ...(trace ? { traceTo: trace.traceTo } : {}),
      ...(logs ? { latLogTo: logs.latLogTo } : {}),
      timestampMs: Date.now(),
      onProgress: (f) => bar.update(Math.round(f * 100)),
    });
    return { res, traceRecords: trace?.records() ?? 0 };
  } finally {
    bar.stop();
    trace?.close();
    logs?.close();
  }
}

/** Options of `run` and `trace`. */
interface JobFileOptions {
  profile: string;
  seed: string;
  quiet?: boolean;
}

function runCmd(io: Io, jobFile: string, o: JobFileOptions & TraceFileOptions & { trace?: string; outputFormat: string }): void {
  const fmt = o.outputFormat;
  if (!['normal', 'json', 'json+'].includes(fmt)) throw new UsageError(`--output-format: '${fmt}' must be normal, json or json+`);
  const { res } = simulateJobFile(io, jobFile, o, o.trace, true);
  io.out(fmt === 'normal' ? formatNormal(res.result) : formatJson(res.result, { plus: fmt === 'json+' }));
  if (res.hung.length > 0) io.err(`dio: hung tasks at the end of the run: ${res.hung.map((h) => `${h.task} on ${h.waitingOn}`).join(', ')}`);
  // fio reports a job's error and exits non-zero; so does dio
  const failed = res.result.jobs.filter((j) => j.error !== 0);
  if (failed.length > 0) throw new JobFailed(failed.map((j) => `job '${j.name}' failed: error=${j.error} (${errnoName(-j.error)})`).join('; '));
}

/**
 * Run the dio CLI; resolves to the exit code. `workerEntry` is the JavaScript
 * file to start comparison workers from (the running bundle), or null to run
 * everything on this thread.
 */
export async function main(argv: readonly string[], io: Io, workerEntry: URL | null = null): Promise<number> {
  const program = new Command('dio')
    .description('Emulate the Linux async O_DIRECT write path and compare DIO completion policies')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('compare')
    .description('the IOCB_DIO_CALLER_COMP table: 4 KiB randwrite, io_uring, fio pinned to one CPU, stock vs patched')
    .option('--qd <list>', 'queue depths', '1,2,4,8,16')
    .option('--policies <list>', 'completion policies (workqueue,caller,inline)')
    .option('--profiles <list>', 'kernel profiles by name or .json file', 'linux-6.5,linux-6.6-rc1')
    .addOption(new Option('--engine <name>', 'fio ioengine').choices(['io_uring', 'libaio', 'psync', 'pvsync2']).default('io_uring'))
    .option('--runtime <time>', 'simulated runtime per point (fio time syntax)', '500ms')
    .option('--seed <n>', 'random seed', '1')
    .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'json']).default('table'))
    .option('--quiet', 'no progress bar')
    .option('--jobs <n>', 'worker threads (default: one per CPU); results do not depend on it')
    .option('--plot <out.svg>', 'also write IOPS and p99 latency vs QD as an SVG plot')
    .action(async (o: { qd: string; policies?: string; profiles: string; engine: 'io_uring'; runtime: string; seed: string; format: string; quiet?: boolean; jobs?: string; plot?: string }) => {
      const profiles = o.policies !== undefined ? profilesForPolicies(o.policies) : parseProfileList(o.profiles);
      const qds = parseQds(o.qd);
      const seed = parseSeed(o.seed);
      const runtimeNs = parsePositiveTime('--runtime', o.runtime);
      const jobs = parseJobs(o.jobs);
      const bar = progress(io, qds.length * profiles.length, o.quiet === true);
      const cells = await runCells('compare', compareTasks({ qds, profiles, engine: o.engine, runtime: o.runtime, seed }), workerEntry, jobs, (d) => bar.update(d));
      bar.stop();
      if (o.plot !== undefined) writeFileSync(o.plot, await plotSvg(cells));
      if (o.format === 'json') {
        const results = cells.map(({ qd, policy, profile, iops, clat_ns }) => ({ qd, policy, profile, iops: Math.round(iops), clat_ns }));
        io.out(JSON.stringify({ results, seed, runtime_ns: runtimeNs }, null, 2));
        return;
      }
      io.out(`dio compare: 4 KiB randwrite, ${o.engine}, fio on CPU 4, runtime ${o.runtime} per point, seed ${seed}`);
      io.out(formatTable(cells, profiles));
    });

  program
    .command('sweep')
    .description('run a fio job file across every combination of --set option values and kernel profiles')
    .argument('<job.fio>')
    .option('--set <opt=v1,v2>', 'override an fio option in every job, once per value (repeatable: the product is swept)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--profiles <list>', 'kernel profiles by name or .json file', 'linux-6.5,linux-6.6-rc1')
    .option('--seed <n>', 'random seed', '1')
    .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'json']).default('table'))
    .option('--quiet', 'no progress bar')
    .option('--jobs <n>', 'worker threads (default: one per CPU); results do not depend on it')
    .action(async (file: string, o: { set: string[]; profiles: string; seed: string; format: string; quiet?: boolean; jobs?: string }) => {
      const text = readFileSync(file, 'utf8');
      parseJobFile(text, file); // the file's own errors first, at their lines
      const axes = parseSetArgs(o.set);
      const profiles = parseProfileList(o.profiles);
      const seed = parseSeed(o.seed);
      const jobs = parseJobs(o.jobs);
      const points = setProduct(axes);
      for (const p of points) parsePoint(text, file, p); // every combination is a valid job file before anything runs
      const tasks = sweepTasks(text, file, points, profiles, seed);
      const bar = progress(io, tasks.length, o.quiet === true);
      const cells = await runCells('sweep', tasks, workerEntry, jobs, (d) => bar.update(d));
      bar.stop();
      if (o.format === 'json') {
        io.out(sweepJson(cells, seed));
        return;
      }
      io.out(`dio sweep: ${file}, ${points.length} combination(s) x ${profiles.length} profile(s), seed ${seed}`);
      io.out(formatSweepTable(cells, profiles));
    });

  // `run` and `trace`: a job file simulated on a profile with a seed
  const jobFileCommand = (name: string, description: string): Command =>
    program
      .command(name)
      .description(description)
      .argument('<job.fio>')
      .option('--profile <name|file.json>', 'kernel profile', 'linux-6.6')
      .option('--seed <n>', 'random seed', '1')
      .option('--quiet', 'no progress bar');

  // the trace options of `run --trace` and `trace`
  const traceOptions = (c: Command): Command =>
    c
      .addOption(new Option('--trace-format <fmt>', 'trace file format: Chrome/Perfetto JSON, or Perfetto protobuf (smaller, for long traces)').choices(['json', 'proto']).default('json'))
      .option('--trace-window <start,end>', 'record only this window of simulated time (fio time units, e.g. 100ms,110ms)');

  traceOptions(
    jobFileCommand('run', 'run a fio job file on the emulated stack, like fio')
      .option('--trace <out.json>', 'write a Perfetto trace')
      .option('--output-format <fmt>', 'normal, json or json+', 'normal'),
  ).action((file: string, o: JobFileOptions & TraceFileOptions & { trace?: string; outputFormat: string }) => runCmd(io, file, o));

  traceOptions(jobFileCommand('trace', 'run a fio job file and write a Perfetto trace (streamed to the file as it runs)').requiredOption('--out <trace.json>', 'trace file')).action(
    (file: string, o: JobFileOptions & TraceFileOptions & { out: string }) => {
      const { traceRecords } = simulateJobFile(io, file, o, o.out, false);
      io.err(`dio: wrote ${traceRecords} trace records to ${o.out} (open in ui.perfetto.dev)`);
    },
  );

  program
    .command('calibrate')
    .description('fit the cost table to fio JSON results from your machine and write a profile')
    .argument('<fio.json...>')
    .requiredOption('--out <profile.json>', 'where to write the fitted profile')
    .option('--profile <name|file.json>', 'the kernel the results were measured on', 'linux-6.6')
    .option('--runtime <time>', 'simulated runtime per point per evaluation', '20ms')
    .option('--iterations <n>', 'optimizer iterations', '40')
    .option('--seed <n>', 'random seed', '1')
    .option('--quiet', 'no progress bar')
    .action((files: string[], o: { out: string; profile: string; runtime: string; iterations: string; seed: string; quiet?: boolean }) => {
      const base = loadProfile(o.profile);
      parsePositiveTime('--runtime', o.runtime);
      const points = files.map((f) => pointFromFioJson(readFileSync(f, 'utf8'), f, o.runtime));
      const iters = Number(o.iterations);
      if (!Number.isInteger(iters) || iters < 1) throw new UsageError(`--iterations: '${o.iterations}' must be a positive integer`);
      const bar = progress(io, iters * 2 + 4, o.quiet === true);
      let steps = 0;
      const r = calibrate(points, base, { seed: parseSeed(o.seed), iterations: iters, onStep: () => bar.update(++steps) });
      bar.stop();
      const { name, description, version, policy, writeThroughCache, ioUringCallerComp, cpus, sched, costs, device } = r.profile;
      writeFileSync(o.out, `${JSON.stringify({ extends: shippedRoot(base), name, description, version, policy, writeThroughCache, ioUringCallerComp, cpus, sched, costs, device }, null, 2)}\n`);
      io.out(`fit: cpu costs x${r.fit.cpuScale.toFixed(3)}, completion-hop costs x${r.fit.hopScale.toFixed(3)}, device latency ${(r.fit.deviceLatencyNs / 1000).toFixed(2)} us`);
      io.out('point | QD | measured IOPS | model IOPS | error');
      for (const p of r.points) io.out(`${p.source} | ${p.iodepth} | ${Math.round(p.measuredIops)} | ${Math.round(p.modelIops)} | ${p.errorPct >= 0 ? '+' : ''}${p.errorPct.toFixed(1)}%`);
      if (points.length < 3) io.out(`note: ${points.length} point(s) for 3 knobs: the fit is underdetermined; give results at several queue depths`);
      io.out(`wrote ${o.out}`);
    });

  program
    .command('fuzz')
    .description('deterministic simulation testing: random stacks and workloads per seed, every invariant checked')
    .option('--seeds <n>', 'how many seeds', '1000')
    .option('--from <seed>', 'first seed', '1')
    .option('--quiet', 'no progress bar')
    .action((o: { seeds: string; from: string; quiet?: boolean }) => {
      const n = Number(o.seeds);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`--seeds: '${o.seeds}' must be a positive integer`);
      const from = parseSeed(o.from);
      const bar = progress(io, n, o.quiet === true);
      const summary = fuzz(from, n, (d) => bar.update(d));
      bar.stop();
      for (const line of formatSummary(summary)) io.out(line);
      if (summary.failed.length > 0) throw new FuzzFailed(`${summary.failed.length} of ${n} seeds failed`);
    });

  try {
    // `pnpm soak -- --seeds N` forwards a literal '--': dio takes no positional argument starting with '-'
    await program.parseAsync(['node', 'dio', ...argv.filter((a) => a !== '--')]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    const msg = userMessage(e);
    if (msg === null) throw e;
    io.err(`dio: ${msg}`);
    return 1;
  }
}
