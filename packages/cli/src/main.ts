/**
 * The `dio` command line.
 * @module
 */
import { COMMAND_LINE, defaultExpandContext, memoryMbOf, formatOutput, parseFioArgs, parseFormats, parseJobFile, PROFILES, runJobs, type ExpandContext, type FioJob, type KernelProfile, type RunOptions } from '@dio/fio';
import { errnoName } from '@dio/kiocb';
import { Command, CommanderError, Option } from 'commander';
import { calibrateCommand, type CalibrateOptions } from './calibrate/command';
import { COMPARE_DEFAULTS, type CompareLength, compareHeading, compareJson, compareTasks, formatTable, type LengthJson, SERIES_BLOCKS } from './compare';
import { runCells } from './parallel';
import { compareReport, sweepReport } from './report/grid';
import { checkPictureOptions, compareWorkload, cpuWindowFor, jobWorkload, reportFromFile, runReport, traceSummary, writeGridPictures, writeReport } from './report/outputs';
import { provenance } from './report/provenance';
import { Interrupted, JobFailed, UsageError, userMessage } from './errors';
import { fuzzCommand, type FuzzOptions } from './fuzz-command';
import { interruptible } from './interrupt';
import { mergeCommand } from './merge';
import { oneLine } from './one-line';
import { loadProfile, parseCount, parseJobs, parseProfileList, parseQds, parseSeed, profilesForPolicies } from './profile-arg';
import { logOpener } from './log-writer';
import { progress } from './progress';
import { parseOnly, powerCutSpec, printJobMessages, reportPowerCut, wallTimeoutMs, warnJobs, warnPowerCut, warnWallCap } from './run-cmd';
import { sha256, shardOption, shardTasks } from './shard';
import { compareShardJson, sweepShardJson } from './shard-doc';
import { formatSweepTable, sweepHeading, sweepJson, sweepTasks } from './sweep';
import { parsePositiveTime, parseTime } from './time-arg';
import { openTraceFile, type TraceFileOptions } from './trace-file';
import { parseSetArgs, parsePoint, setProduct } from './sweep-set';
import { type UserFs, userFs } from './user-fs';
import { DIO_VERSION } from './version';

/**
 * Where the command writes: stdout, stderr, and whether stderr is a terminal
 * (for the progress bar); `cwd` is where relative paths start (default: the
 * process's working directory).
 */
export interface Io {
  out(s: string): void;
  err(s: string): void;
  isTTY: boolean;
  cwd?: string;
}

/** Parse a job file and run it on a profile (see `simulateJobs`). */
function simulateJobFile(io: Io, files: UserFs, jobFile: string, o: JobFileOptions & TraceFileOptions, tracePath: string | undefined, accounting: { stages?: boolean; report?: boolean } = {}) {
  return simulateJobs(io, files, parseJobFile(files.read(jobFile, 'job file'), jobFile, expandFor(loadProfile(o.profile, files))), o, tracePath, accounting);
}

/** `${VAR}` from the environment, `$ncpus` and `$mb_memory` from the simulated machine. */
function expandFor(profile: KernelProfile): ExpandContext {
  const base = defaultExpandContext();
  return { ...base, keywords: { ...base.keywords, ncpus: profile.cpus, mbMemory: memoryMbOf(profile) } };
}

/** Run jobs on a profile, streaming its trace to `tracePath` if given; `accounting` adds the stage table or the report's CPU windows; `run` adds the wall-clock cap and the global options. */
function simulateJobs(io: Io, files: UserFs, jobs: FioJob[], o: JobFileOptions & TraceFileOptions, tracePath: string | undefined, accounting: { stages?: boolean; report?: boolean } = {}, run: Pick<RunOptions, 'wallTimeoutMs' | 'globalOptions' | 'powerCut' | 'logTo'> = {}) {
  const profile = loadProfile(o.profile, files);
  const seed = parseSeed(o.seed);
  const trace = tracePath === undefined ? null : openTraceFile(files, tracePath, o, `dio ${profile.name}`);
  const bar = progress(io, 100, o.quiet === true);
  const acc = { stages: accounting.stages === true, ...(accounting.report === true && { cpuWindowNs: cpuWindowFor(jobs) }) };
  try {
    const res = runJobs(jobs, profile, { seed, ...(trace ? { traceTo: trace.traceTo } : {}), timestampMs: Date.now(), onProgress: (f) => bar.update(Math.round(f * 100)), accounting: acc, ...run });
    return { jobs, profile, seed, res, traceRecords: trace?.records() ?? 0 };
  } finally {
    bar.stop();
    trace?.close();
  }
}

/** Options of `run` and `trace`. */
interface JobFileOptions {
  profile: string;
  seed: string;
  quiet?: boolean;
}

/** Options of `run` on top of `JobFileOptions`. */
interface RunCmdOptions extends JobFileOptions, TraceFileOptions {
  trace?: string;
  outputFormat: string;
  terseVersion: string;
  output?: string;
  report?: string;
  wallTimeout?: string;
  powerCut?: string;
  powerCutTear?: boolean;
}

/** `dio run`: fio's command line (job files, `--name` jobs, `--runtime`, `--section`, `--parse-only`); the exit code. */
function runCmd(io: Io, files: UserFs, argv: readonly string[], args: readonly string[], o: RunCmdOptions): number {
  const fioArgs = { readFile: (p: string): string => files.read(p, 'job file'), expand: expandFor(loadProfile(o.profile, files)) };
  if (args.includes('--parse-only')) return parseOnly(io, args, fioArgs);
  const formats = parseFormats(o.outputFormat, { file: COMMAND_LINE, line: 0 });
  if (o.terseVersion !== '3') throw new UsageError(`--terse-version: '${o.terseVersion}' is not supported (dio writes terse version 3)`);
  checkPictureOptions(o);
  const inv = parseFioArgs(args, fioArgs);
  const wallMs = wallTimeoutMs(o.wallTimeout);
  const cut = powerCutSpec(o.powerCut, o.powerCutTear);
  warnJobs(io, inv.jobs, cut !== undefined);
  if (cut !== undefined) warnPowerCut(io, loadProfile(o.profile, files), inv.jobs);
  const { jobs, profile, seed, res } = simulateJobs(io, files, inv.jobs, o, o.trace, { report: o.report !== undefined }, { globalOptions: inv.globalOptions, logTo: logOpener(files), ...(wallMs === undefined ? {} : { wallTimeoutMs: wallMs }), ...(cut === undefined ? {} : { powerCut: cut }) });
  reportPowerCut(io, res);
  printJobMessages(io, res);
  warnWallCap(io, res, o.wallTimeout);
  const jobFile = args.find((a) => !a.startsWith('-')) ?? COMMAND_LINE;
  if (o.report !== undefined) writeReport(files, o.report, runReport(argv, jobFile, jobs, profile, seed, res));
  const text = formatOutput(res.result, formats);
  // fio --output: the report goes to the file, nothing else (no ETA, no progress) with it
  if (o.output !== undefined) files.write(o.output, text, 'report');
  else io.out(text);
  if (res.hung.length > 0) io.err(`dio: hung tasks at the end of the run: ${res.hung.map((h) => `${h.task} on ${h.waitingOn}`).join(', ')}`);
  throwJobErrors(res);
  return 0;
}

/** fio reports a job's error and exits non-zero; so does every dio command. */
function throwJobErrors(res: ReturnType<typeof runJobs>): void {
  const failed = res.result.jobs.filter((j) => j.error !== 0);
  if (failed.length > 0) throw new JobFailed(failed.map((j) => `job '${j.name}' failed: error=${j.error} (${errnoName(-j.error)})`).join('; '));
}

/**
 * Whether a compare's or sweep's output carries the report's figures (the
 * JSON, which a shard always is, or the HTML report): only then do its
 * cells run the per-stage accounting, a tenth of their time.
 */
const carriesAccounting = (o: { format: string; report?: string }): boolean => o.format === 'json' || o.report !== undefined;

const SHARD_HELP = 'run only shard i of n (0 <= i < n): point k when k mod n = i; prints a JSON document for dio merge (needs --format json)';

/** One example per command, in its --help. */
const example = (cmd: Command, line: string): Command => cmd.addHelpText('after', `\nExample:\n  ${line}`);

/**
 * Run the dio CLI; resolves to the exit code. `workerEntry` is the JavaScript
 * file to start comparison workers from (the running bundle), or null to run
 * everything on this thread.
 */
export async function main(argv: readonly string[], io: Io, workerEntry: URL | null = null): Promise<number> {
  const files = userFs(io.cwd ?? process.cwd());
  const program = new Command('dio')
    .description('Emulate the Linux async O_DIRECT write path and compare DIO completion policies')
    .version(DIO_VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.trimEnd()),
      writeErr: (s) => io.err(s.trimEnd()),
      // commander's `error: …` (and its `(Did you mean …?)` line) as dio's one line
      outputError: (s, write) => write(`dio: ${oneLine(s.trim().replace(/^error: /, '').replace(/\s*\n\s*/g, ' '))}`),
    })
    .addHelpText('after', `\nProfiles: ${Object.keys(PROFILES).join(', ')} (or a profile .json file)\n\nExample:\n  dio compare --qd 1,16 --profiles linux-6.5,linux-6.19`);

  const compare = program
    .command('compare')
    .description('the IOCB_DIO_CALLER_COMP table: 4 KiB randwrite, io_uring, fio pinned to one CPU, stock vs patched')
    .option('--qd <list>', 'queue depths', '1,2,4,8,16')
    .option('--policies <list>', 'completion policies (workqueue,caller,inline)')
    .option('--profiles <list>', 'kernel profiles by name or .json file (default: "linux-6.5,linux-6.6-rc1")')
    .addOption(new Option('--engine <name>', 'fio ioengine').choices(['io_uring', 'libaio', 'psync', 'pvsync2']).default('io_uring'))
    .option('--ios <n>', `I/Os per point after the ramp (fio's number_ios; default ${COMPARE_DEFAULTS.ios} unless --runtime is given)`)
    .option('--runtime <time>', 'instead of --ios: simulated runtime per point after the ramp (fio time syntax, time_based)')
    .option('--ramp-time <time>', "simulated time per point before its stats start (fio's ramp_time)", COMPARE_DEFAULTS.rampTime)
    .option('--seed <n>', 'random seed', '1')
    .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'json']).default('table'))
    .option('--quiet', 'no progress bar')
    .option('--jobs <n>', 'worker threads (default: one per CPU); results do not depend on it')
    .option('--plot <out.svg|out.png>', 'also write IOPS and p99 latency vs QD as an SVG or PNG plot')
    .option('--report <out.html>', 'also write a self-contained HTML report (charts, CPU time by stage, provenance)')
    .option('--shard <i/n>', SHARD_HELP)
    .action(async (o: { qd: string; policies?: string; profiles?: string; engine: 'io_uring'; ios?: string; runtime?: string; rampTime: string; seed: string; format: string; quiet?: boolean; jobs?: string; plot?: string; report?: string; shard?: string }) => {
      checkPictureOptions(o);
      if (o.policies !== undefined && o.profiles !== undefined) throw new UsageError('--policies and --profiles both choose the profiles: give one of them');
      const profiles = o.policies !== undefined ? profilesForPolicies(o.policies) : parseProfileList(o.profiles ?? 'linux-6.5,linux-6.6-rc1', files);
      const qds = parseQds(o.qd);
      const seed = parseSeed(o.seed);
      if (o.ios !== undefined && o.runtime !== undefined) throw new UsageError('--ios and --runtime both set how long each point runs: give one of them');
      const length: CompareLength = o.runtime !== undefined ? { runtime: o.runtime } : { ios: o.ios === undefined ? COMPARE_DEFAULTS.ios : parseCount('--ios', o.ios, SERIES_BLOCKS) };
      const lengthJson: LengthJson = 'runtime' in length ? { runtime_ns: parsePositiveTime('--runtime', length.runtime) } : { number_ios: length.ios };
      const rampNs = parseTime('--ramp-time', o.rampTime);
      const jobs = parseJobs(o.jobs);
      const shard = shardOption(o.shard, o.format);
      const tasks = compareTasks({ qds, profiles, engine: o.engine, length, rampTime: o.rampTime, seed, accounting: carriesAccounting(o) });
      const mine = shardTasks(tasks, shard);
      const bar = progress(io, mine.length, o.quiet === true);
      const cells = await interruptible((signal) => runCells('compare', mine, workerEntry, jobs, (d) => bar.update(d), signal), bar);
      const prov = provenance(argv, compareWorkload(o.engine, o.rampTime, length, seed), seed, profiles);
      if (shard !== null) {
        io.out(compareShardJson(shard, tasks.length, { qd: qds, profiles, engine: o.engine, ...('runtime' in length && { runtime: length.runtime }), ...lengthJson, ramp_time: o.rampTime, ramp_time_ns: rampNs, seed }, cells, prov));
        return;
      }
      await writeGridPictures(files, o, compareReport(cells, profiles.map((p) => p.name), o.engine, seed, prov));
      if (o.format === 'json') {
        io.out(compareJson(cells, seed, lengthJson, rampNs, prov));
        return;
      }
      io.out(compareHeading({ engine: o.engine, rampTime: o.rampTime, length, profiles }, seed));
      io.out(formatTable(cells, profiles));
    });

  example(compare, 'dio compare --qd 1,4,16 --profiles linux-6.5,linux-6.19 --runtime 200ms');

  const sweep = program
    .command('sweep')
    .description('run a fio job file across every combination of --set option values and kernel profiles')
    .argument('<job.fio>')
    .option('--set <opt=v1,v2>', 'override an fio option in every job, once per value (repeatable: the product is swept)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--profiles <list>', 'kernel profiles by name or .json file', 'linux-6.5,linux-6.6-rc1')
    .option('--seed <n>', 'random seed', '1')
    .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'json']).default('table'))
    .option('--quiet', 'no progress bar')
    .option('--jobs <n>', 'worker threads (default: one per CPU); results do not depend on it')
    .option('--plot <out.svg|out.png>', 'also write IOPS and p99 latency per point as an SVG or PNG plot')
    .option('--report <out.html>', 'also write a self-contained HTML report (charts, CPU time by stage, provenance)')
    .option('--shard <i/n>', SHARD_HELP)
    .action(async (file: string, o: { set: string[]; profiles: string; seed: string; format: string; quiet?: boolean; jobs?: string; plot?: string; report?: string; shard?: string }) => {
      checkPictureOptions(o);
      const text = files.read(file, 'job file');
      const parsed = parseJobFile(text, file); // the file's own errors first, at their lines
      const axes = parseSetArgs(o.set);
      const profiles = parseProfileList(o.profiles, files);
      const seed = parseSeed(o.seed);
      const jobs = parseJobs(o.jobs);
      const points = setProduct(axes);
      for (const p of points) parsePoint(text, file, p); // every combination is a valid job file before anything runs
      const shard = shardOption(o.shard, o.format);
      const tasks = sweepTasks(text, file, points, profiles, seed, carriesAccounting(o));
      const mine = shardTasks(tasks, shard);
      const bar = progress(io, mine.length, o.quiet === true);
      const cells = await interruptible((signal) => runCells('sweep', mine, workerEntry, jobs, (d) => bar.update(d), signal), bar);
      const sets = axes.length > 0 ? ` across ${axes.map((a) => `${a.option}=${a.values.join(',')}`).join(' ')}` : '';
      const prov = provenance(argv, jobWorkload(file, parsed, seed, sets), seed, profiles);
      if (shard !== null) {
        io.out(sweepShardJson(shard, tasks.length, { file, jobSha256: sha256(text), axes, profiles, seed }, cells, prov));
        return;
      }
      await writeGridPictures(files, o, sweepReport(cells, profiles.map((p) => p.name), seed, prov));
      if (o.format === 'json') {
        io.out(sweepJson(cells, seed, prov));
        return;
      }
      io.out(sweepHeading(file, points.length, profiles.length, seed));
      io.out(formatSweepTable(cells, profiles));
    });

  example(sweep, 'dio sweep job.fio --set iodepth=1,8,32 --profiles linux-6.5,linux-6.19');

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

  let exitCode = 0;
  const run = traceOptions(
    program
      .command('run')
      .description('run fio jobs on the emulated stack, like fio: job files and fio command-line jobs (--name=w --rw=randwrite ...)')
      .argument('[fio-args...]', "job files and fio's options: --runtime, --section, --parse-only, --name and any job option")
      .option('--profile <name|file.json>', 'kernel profile', 'linux-6.6')
      .option('--seed <n>', 'random seed', '1')
      .option('--quiet', 'no progress bar')
      .option('--trace <out.json>', 'write a Perfetto trace (streamed to the file as it runs)')
      .option('--output-format <fmt>', 'normal, json, json+ or terse (comma-separated for several)', 'normal')
      .option('--terse-version <n>', 'terse output version (3)', '3')
      .option('--output <file>', 'write the report to this file instead of stdout')
      .option('--report <out.html>', 'also write a self-contained HTML report (fio numbers, histograms, CPU use over time)')
      .option('--wall-timeout <time>', 'stop every job after this much wall-clock time and report what was done')
      .option('--power-cut <time>', 'cut the device\'s power at this simulated time: jobs stop, the volatile write cache is lost, verifying jobs read back what was acknowledged')
      .option('--power-cut-tear', 'with --power-cut: lose the cache sector by sector (torn writes) instead of write by write')
      .allowUnknownOption()
      .allowExcessArguments(),
  ).action((args: string[], o: RunCmdOptions, cmd: Command) => {
    if (args.length === 0) cmd.error("error: missing job file or --name job (dio run job.fio, or dio run --name=w --rw=randwrite ...)", { exitCode: 2 });
    exitCode = runCmd(io, files, argv, args, o);
  });
  example(run, 'dio run job.fio --runtime 1s --profile linux-6.19 --output-format json');

  const trace = traceOptions(
    jobFileCommand('trace', 'run a fio job file and write a Perfetto trace (streamed to the file as it runs)')
      .option('--out <trace.json>', 'trace file')
      .option('--summary', 'print the completion contexts and CPU time per I/O by stage (no trace file needed)'),
  ).action((file: string, o: JobFileOptions & TraceFileOptions & { out?: string; summary?: boolean }) => {
    if (o.out === undefined && o.summary !== true) throw new UsageError('trace: give --out <trace.json>, --summary, or both');
    const { res, traceRecords } = simulateJobFile(io, files, file, o, o.out, { stages: o.summary === true });
    if (o.summary === true) for (const line of traceSummary(res)) io.out(line);
    if (o.out !== undefined) io.err(`dio: wrote ${traceRecords} trace records to ${o.out} (open in ui.perfetto.dev)`);
    throwJobErrors(res);
  });
  example(trace, 'dio trace job.fio --out trace.json --profile linux-6.6-rc1');

  const reportCmd = program
    .command('report')
    .description('turn saved `compare`/`sweep --format json` (or fio/`dio run` json/json+) output into a self-contained HTML report')
    .argument('<results.json>')
    .option('-o, --out <out.html>', 'the HTML file to write')
    .option('--plot <out.svg|out.png>', 'also (or only) write the IOPS and p99 plot of a compare or sweep')
    .action((file: string, o: { out?: string; plot?: string }) => reportFromFile(files, file, { report: o.out, plot: o.plot }));
  example(reportCmd, 'dio report results.json -o report.html  (results.json from dio compare --format json)');

  const calibrateCmd = program
    .command('calibrate')
    .description('fit a profile to fio JSON results from your machine, report how far to trust it, and write it')
    .argument('<fio.json...>')
    .requiredOption('--out <profile.json>', 'where to write the fitted profile')
    .option('--profile <name|file.json>', 'the kernel the results were measured on', 'linux-6.6')
    .option('--cpus <n>', "CPUs of the measured machine (default: from the jobs' cpus_allowed, at least 2)")
    .option('--device-kind <kind>', "the measured disk's model: null_blk, nvme, virtio-blk (a VM's disk), or auto: each tried in turn (default: the profile's)")
    .option('--queues <n>', "hardware queues of the measured disk (default: the profile's; nvme one per CPU, virtio-blk 1)")
    .option('--host-io <mode>', "a virtio-blk host's I/O: async (QEMU aio=native/io_uring) or sync (Firecracker, aio=threads); default: both tried in turn")
    .option('--irq-cpu <cpu>', "the CPU taking a virtio-blk disk's interrupt (default: the CPU the jobs were pinned to)")
    .option('--runtime <time>', 'simulated runtime per point per evaluation, after the ramp', '30ms')
    .option('--ramp-time <time>', "simulated time per point before its stats start (fio's ramp_time; a job's own wins)", '5ms')
    .option('--starts <n>', 'independent searches per device choice (the first at the profile, the others spread over the parameter space)', '8')
    .option('--hops <n>', 'searches per round from points near the best so far, after the starts (rounds go on while one improves, at most 3; 0: none)', '4')
    .option('--evaluations <n>', 'simulations per search', '600')
    .option('--seed <n>', 'random seed (the same for every candidate: common random numbers)', '1')
    .option('--jobs <n>', 'worker threads (default: one per CPU); results do not depend on it')
    .option('--quiet', 'no progress bar')
    .option('--shard <i/n>', 'run only the searches k with k mod n = i and print them as a JSON document; dio merge finishes the fit and writes --out')
    .action((inputs: string[], o: CalibrateOptions) => calibrateCommand(io, files, inputs, o, workerEntry));

  example(calibrateCmd, 'dio calibrate qd1.json qd16.json --out mine.json && dio compare --profiles linux-6.6,mine.json');

  const fuzzCmd = program
    .command('fuzz')
    .description('deterministic simulation testing: random stacks and workloads per seed, every invariant checked')
    .option('--seeds <n>', 'how many seeds', '1000')
    .option('--from <seed>', 'first seed', '1')
    .addOption(new Option('--format <fmt>', 'output format').choices(['text', 'json']).default('text'))
    .option('--shard <i/n>', SHARD_HELP)
    .option('--quiet', 'no progress bar')
    .action((o: FuzzOptions) => fuzzCommand(io, o));
  example(fuzzCmd, 'dio fuzz --seeds 200 --from 1000');

  const mergeCmd = program
    .command('merge')
    .description('merge the documents of --shard runs into what the unsharded run prints')
    .argument('<shard.json...>')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .addOption(new Option('--format <fmt>', 'json (as --format json prints) or text (the table, the fuzz summary)').choices(['json', 'text']).default('json'))
    .action((inputs: string[], o: { out?: string; format: 'json' | 'text' }) => mergeCommand(io, files, inputs, o, workerEntry));
  example(mergeCmd, 'dio merge shard-0.json shard-1.json shard-2.json -o all.json');

  // `pnpm soak -- --seeds N` forwards a literal '--': dio takes no positional argument starting with '-'
  const args = argv.filter((a) => a !== '--');
  if (args.length === 0) {
    io.err(`dio: no command: use one of ${program.commands.map((c) => c.name()).join(', ')} (dio --help)`);
    return 2;
  }
  try {
    await program.parseAsync(['node', 'dio', ...args]);
    return exitCode;
  } catch (e) {
    // a usage error commander found (already printed as one dio: line): 2; --help and --version: 0
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const msg = userMessage(e);
    if (msg === null) throw e;
    io.err(`dio: ${oneLine(msg)}`);
    return e instanceof Interrupted ? 130 : 1;
  }
}
