/**
 * init.c: __parse_jobs_ini() — the job file's ini syntax. `[name]` starts a
 * section, `key=value` or a bare `key` sets an option, lines whose first
 * non-blank is `;` or `#` are comments, and (as fio's strip_blank_end())
 * anything from a `;` or `#` on an option line is dropped.
 * @module
 */
import { FioJobError } from './errors';

/** One `key[=value]` line. */
export interface IniEntry {
  /** Option name as written. */
  readonly key: string;
  /** Value without blanks and trailing comment; undefined when bare. */
  readonly value: string | undefined;
  /** 1-based line. */
  readonly line: number;
}

/** One `[section]` and its entries. */
export interface IniSection {
  /** Section name (`global` for defaults). */
  readonly name: string;
  /** 1-based line of the header. */
  readonly line: number;
  /** Entries in file order. */
  readonly entries: readonly IniEntry[];
  /** Whether a line of the section was malformed (and went to the sink). */
  readonly failed: boolean;
}

function stripComment(s: string): string {
  const i = s.search(/[;#]/);
  return (i < 0 ? s : s.slice(0, i)).trim();
}

/** Splits a job file into sections; a malformed line is a `FioJobError`, thrown unless `sink` takes it (the line is then skipped). */
export function parseIni(text: string, file: string, sink: (e: FioJobError) => void = (e) => { throw e; }): IniSection[] {
  const sections: { name: string; line: number; entries: IniEntry[]; failed: boolean }[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const t = (lines[i] ?? '').trim();
    if (t === '' || t.startsWith(';') || t.startsWith('#')) continue;
    if (t.startsWith('[')) {
      const m = /^\[([^\]]*)\]\s*(?:[;#].*)?$/.exec(t);
      const name = (m?.[1] ?? '').trim();
      if (m === null || name === '') {
        sink(new FioJobError(file, lineNo, m === null ? `malformed section header '${t}'` : 'empty section name'));
        continue;
      }
      sections.push({ name, line: lineNo, entries: [], failed: false });
      continue;
    }
    const body = stripComment(t);
    if (body === '') continue;
    const eq = body.indexOf('=');
    const key = (eq < 0 ? body : body.slice(0, eq)).trim();
    const value = eq < 0 ? undefined : body.slice(eq + 1).trim();
    const current = sections[sections.length - 1];
    const error = /^include(\s|$)/.test(body)
      ? new FioJobError(file, lineNo, "'include' is not supported: put the options in this file", 'include')
      : key === ''
        ? new FioJobError(file, lineNo, `missing option name before '='`)
        : current === undefined
          ? new FioJobError(file, lineNo, `option '${key}' outside of a [job] section`, key)
          : undefined;
    if (error !== undefined) {
      if (current !== undefined) current.failed = true;
      sink(error);
    } else current?.entries.push({ key, value, line: lineNo });
  }
  return sections;
}
