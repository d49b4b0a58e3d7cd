/**
 * Where a job's log lines go (fio writes its logs as it goes, so a long
 * run's logs do not live in memory): a sink per log file, fed in chunks of
 * about 64 KiB. Without a sink the lines stay in memory (the API's default,
 * read back with `JobLogger.files()`).
 * @module
 */

/** One log file being written. */
export interface LogSink {
  write(text: string): void;
  close(): void;
}

/**
 * Opens the log file `path` (`what` names it in errors: `latency log`, …).
 * Called once per job (clone) and log, in job order; jobs that share a file
 * name (`per_job_logs=0`) open it once each, and their lines must end up one
 * job after the other.
 */
export type LogOpener = (path: string, what: string) => LogSink;

/** Bytes gathered before a sink is written to. */
const CHUNK = 64 * 1024;

/** A log's lines: kept in memory, or written to a sink in chunks. */
export class LogOut {
  private readonly lines: string[] = [];
  private buf = '';
  private closed = false;

  constructor(
    readonly path: string,
    readonly what: string,
    private readonly sink: LogSink | null,
  ) {}

  /** One line (with its newline). */
  push(line: string): void {
    if (this.sink === null) {
      this.lines.push(line);
      return;
    }
    this.buf += line;
    if (this.buf.length >= CHUNK) {
      this.sink.write(this.buf);
      this.buf = '';
    }
  }

  /** Write what is gathered and close the sink (once). */
  close(): void {
    if (this.sink === null || this.closed) return;
    this.closed = true;
    if (this.buf !== '') this.sink.write(this.buf);
    this.buf = '';
    this.sink.close();
  }

  /** The text kept in memory (empty for a log written to a sink). */
  text(): string {
    return this.lines.join('');
  }
}
