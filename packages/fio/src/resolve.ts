/**
 * Applies options to jobs the way fio does: `[global]` options build the
 * defaults every later job copies; a job applies its own options on top.
 * `kb_base` is applied before the other options of the same section (fio
 * gives it parse priority), so `size=1k` means the same wherever it sits.
 * @module
 */
import { COMMAND_LINE, FioJobError, type SourceLocation } from './errors';
import { finishDraft, newDraft, type JobDraft } from './draft';
import type { FioJob, FioOptionEcho } from './job';
import { fioOptionEcho } from './option-echo';
import { findOption, REJECTED_OPTIONS, type OptionDef } from './options';
import { unknownOptionReason, valueRefusal } from './refusals';

/**
 * Where problems go: thrown at the first (the default), or collected so that
 * `--parse-only` can report every one of a file at once.
 */
export type ErrorSink = (e: FioJobError) => void;

/** The default sink: throw. */
export const throwError: ErrorSink = (e) => {
  throw e;
};

/** Runs `f`; a `FioJobError` it throws goes to `sink` (and gives undefined). */
export function caught<T>(sink: ErrorSink, f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof FioJobError)) throw e;
    sink(e);
    return undefined;
  }
}
import { assignGroups, jobDependencies } from './pace/ordering';

/** An option looked up and located, not yet applied. */
export interface RawOption {
  /** The accepted option. */
  readonly def: OptionDef;
  /** Name as written (may be an alias). */
  readonly written: string;
  /** Raw value; undefined when bare. */
  readonly value: string | undefined;
  /** Where it was written. */
  readonly at: SourceLocation;
}

/** Looks an option up; throws `FioJobError` if dio does not accept it or it lacks a needed value. */
export function lookupOption(written: string, value: string | undefined, at: SourceLocation): RawOption {
  const def = findOption(written);
  if (def === undefined) {
    const reason = Object.prototype.hasOwnProperty.call(REJECTED_OPTIONS, written) ? REJECTED_OPTIONS[written] : undefined;
    throw new FioJobError(at.file, at.line, reason ?? unknownOptionReason(written, value), written);
  }
  if (value === undefined && def.needsValue) throw new FioJobError(at.file, at.line, `option '${written}' requires a value`, written);
  return { def, written, value, at };
}

/** The echo fio's JSON shows for these options (canonical names, raw values). */
export function echoOf(opts: readonly RawOption[]): FioOptionEcho[] {
  const fromFile = opts.some((o) => o.at.file !== COMMAND_LINE);
  return fioOptionEcho(opts.map((o) => ({ name: o.def.name, value: o.value })), fromFile);
}

function cloneDraft(d: JobDraft): JobDraft {
  return {
    fields: { ...d.fields },
    engineOptions: [...d.engineOptions],
    setAt: new Map(d.setAt),
    latLogBare: d.latLogBare,
  };
}

/** Applies one section's options to `d`, `kb_base` first; refused or invalid values go to `sink`. */
export function applyOptions(d: JobDraft, opts: readonly RawOption[], sink: ErrorSink = throwError): void {
  const ordered = [...opts.filter((o) => o.def.name === 'kb_base'), ...opts.filter((o) => o.def.name !== 'kb_base')];
  for (const o of ordered) {
    const refused = valueRefusal(o.def.name, o.value);
    if (refused !== undefined) {
      sink(new FioJobError(o.at.file, o.at.line, refused, o.written));
      continue;
    }
    const err = o.def.apply(d, o.value, o.at);
    if (err !== undefined) {
      const shown = o.value === undefined ? `option '${o.written}'` : `invalid value '${o.value}' for option '${o.written}'`;
      sink(new FioJobError(o.at.file, o.at.line, `${shown}: ${err}`, o.written));
    }
  }
}

/**
 * Orders errors as a reader meets them: by input (command line first, then
 * files in the order they first appear), then by line (errors tied to no
 * line last).
 */
export function byLine(errors: readonly FioJobError[], firstFile?: string): FioJobError[] {
  const inputs = [...new Set([...(firstFile === undefined ? [] : [firstFile]), ...errors.map((e) => e.file)])];
  const line = (e: FioJobError): number => (e.line > 0 ? e.line : Number.MAX_SAFE_INTEGER);
  return [...errors].sort((a, b) => inputs.indexOf(a.file) - inputs.indexOf(b.file) || line(a) - line(b));
}

/**
 * Accumulates `[global]` sections and builds jobs from them. With a
 * collecting sink, a job whose options (or the `[global]` options before it)
 * had errors is dropped at `finish` without its whole-job checks, so one
 * mistake gives one error.
 */
export class JobBuilder {
  private readonly globals: JobDraft = newDraft('');
  private readonly globalEcho: FioOptionEcho[] = [];
  private readonly pending: { name: string; source: SourceLocation; draft: JobDraft; echo: FioOptionEcho[]; failed: boolean }[] = [];
  private readonly sink: ErrorSink;
  private errors = 0;
  private globalsFailed = false;

  /** @param sink where option and job errors go (thrown by default) */
  constructor(sink: ErrorSink = throwError) {
    this.sink = (e) => {
      this.errors++;
      sink(e);
    };
  }

  /** A `[global]` section: validated now, defaults for every later job. */
  addGlobal(opts: readonly RawOption[]): void {
    const before = this.errors;
    applyOptions(this.globals, opts, this.sink);
    this.globalEcho.push(...echoOf(opts));
    if (this.errors > before) this.globalsFailed = true;
  }

  /** Marks the defaults as failed (an option of a `[global]` section was refused before it could be added). */
  failGlobals(): void {
    this.globalsFailed = true;
  }

  /** A job section: copies the current defaults and applies its own options; `failed` when its options already had errors. */
  addJob(name: string, source: SourceLocation, opts: readonly RawOption[], failed = false): void {
    const before = this.errors;
    const d = cloneDraft(this.globals);
    d.fields.name = name;
    applyOptions(d, opts, this.sink);
    this.pending.push({ name, source, draft: d, echo: echoOf(opts), failed: failed || this.globalsFailed || this.errors > before });
  }

  /** Every global option so far, as written (fio's JSON "global options"). */
  get globalOptions(): readonly FioOptionEcho[] {
    return [...this.globalEcho];
  }

  /** Whether any job was added. */
  get hasJobs(): boolean {
    return this.pending.length > 0;
  }

  /** The jobs, checked as wholes (a job that fails goes to the sink and is dropped). `where` names the input for "no jobs" errors. */
  finish(where: string): FioJob[] {
    if (this.pending.length === 0) throw new FioJobError(where, 0, 'no jobs defined');
    const globalEcho: readonly FioOptionEcho[] = [...this.globalEcho];
    const jobs = assignGroups(this.pending.flatMap((p) => (p.failed ? [] : (caught(this.sink, () => finishDraft(p.draft, p.source, p.echo, globalEcho)) ?? []))));
    caught(this.sink, () => jobDependencies(jobs)); // wait_for= must name a job
    return jobs;
  }
}
