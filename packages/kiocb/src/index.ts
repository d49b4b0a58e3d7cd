/**
 * @dio/kiocb — include/linux/fs.h: the contract between issuers (io_uring,
 * aio, sync syscalls) and the filesystem's direct I/O code. `Kiocb` with
 * `kiComplete` / `private` / `dioComplete`, the IOCB_* / RWF_* / O_* flags
 * with kernel values, `File`, `Inode` with `i_dio_count` and
 * `inodeDioBegin/End/Wait`, `IovIter`, and errno values.
 * @module
 */
export * from './errno';
export * from './flags';
export { IovIter, userBackedIter, type IterType, type Direction } from './iov-iter';
export { Inode, AddressSpace, PAGE_SIZE, inodeDioBegin, inodeDioEnd, inodeDioWait } from './inode';
export { type DioRef, DioRefList } from './dio-refs';
export { File, type FileOperations } from './file';
export {
  Kiocb,
  iocbFlags,
  initSyncKiocb,
  isSyncKiocb,
  iocbIsDsync,
  kiocbSetRwFlags,
  dioMisaligned,
  type KiCompleteFn,
  type DioCompleteFn,
} from './kiocb';
export type { Issuer, SyncRw } from './issuer';
export { FdTable } from './fdtable';
