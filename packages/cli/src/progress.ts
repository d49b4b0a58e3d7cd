/**
 * A progress bar on stderr (cli-progress), only on a TTY and not with --quiet.
 * @module
 */
import { SingleBar } from 'cli-progress';

/** Something to update and stop. */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

/** A bar for `total` steps, or a no-op. */
export function progress(io: { isTTY: boolean }, total: number, quiet: boolean): Progress {
  if (quiet || !io.isTTY || total <= 1) return { update() {}, stop() {} };
  const bar = new SingleBar({ format: 'dio [{bar}] {value}/{total} points | {duration_formatted}', stream: process.stderr, hideCursor: true });
  bar.start(total, 0);
  return { update: (d) => bar.update(d), stop: () => bar.stop() };
}
