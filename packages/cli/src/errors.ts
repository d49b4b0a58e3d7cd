/**
 * User-facing error reporting: typed errors become one line and exit code 1.
 * @module
 */
import { BadblocksParseError, NullBlkConfigError } from '@dio/blockdev';
import { FioJobError, JobSetupError, ProfileError } from '@dio/fio';
import { DistributionError, LivelockError } from '@dio/sim';

/** A usage error in the dio command line. */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
}

/** A simulated fio job ended with an error (its report is printed; exit code 1, as fio). */
export class JobFailed extends Error {
  override readonly name = 'JobFailed';
}

/** A fuzz campaign found failing seeds (already reported). */
export class FuzzFailed extends Error {
  override readonly name = 'FuzzFailed';
}

/** The user pressed Ctrl-C (exit code 130). */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
}

const USER_ERRORS = [FuzzFailed, JobFailed, FioJobError, JobSetupError, ProfileError, UsageError, DistributionError, NullBlkConfigError, BadblocksParseError, Interrupted] as const;

/** The message for an error a user can cause, or null for a bug. */
export function userMessage(e: unknown): string | null {
  if (e instanceof LivelockError) return e.message.split('\n')[0] ?? e.message;
  if (USER_ERRORS.some((k) => e instanceof k)) return (e as Error).message;
  // a filesystem error that did not come through user-fs.ts still names its path and code
  const x = e as NodeJS.ErrnoException;
  if (e instanceof Error && typeof x.code === 'string' && /^E[A-Z]+$/.test(x.code)) return x.message;
  return null;
}
