/**
 * A progress bar on stderr (cli-progress) for runs longer than a second:
 * never when stderr is not a TTY or with --quiet, and only drawn once a
 * second has passed, so quick runs print nothing extra.
 * @module
 */
import { SingleBar } from 'cli-progress';

/** Something to update and stop. */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

/** How long a run goes before its bar appears. */
export const PROGRESS_DELAY_MS = 1000;

/** A bar for `total` steps, or a no-op. `stream` defaults to process.stderr. */
export function progress(io: { isTTY: boolean }, total: number, quiet: boolean, stream: NodeJS.WritableStream = process.stderr): Progress {
  if (quiet || !io.isTTY || total <= 1) return { update() {}, stop() {} };
  const t0 = Date.now();
  let done = 0;
  let bar: SingleBar | null = null;
  const show = (): void => {
    if (bar !== null) return;
    // the cursor stays visible: a Ctrl-C during a run on the main thread ends the process before any handler could show it again
    bar = new SingleBar({ format: 'dio [{bar}] {value}/{total} | {duration_formatted}', stream, hideCursor: false });
    bar.start(total, done);
  };
  // the main thread is idle while workers run a sweep: the timer shows the bar;
  // a sequential run blocks it, so update() checks the clock too
  const timer = setTimeout(show, PROGRESS_DELAY_MS);
  timer.unref();
  return {
    update: (d) => {
      done = d;
      if (bar === null && Date.now() - t0 >= PROGRESS_DELAY_MS) show();
      bar?.update(d);
    },
    stop: () => {
      clearTimeout(timer);
      bar?.stop();
    },
  };
}
