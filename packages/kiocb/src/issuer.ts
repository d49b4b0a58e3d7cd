/**
 * The issuer side of the kiocb contract, as a typed interface: io_uring,
 * libaio and the sync path each implement it; iomap only sees kiocbs.
 * @module
 */
import type { KGen } from '@dio/sim';
import type { File } from './file';
import type { IovIter } from './iov-iter';

/** What an issuer reports about itself, so tools can tell the paths apart. */
export interface Issuer {
  /** 'io_uring', 'libaio', 'psync', … */
  readonly name: string;
  /**
   * Whether this issuer sets IOCB_DIO_CALLER_COMP on the writes it issues
   * (only io_uring on 6.6-rc1, for non-polled writes).
   */
  readonly setsCallerComp: boolean;
}

/** A synchronous positional write/read as a user task calls it (pwrite/pread). */
export type SyncRw = (file: File, iter: IovIter, pos: number) => KGen<number>;
