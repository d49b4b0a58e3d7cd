/**
 * A process's file descriptor table (include/linux/fdtable.h, fs/file.c).
 * @module
 */
import type { File } from './file';

/** fd → struct file. */
export class FdTable {
  private readonly files: (File | undefined)[] = [];

  // fs/file.c: fd_install() after get_unused_fd_flags()
  /** Install `file` at the lowest free fd ≥ 3 (0–2 are stdio) and return it. */
  install(file: File): number {
    let fd = 3;
    while (this.files[fd] !== undefined) fd++;
    this.files[fd] = file;
    return fd;
  }

  // fs/file.c: fget()
  /** The file at `fd`, or undefined (the caller returns -EBADF). */
  get(fd: number): File | undefined {
    return Number.isInteger(fd) && fd >= 0 ? this.files[fd] : undefined;
  }

  // fs/file.c: close_fd()
  /** close(2): returns false if `fd` was not open. */
  close(fd: number): boolean {
    if (this.get(fd) === undefined) return false;
    this.files[fd] = undefined;
    return true;
  }
}
