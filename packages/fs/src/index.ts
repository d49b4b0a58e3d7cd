/**
 * @dio/fs — the parts of XFS that iomap direct I/O needs: an extent map per
 * inode (written, unwritten, hole, shared), ->iomap_begin, ->end_io as
 * metadata transactions in task context, the log and fsync, the lazily
 * created `dio/<s_id>` workqueue, truncate and fallocate under i_rwsem with
 * inode_dio_wait, and the system calls a user task makes.
 * @module
 */
export * from './iomap-types';
export { IOMAP_DIO_UNWRITTEN, IOMAP_DIO_COW } from './end-io-flags';
export { ExtentMap, type Extent, type ExtentState, type Lookup } from './extent-map';
export { BlockAllocator, NoSpaceError } from './allocator';
export { FsInode } from './fs-inode';
export { SuperBlock, defaultDioWqFactory, type DioWqFactory } from './superblock';
export { Journal, type LogForce, type Pinnable } from './journal';
export { DioFs, type DioFsOptions, type Layout } from './dio-fs';
export { setattrSize, fallocate as fsFallocate, fsyncFile, FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE, FALLOC_FL_ZERO_RANGE } from './space-ops';
export { pwrite, pread, fsync, fdatasync, ftruncate, fallocate, SYNC_DIO_ISSUER } from './vfs';
