/**
 * Zeroing part of a file's written blocks, as truncate, hole punching and
 * zero-range do for the partial blocks at their edges.
 * @module
 */
import { bioAlloc, REQ_OP_READ, REQ_OP_WRITE, submitBioWait } from '@dio/blockdev';
import type { KGen } from '@dio/sim';
import type { DioFs } from './dio-fs';
import type { FsInode } from './fs-inode';

// fs/iomap/buffered-io.c: iomap_zero_range(), as xfs_zero_range() and iomap_truncate_page() use it
/**
 * Zero bytes `[pos, pos+len)` of `ino`. Holes and unwritten extents already
 * read as zeros and are skipped; each written block is read, zeroed in part
 * and written back with synchronous bios (the kernel does this through the
 * page cache, which this model does not have). Task context; sleeps.
 * Returns 0 or a negative errno.
 */
export function* zeroRange(fs: DioFs, ino: FsInode, pos: number, len: number): KGen<number> {
  const bs = fs.blockSize;
  const end = pos + len;
  for (let fb = Math.floor(pos / bs); fb * bs < end; fb++) {
    const l = ino.extents.lookup(fb);
    if (l.kind !== 'extent' || l.ext.state !== 'written') continue;
    const sector = ((l.ext.diskBlock + (fb - l.ext.fileBlock)) * bs) / 512;
    const buf = new Uint8Array(bs);
    let r = yield* submitBioWait(bioAlloc(fs.bdev, REQ_OP_READ, { sector, size: bs, data: buf }));
    if (r < 0) return r;
    buf.fill(0, Math.max(pos, fb * bs) - fb * bs, Math.min(end, (fb + 1) * bs) - fb * bs);
    r = yield* submitBioWait(bioAlloc(fs.bdev, REQ_OP_WRITE, { sector, size: bs, data: buf }));
    if (r < 0) return r;
  }
  return 0;
}
