/**
 * The one error users can cause in this package: a bad job file or command line.
 * @module
 */

/**
 * A job file or command line that fio would reject, or that dio does not
 * support. Carries where: `file` (the job file name, or `"command line"`),
 * `line` (1-based line, or the 1-based argument index on a command line; 0
 * when the problem is not tied to one line) and the `option` involved, if any.
 *
 * @example
 * ```ts
 * try { parseJobFile('[w]\nfoo=1\n', 'job.fio'); }
 * catch (e) { if (e instanceof FioJobError) console.log(e.message); } // job.fio:2: unsupported option 'foo'
 * ```
 */
export class FioJobError extends Error {
  /** Job file name, or `"command line"`. */
  readonly file: string;
  /** 1-based line (or argument index); 0 when not tied to a line. */
  readonly line: number;
  /** The option involved, when there is one. */
  readonly option: string | undefined;
  /** The message without the `file:line: ` prefix. */
  readonly reason: string;

  constructor(file: string, line: number, reason: string, option?: string) {
    super(line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
    this.name = 'FioJobError';
    this.file = file;
    this.line = line;
    this.option = option;
    this.reason = reason;
  }
}

/** The `file` of errors about command-line arguments (their `line` is the 1-based argument index). */
export const COMMAND_LINE = 'command line';

/** Where an option or section came from. */
export interface SourceLocation {
  /** Job file name, or `"command line"`. */
  readonly file: string;
  /** 1-based line, or argument index on a command line. */
  readonly line: number;
}
