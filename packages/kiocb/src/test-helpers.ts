/**
 * Helpers shared by this package's tests (not exported from the package).
 * @module
 */
import { FMODE_NOWAIT, FMODE_WRITE } from './flags';
import { File, type FileOperations } from './file';
import { Inode } from './inode';

/** File operations that do nothing and return 0, for tests that only look at flags. */
export const noOps: FileOperations = {
  *writeIter() {
    return 0;
  },
  *readIter() {
    return 0;
  },
  *fsync() {
    return 0;
  },
};

/** A file on `inode` with open flags `flags` and f_mode `mode` (default: writable, FMODE_NOWAIT). */
export function mkFile(flags: number, mode = FMODE_WRITE | FMODE_NOWAIT, inode = new Inode(1)): File {
  return new File(inode, flags, mode, noOps);
}
