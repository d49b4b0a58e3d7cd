/**
 * The filesystem's in-core inode (struct xfs_inode around struct inode): the
 * data fork's extents, the ILOCK and whether metadata awaits a log force.
 * @module
 */
import { Inode } from '@dio/kiocb';
import { RwSem, SpinLock } from '@dio/sim';
import { ExtentMap } from './extent-map';

/** An inode of a {@link DioFs}. */
export class FsInode extends Inode {
  readonly extents = new ExtentMap();
  /** XFS_ILOCK: protects the extent map and on-disk size; a sleeping rw_semaphore. */
  readonly ilock: RwSem;
  /** ip->i_flags_lock: spinlock around the in-core size update in end_io. */
  readonly iFlagsLock: SpinLock;
  /**
   * Metadata changed since the last log force (extent allocation or
   * conversion, size): ili_fsync_fields. O_DSYNC must force the log, so FUA
   * alone is not enough (IOMAP_F_DIRTY).
   */
  metaDirty = false;
  /** The COW fork: file block → newly allocated disk block, for writes to shared extents until end_io remaps them. */
  cow: Map<number, number> | null = null;

  constructor(ino: number, readonly path: string) {
    super(ino, path);
    this.ilock = new RwSem(`${path} ILOCK`);
    this.iFlagsLock = new SpinLock(`${path} i_flags_lock`);
  }
}
