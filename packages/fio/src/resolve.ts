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
    throw new FioJobError(at.file, at.line, reason ?? `unsupported option '${written}'`, written);
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

/** Applies one section's options to `d`, `kb_base` first. */
export function applyOptions(d: JobDraft, opts: readonly RawOption[]): void {
  const ordered = [...opts.filter((o) => o.def.name === 'kb_base'), ...opts.filter((o) => o.def.name !== 'kb_base')];
  for (const o of ordered) {
    const err = o.def.apply(d, o.value, o.at);
    if (err !== undefined) {
      const shown = o.value === undefined ? `option '${o.written}'` : `invalid value '${o.value}' for option '${o.written}'`;
      throw new FioJobError(o.at.file, o.at.line, `${shown}: ${err}`, o.written);
    }
  }
}

/** Accumulates `[global]` sections and builds jobs from them. */
export class JobBuilder {
  private readonly globals: JobDraft = newDraft('');
  private readonly globalEcho: FioOptionEcho[] = [];
  private readonly pending: { name: string; source: SourceLocation; draft: JobDraft; echo: FioOptionEcho[] }[] = [];

  /** A `[global]` section: validated now, defaults for every later job. */
  addGlobal(opts: readonly RawOption[]): void {
    applyOptions(this.globals, opts);
    this.globalEcho.push(...echoOf(opts));
  }

  /** A job section: copies the current defaults and applies its own options. */
  addJob(name: string, source: SourceLocation, opts: readonly RawOption[]): void {
    const d = cloneDraft(this.globals);
    d.fields.name = name;
    applyOptions(d, opts);
    this.pending.push({ name, source, draft: d, echo: echoOf(opts) });
  }

  /** The jobs, checked as wholes. `where` names the input for "no jobs" errors. */
  finish(where: string): FioJob[] {
    if (this.pending.length === 0) throw new FioJobError(where, 0, 'no jobs defined');
    const globalEcho: readonly FioOptionEcho[] = [...this.globalEcho];
    const jobs = assignGroups(this.pending.map((p) => finishDraft(p.draft, p.source, p.echo, globalEcho)));
    jobDependencies(jobs); // wait_for= must name a job
    return jobs;
  }
}
