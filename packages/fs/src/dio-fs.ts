/**
 * DioFs: a small extent filesystem with XFS's direct I/O behaviour —
 * ->iomap_begin for direct reads and writes (allocating unwritten extents
 * for holes, COW for shared extents), ->end_io (unwritten conversion, COW
 * end, size update as metadata transactions needing task context), and
 * the lazily created `dio/<s_id>` completion workqueue.
 * @module
 */
import type { BlockDevice } from '@dio/blockdev';
import { EAGAIN, EIO, ENOENT, ENOSPC, File, FMODE_NOWAIT, FMODE_READ, FMODE_WRITE, type FileOperations, type Kiocb } from '@dio/kiocb';
import { charge, downWrite, type KGen, returned, type Simulator, spinLock, spinUnlock, upWrite } from '@dio/sim';
import { BlockAllocator, NoSpaceError } from './allocator';
import { FsInode } from './fs-inode';
import { IOMAP_DIO_COW, IOMAP_DIO_UNWRITTEN } from './end-io-flags';
import { IOMAP_F_DIRTY, IOMAP_F_NEW, IOMAP_F_SHARED, IOMAP_HOLE, IOMAP_MAPPED, IOMAP_NOWAIT, IOMAP_NULL_ADDR, IOMAP_UNWRITTEN, IOMAP_WRITE, type Iomap } from './iomap-types';
import { Journal } from './journal';
import { defaultDioWqFactory, type DioWqFactory, SuperBlock } from './superblock';

/** A transaction whose change is only what it logs (xfs_setfilesize: the in-core size is already set). */
function noChange(): void {}

/** Options of a {@link DioFs}. */
export interface DioFsOptions {
  /** s_id (default: the device's name). */
  readonly name?: string;
  /** Filesystem block size (default 4096). */
  readonly blockSize?: number;
  /** Log size in blocks (default 64). */
  readonly logBlocks?: number;
  /** How s_dio_done_wq is created (default: the kernel's bound WQ_MEM_RECLAIM queue). */
  readonly dioWq?: DioWqFactory;
  /** The file operations files are opened with (the iomap layer provides them). */
  readonly fops: (fs: DioFs) => FileOperations;
}

/** How {@link DioFs.create} lays out a new file. */
export type Layout = 'written' | 'unwritten' | 'hole';

/** A mounted filesystem on one block device. */
export class DioFs {
  readonly sb: SuperBlock;
  readonly journal: Journal;
  readonly blockSize: number;
  private readonly alloc: BlockAllocator;
  private readonly inodes = new Map<string, FsInode>();
  private readonly fops: FileOperations;
  private nextIno = 128;
  /** The device as a wait-for graph node: it completes I/O by itself. */
  readonly bdevAgent: { readonly agent: string };

  constructor(
    readonly sim: Simulator,
    readonly bdev: BlockDevice,
    opts: DioFsOptions,
  ) {
    const bs = opts.blockSize ?? 4096;
    if (bs < bdev.logicalBlockSize || (bs & (bs - 1)) !== 0) throw new RangeError(`block size ${bs} must be a power of two ≥ the device's ${bdev.logicalBlockSize}`);
    this.blockSize = bs;
    const total = Math.floor((bdev.sectors * 512) / bs);
    const logBlocks = Math.min(opts.logBlocks ?? 64, Math.max(1, total >> 4));
    this.sb = new SuperBlock(sim, opts.name ?? bdev.name, bdev, bs, opts.dioWq ?? defaultDioWqFactory);
    this.journal = new Journal(sim, bdev, 0, logBlocks, bs);
    this.alloc = new BlockAllocator(logBlocks, total - logBlocks);
    this.bdevAgent = { agent: `device ${bdev.name}` };
    this.fops = opts.fops(this);
  }

  /** Free filesystem blocks. */
  get freeBlocks(): number {
    return this.alloc.available;
  }

  /**
   * Create a file of `size` bytes, laid out at set-up time (no simulated time
   * passes): 'written' like a file fio has pre-written (pure overwrites),
   * 'unwritten' like fallocate, 'hole' like ftruncate. Throws if it exists
   * or the device is full.
   */
  create(path: string, size = 0, layout: Layout = 'written', opts: { shared?: boolean } = {}): FsInode {
    if (this.inodes.has(path)) throw new Error(`${path}: exists`);
    const ino = new FsInode(this.nextIno++, path);
    ino.iSize = size;
    if (layout !== 'hole') this.allocRange(ino, 0, Math.ceil(size / this.blockSize), layout, opts.shared ?? false);
    this.inodes.set(path, ino);
    return ino;
  }

  /** The inode at `path`, if any. */
  lookup(path: string): FsInode | undefined {
    return this.inodes.get(path);
  }

  /** Open `path` with O_* `flags` (the VFS part of open(2)); a negative errno if it does not exist. */
  open(path: string, flags: number): File | number {
    const ino = this.inodes.get(path);
    if (ino === undefined) return -ENOENT;
    return new File(ino, flags, FMODE_READ | FMODE_WRITE | FMODE_NOWAIT, this.fops, path);
  }

  /** Allocate disk blocks for file blocks `[first, first+count)` (holes only). Throws NoSpaceError. */
  allocRange(ino: FsInode, first: number, count: number, state: 'written' | 'unwritten', shared = false): void {
    let b = first;
    const end = first + count;
    while (b < end) {
      const l = ino.extents.lookup(b);
      const n = Math.min(l.len, end - b);
      if (l.kind === 'hole') {
        let left = n;
        let fb = b;
        while (left > 0) {
          const [disk, got] = this.alloc.alloc(left);
          ino.extents.insert(fb, got, disk, state, shared);
          fb += got;
          left -= got;
        }
      }
      b += n;
    }
  }

  /** Unmap file blocks `[first, first+count)` and free their disk blocks (shared blocks are not freed). */
  freeRange(ino: FsInode, first: number, count: number): void {
    for (const e of ino.extents.remove(first, count)) if (!e.shared) this.alloc.release(e.diskBlock, e.len);
  }

  // fs/xfs/xfs_iomap.c: xfs_direct_write_iomap_begin() / xfs_read_iomap_begin()
  /**
   * ->iomap_begin for direct I/O: map `[pos, pos+length)` (bytes). Writes
   * into holes allocate unwritten extents (xfs_iomap_write_direct with
   * XFS_BMAPI_PREALLOC: IOMAP_UNWRITTEN + IOMAP_F_NEW); writes to shared
   * extents allocate COW blocks (IOMAP_MAPPED + IOMAP_F_SHARED, remapped at
   * end_io). IOMAP_F_DIRTY when the inode is pinned in the log or the write
   * spans EOF. Returns the mapping or a negative errno (-EAGAIN under
   * IOMAP_NOWAIT when allocation would be needed, -ENOSPC). A plain
   * function: it may sleep only in the allocation, its last call, and hands
   * back a mapping it found as `returned`.
   */
  iomapBegin(ino: FsInode, pos: number, length: number, flags: number): KGen<Iomap | number> {
    const bs = this.blockSize;
    const fb = Math.floor(pos / bs);
    const l = ino.extents.lookup(fb);
    const span = Math.min(l.len * bs - (pos - fb * bs), length);
    const write = (flags & IOMAP_WRITE) !== 0;
    if (l.kind === 'extent' && !(write && l.ext.shared)) {
      const addr = (l.ext.diskBlock + (fb - l.ext.fileBlock)) * bs + (pos - fb * bs);
      const type = l.ext.state === 'written' ? IOMAP_MAPPED : IOMAP_UNWRITTEN;
      return returned<Iomap | number>({ addr, offset: pos, length: span, type, flags: write ? this.dirtyFlag(ino, pos, span) : 0, bdev: this.bdev });
    }
    if (!write) return returned<Iomap | number>({ addr: IOMAP_NULL_ADDR, offset: pos, length: span, type: IOMAP_HOLE, flags: 0, bdev: this.bdev });
    if (flags & IOMAP_NOWAIT) return returned<Iomap | number>(-EAGAIN);
    // Allocation is a transaction under the ILOCK: task context only.
    const nblocks = Math.ceil((pos + span) / bs) - fb;
    if (l.kind === 'extent') return this.reflinkAllocateCow(ino, pos, span, nblocks);
    return this.iomapWriteDirect(ino, pos, span, nblocks);
  }

  // fs/xfs/xfs_reflink.c: xfs_reflink_allocate_cow()
  /**
   * A write to shared blocks goes to fresh ones; the old shared ones stay
   * until end_io remaps. Returns the COW mapping (IOMAP_MAPPED +
   * IOMAP_F_SHARED), -ENOSPC or -EIO.
   */
  private *reflinkAllocateCow(ino: FsInode, pos: number, span: number, nblocks: number): KGen<Iomap | number> {
    const bs = this.blockSize;
    const fb = Math.floor(pos / bs);
    try {
      yield* this.transaction(ino, () => {
        ino.cow ??= new Map();
        const [disk, got] = this.alloc.alloc(nblocks);
        for (let i = 0; i < got; i++) ino.cow.set(fb + i, disk + i);
      });
    } catch (e) {
      if (e instanceof NoSpaceError) return -ENOSPC;
      throw e;
    }
    const cow = ino.cow;
    const disk = cow?.get(fb);
    if (cow === null || disk === undefined) return -EIO;
    let run = 1;
    while (run < nblocks && cow.get(fb + run) === disk + run) run++;
    const len = Math.min(span, run * bs - (pos - fb * bs));
    return { addr: disk * bs + (pos - fb * bs), offset: pos, length: len, type: IOMAP_MAPPED, flags: IOMAP_F_SHARED | this.dirtyFlag(ino, pos, len), bdev: this.bdev };
  }

  // fs/xfs/xfs_iomap.c: xfs_iomap_write_direct()
  /**
   * A write into a hole allocates unwritten extents (XFS_BMAPI_PREALLOC).
   * Returns the new mapping (IOMAP_UNWRITTEN + IOMAP_F_NEW), -ENOSPC or -EIO.
   */
  private *iomapWriteDirect(ino: FsInode, pos: number, span: number, nblocks: number): KGen<Iomap | number> {
    const bs = this.blockSize;
    const fb = Math.floor(pos / bs);
    try {
      yield* this.transaction(ino, () => this.allocRange(ino, fb, nblocks, 'unwritten'));
    } catch (e) {
      if (e instanceof NoSpaceError) return -ENOSPC;
      throw e;
    }
    const m = ino.extents.lookup(fb);
    if (m.kind !== 'extent') return -EIO;
    const len = Math.min(span, m.len * bs - (pos - fb * bs));
    const addr = (m.ext.diskBlock + (fb - m.ext.fileBlock)) * bs + (pos - fb * bs);
    return { addr, offset: pos, length: len, type: IOMAP_UNWRITTEN, flags: IOMAP_F_NEW | this.dirtyFlag(ino, pos, len), bdev: this.bdev };
  }

  // fs/xfs/xfs_iomap.c: xfs_bmbt_to_iomap() (pinned inode) + xfs_direct_write_iomap_begin() (writes spanning EOF)
  /** IOMAP_F_DIRTY for a write mapping: metadata O_DSYNC would need is not yet in the log on disk, or completion may move EOF. */
  private dirtyFlag(ino: FsInode, pos: number, len: number): number {
    return ino.metaDirty || pos + len > ino.iSize ? IOMAP_F_DIRTY : 0;
  }

  // fs/xfs/xfs_file.c: xfs_dio_write_end_io()
  /**
   * ->end_io for direct writes: COW remap, unwritten conversion, or in-core
   * and on-disk size update. Each metadata change is a transaction taking the
   * ILOCK (a sleeping lock), so this must run in task context.
   */
  *writeEndIo(iocb: Kiocb, size: number, error: number, flags: number): KGen<number> {
    const ino = iocb.kiFilp.fInode as FsInode;
    const offset = iocb.kiPos;
    if (error) return error;
    if (size <= 0) return size;
    if (flags & IOMAP_DIO_COW) yield* this.reflinkEndCow(ino, offset, size);
    if (flags & IOMAP_DIO_UNWRITTEN) {
      yield* this.iomapWriteUnwritten(ino, offset, size);
      return 0;
    }
    // As completion only ever extends EOF, an unlocked check avoids the spinlock for overwrites.
    if (offset + size <= ino.iSize) return 0;
    yield spinLock(ino.iFlagsLock);
    if (offset + size > ino.iSize) {
      ino.iSize = offset + size; // i_size_write()
      spinUnlock(ino.iFlagsLock);
      yield* this.setfilesize(ino);
    } else spinUnlock(ino.iFlagsLock);
    return 0;
  }

  // fs/xfs/xfs_reflink.c: xfs_reflink_end_cow()
  /** Remap the COW blocks a write went to over the old shared ones: a plain call handing back its transaction. */
  private reflinkEndCow(ino: FsInode, offset: number, size: number): KGen<void> {
    const bs = this.blockSize;
    const fb = Math.floor(offset / bs);
    const nb = Math.ceil((offset + size) / bs) - fb;
    return this.transaction(ino, () => {
      for (let b = fb; b < fb + nb; b++) {
        const disk = ino.cow?.get(b);
        if (disk === undefined) continue;
        ino.cow?.delete(b);
        this.freeRange(ino, b, 1);
        ino.extents.insert(b, 1, disk, 'written');
      }
    });
  }

  // fs/xfs/xfs_iomap.c: xfs_iomap_write_unwritten(ip, offset, size, update_isize=true)
  /** Convert the written range's unwritten extents and move the in-core size past it: a plain call handing back its transaction. */
  private iomapWriteUnwritten(ino: FsInode, offset: number, size: number): KGen<void> {
    const bs = this.blockSize;
    const fb = Math.floor(offset / bs);
    const nb = Math.ceil((offset + size) / bs) - fb;
    return this.transaction(ino, () => {
      ino.extents.setState(fb, nb, 'written');
      if (offset + size > ino.iSize) ino.iSize = offset + size;
    });
  }

  // fs/xfs/xfs_aops.c: xfs_setfilesize()
  /** Log the on-disk size update: a plain call handing back its transaction. */
  private setfilesize(ino: FsInode): KGen<void> {
    return this.transaction(ino, noChange);
  }

  /** A metadata transaction on `ino`: ILOCK exclusive, CPU cost, change, commit to the log. */
  *transaction(ino: FsInode, change: () => void): KGen<void> {
    yield downWrite(ino.ilock); // xfs_ilock(ip, XFS_ILOCK_EXCL)
    try {
      charge(this.sim.costs.fsMetadataUpdate);
      change();
      this.journal.commit(ino);
    } finally {
      upWrite(ino.ilock);
    }
  }
}
