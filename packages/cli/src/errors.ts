/**
 * User-facing error reporting: typed errors become one line and exit code 1.
 * @module
 */
import { FioJobError, JobSetupError, ProfileError } from '@dio/fio';
import { DistributionError, LivelockError } from '@dio/sim';

/** A usage error in the dio command line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A simulated fio job ended with an error (its report is printed; exit code 1, as fio). */
export class JobFailed extends Error {
  override readonly name = 'JobFailed';
}

/** A fuzz campaign found failing seeds (already reported). */
export class FuzzFailed extends Error {
  override readonly name = 'FuzzFailed';
}

/** The one-line message for an error a user can cause, or null for a bug. */
export function userMessage(e: unknown): string | null {
  if (e instanceof FuzzFailed || e instanceof JobFailed || e instanceof FioJobError || e instanceof JobSetupError || e instanceof ProfileError || e instanceof UsageError || e instanceof DistributionError || e instanceof LivelockError) {
    return e.message.split('\n')[0] ?? e.message;
  }
  if (e instanceof Error && 'code' in e && (e as NodeJS.ErrnoException).code === 'ENOENT') return e.message;
  return null;
}
