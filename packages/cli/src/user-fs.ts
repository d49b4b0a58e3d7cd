/**
 * Every file the CLI reads or writes for a user (job files, profiles, fio
 * JSON, --out/--trace/--plot targets, latency logs) goes through here:
 * relative paths resolve against the directory the user ran dio from, and
 * any filesystem error becomes one line naming the path and the problem.
 * @module
 */
import { closeSync, openSync, readFileSync, readSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors';

/** A file the user named could not be read or written. */
export class UserFileError extends UsageError {
  override readonly name = 'UserFileError';
}

/** What each errno means to someone who gave us a path. */
const PROBLEMS: Readonly<Record<string, string>> = {
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
  EBUSY: 'resource busy',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  ETXTBSY: 'text file busy',
  EINVAL: 'invalid argument',
  ERR_INVALID_ARG_VALUE: 'not a valid path',
  ERR_INVALID_ARG_TYPE: 'not a valid path',
  ERR_STRING_TOO_LONG: 'too large to read as text',
};

/** The error code of a Node filesystem error, or undefined. */
export function fsErrorCode(e: unknown): string | undefined {
  const code = e instanceof Error ? (e as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** `cannot read job file 'x.fio': is a directory (EISDIR)`. */
export function fsProblem(verb: 'read' | 'write', what: string, path: string, e: unknown): UserFileError {
  const code = fsErrorCode(e) ?? 'error';
  const problem = Object.hasOwn(PROBLEMS, code) ? PROBLEMS[code] : ((e instanceof Error ? e.message : String(e)).split('\n')[0] ?? code);
  return new UserFileError(`cannot ${verb} ${what} '${path}': ${problem} (${code})`);
}

/** Reads and writes the user's files, relative to the directory they ran dio from. */
export interface UserFs {
  /** The absolute path of `p` (relative to the user's directory). */
  path(p: string): string;
  /** Read a text file; `what` names it in errors (`job file`, `profile`…). */
  read(p: string, what: string): string;
  /** Write a text file. */
  write(p: string, data: string | Uint8Array, what: string): void;
  /** Open a file to write in pieces (a streamed trace); opening and every write map errors the same way. */
  open(p: string, what: string): UserFileWriter;
  /** Move the contents of `from` to the end of `to` (both written by this run) and remove `from`. */
  appendAndRemove(from: string, to: string, what: string): void;
}

/** A file being written piece by piece. */
export interface UserFileWriter {
  write(chunk: string | Uint8Array): void;
  close(): void;
}

/** Files relative to `cwd`. */
export function userFs(cwd: string): UserFs {
  const path = (p: string): string => resolve(cwd, p);
  return {
    path,
    read(p, what) {
      try {
        return readFileSync(path(p), 'utf8');
      } catch (e) {
        throw fsProblem('read', what, p, e);
      }
    },
    write(p, data, what) {
      try {
        writeFileSync(path(p), data);
      } catch (e) {
        throw fsProblem('write', what, p, e);
      }
    },
    open(p, what) {
      const guard = <T>(f: () => T): T => {
        try {
          return f();
        } catch (e) {
          throw fsProblem('write', what, p, e);
        }
      };
      const fd = guard(() => openSync(path(p), 'w'));
      return {
        // the same call twice: writeSync's overloads take a string or a buffer, not their union
        write: (chunk) => void guard(() => (typeof chunk === 'string' ? writeSync(fd, chunk) : writeSync(fd, chunk))),
        close: () => guard(() => closeSync(fd)),
      };
    },
    appendAndRemove(from, to, what) {
      let src: number | undefined;
      let dst: number | undefined;
      try {
        src = openSync(path(from), 'r');
        dst = openSync(path(to), 'a');
        const buf = Buffer.alloc(1 << 20);
        for (let n = readSync(src, buf); n > 0; n = readSync(src, buf)) writeSync(dst, buf, 0, n);
      } catch (e) {
        throw fsProblem('write', what, to, e);
      } finally {
        if (src !== undefined) closeSync(src);
        if (dst !== undefined) closeSync(dst);
      }
      try {
        unlinkSync(path(from));
      } catch (e) {
        throw fsProblem('write', what, from, e);
      }
    },
  };
}

/**
 * The directory the user ran dio from: pnpm runs a package's script in that
 * package's directory (npm_package_json's) and says where it was started in
 * INIT_CWD. A dio started anywhere else keeps its own directory, even with
 * those variables inherited from a script up the process tree (a test or a
 * tool that runs the `dio` bin in a directory of its own).
 */
export function userCwd(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const init = env.INIT_CWD;
  const pkg = env.npm_package_json;
  if (env.npm_lifecycle_event === undefined || init === undefined || init === '' || pkg === undefined) return cwd;
  return resolve(dirname(pkg)) === resolve(cwd) ? init : cwd;
}
