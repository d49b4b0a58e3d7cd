/**
 * struct file and the file operations direct I/O goes through.
 * @module
 */
import type { KGen } from '@dio/sim';
import { FMODE_NOWAIT, O_ACCMODE, O_RDONLY, O_WRONLY } from './flags';
import type { Inode } from './inode';
import type { IovIter } from './iov-iter';
import type { Kiocb } from './kiocb';

/** struct file_operations, the subset issuers call. Results are bytes or a negative errno. */
export interface FileOperations {
  /** ->write_iter: returns bytes written, -EIOCBQUEUED for queued async I/O, or -errno. */
  writeIter(iocb: Kiocb, from: IovIter): KGen<number>;
  /** ->read_iter. */
  readIter(iocb: Kiocb, to: IovIter): KGen<number>;
  /** ->fsync(file, start, end, datasync). */
  fsync(file: File, start: number, end: number, datasync: boolean): KGen<number>;
  /** ->fallocate(file, mode, offset, len). Absent if unsupported (-EOPNOTSUPP). */
  fallocate?(file: File, mode: number, offset: number, len: number): KGen<number>;
  /** ->iopoll: reap polled completions for a HIPRI kiocb; returns how many were found. Absent if unsupported. */
  iopoll?(iocb: Kiocb): KGen<number>;
}

/** struct file. */
export class File {
  /** f_pos, for read()/write() without an offset. */
  fPos = 0;

  constructor(
    /** f_inode: the inode the file is open on. */
    readonly fInode: Inode,
    /** f_flags: O_* open flags. */
    readonly fFlags: number,
    /** f_mode: FMODE_* bits. */
    readonly fMode: number,
    /** f_op: the file operations. */
    readonly fOp: FileOperations,
    /** Path, for messages. */
    readonly path = '',
  ) {}

  /** f_mapping. */
  get fMapping(): Inode['iMapping'] {
    return this.fInode.iMapping;
  }

  /** Opened O_RDONLY or O_RDWR. */
  get readable(): boolean {
    return (this.fFlags & O_ACCMODE) !== O_WRONLY;
  }

  /** Opened O_WRONLY or O_RDWR. */
  get writable(): boolean {
    return (this.fFlags & O_ACCMODE) !== O_RDONLY;
  }

  /** f_mode has FMODE_NOWAIT: RWF_NOWAIT / IOCB_NOWAIT are allowed. */
  get supportsNowait(): boolean {
    return (this.fMode & FMODE_NOWAIT) !== 0;
  }
}
