/**
 * Ctrl-C while worker threads run a sweep or a comparison (the main thread
 * is idle then, so the signal is handled at once): the progress bar is
 * stopped, the workers are terminated, and dio exits with 130 after one
 * `dio: interrupted` line. A run on the main thread (run, trace, calibrate,
 * --jobs 1) keeps Node's default SIGINT: it ends at once, and as the
 * progress bar never hides the cursor there is no terminal state to restore.
 * @module
 */
import { Interrupted } from './errors';

/** Run `work` with an AbortSignal that Ctrl-C (SIGINT) aborts; `bar` is stopped either way. */
export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>, bar: { stop(): void }): Promise<T> {
  const ctl = new AbortController();
  const onSigint = (): void => ctl.abort(new Interrupted('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    return await work(ctl.signal);
  } finally {
    process.off('SIGINT', onSigint);
    bar.stop();
  }
}
