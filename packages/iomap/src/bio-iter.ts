/**
 * Building and submitting bios for one extent: iomap_dio_bio_iter,
 * iomap_dio_zero, iomap_dio_hole_iter and iomap_dio_submit_bio.
 * @module
 */
import { bioAlloc, submitBio, REQ_FUA, REQ_NOWAIT, REQ_OP_READ, REQ_OP_WRITE, REQ_POLLED, REQ_SYNC, REQ_IDLE, type Bio } from '@dio/blockdev';
import { IOMAP_F_NEW, IOMAP_UNWRITTEN, iomapSector, type Iomap, IOMAP_HOLE, IOMAP_DIO_UNWRITTEN, IOMAP_DIO_COW, IOMAP_F_SHARED, IOMAP_MAPPED } from '@dio/fs';
import { EINVAL, EIO, IOCB_HIPRI, IOCB_NOWAIT, isSyncKiocb } from '@dio/kiocb';
import { charge, type KGen } from '@dio/sim';
import type { IomapDio } from './dio';
import { iomapDioBioEndIo } from './end-io';
import { IOMAP_DIO_WRITE, IOMAP_DIO_WRITE_THROUGH } from './flags';

/** BIO_MAX_VECS pages of 4 KiB: the largest bio iomap builds (1 MiB). */
export const BIO_MAX_BYTES = 256 * 4096;

// fs/iomap/direct-io.c: iomap_dio_submit_bio()
/**
 * Count the bio in the dio and submit it. Its last act is submit_bio(), which
 * may sleep: a plain function handing back submit_bio's generator (one
 * generator per bio, not two), called as `yield* iomapDioSubmitBio(dio, bio)`.
 */
function iomapDioSubmitBio(dio: IomapDio, bio: Bio): KGen<void> {
  dio.ref++;
  const iocb = dio.iocb;
  // Sync dio can't be polled reliably
  if (iocb.kiFlags & IOCB_HIPRI && !isSyncKiocb(iocb)) {
    // include/linux/bio.h: bio_set_polled()
    bio.biOpf |= REQ_POLLED;
    if (iocb.kiFlags & IOCB_NOWAIT) bio.biOpf |= REQ_NOWAIT;
    dio.submit.pollBio = bio;
  }
  const sim = dio.fs.sim;
  charge(sim.costs.iomapBio);
  if (sim.tracing && dio.ref === 2) sim.traceFlow('s', dio.id, 'dio'); // first bio: bio → end_io → completion
  return submitBio(bio);
}

// fs/iomap/direct-io.c: iomap_dio_zero()
/** Write `len` zero bytes at file position `pos` (sub-block zeroing around a write to new/unwritten blocks). */
function* iomapDioZero(dio: IomapDio, iomap: Iomap, pos: number, len: number): KGen<void> {
  const bio = bioAlloc(iomap.bdev, REQ_OP_WRITE | REQ_SYNC | REQ_IDLE, {
    sector: iomapSector(iomap, pos),
    size: len,
    data: new Uint8Array(len),
    endIo: iomapDioBioEndIo,
    private: dio,
  });
  yield* iomapDioSubmitBio(dio, bio);
}

// fs/iomap/direct-io.c: iomap_dio_bio_opflags()
function iomapDioBioOpflags(dio: IomapDio, useFua: boolean): number {
  if (!(dio.flags & IOMAP_DIO_WRITE)) return REQ_OP_READ;
  let opf = REQ_OP_WRITE | REQ_SYNC | REQ_IDLE;
  if (useFua) opf |= REQ_FUA;
  else dio.flags &= ~IOMAP_DIO_WRITE_THROUGH;
  return opf;
}

// fs/iomap/direct-io.c: iomap_dio_hole_iter()
/** A read of a hole or unwritten extent: zero the user buffer, no I/O. */
function iomapDioHoleIter(dio: IomapDio, length: number): number {
  const it = dio.submit.iter;
  const n = Math.min(length, it.remaining);
  it.slice(n)?.fill(0);
  it.advance(n);
  dio.size += n;
  return n;
}

// fs/iomap/direct-io.c: iomap_dio_bio_iter()
/** Submit the bios for one extent of the I/O. Returns bytes issued or a negative errno. */
function* iomapDioBioIter(dio: IomapDio, iomap: Iomap, pos: number, length: number): KGen<number> {
  const fs = dio.fs;
  const bdev = iomap.bdev;
  const fsBlockSize = fs.blockSize;
  const it = dio.submit.iter;
  if ((pos | length) & (bdev.logicalBlockSize - 1) || it.alignment() & (bdev.logicalBlockSize - 1)) return -EINVAL;
  let needZeroout = false;
  if (iomap.type === IOMAP_UNWRITTEN) {
    dio.flags |= IOMAP_DIO_UNWRITTEN;
    needZeroout = true;
  }
  if (iomap.flags & IOMAP_F_SHARED) dio.flags |= IOMAP_DIO_COW;
  if (iomap.flags & IOMAP_F_NEW) needZeroout = true;
  const isWrite = (dio.flags & IOMAP_DIO_WRITE) !== 0;
  let useFua = false;
  if (isWrite) {
    useFua = dio.policy.writeExtent(dio, {
      iomap,
      pos,
      length,
      needZeroout,
      iSize: dio.inode.iSize,
      bdevFua: bdev.bdevFua(),
      bdevWriteCache: bdev.bdevWriteCache(),
    });
  }
  if (!dio.policy.mayPoll(dio)) dio.iocb.kiFlags &= ~IOCB_HIPRI;
  const count = Math.min(length, it.remaining);
  if (count === 0) return 0;
  if (needZeroout) {
    // zero out from the start of the block to the write offset
    const pad = pos & (fsBlockSize - 1);
    if (pad) yield* iomapDioZero(dio, iomap, pos - pad, pad);
  }
  const opf = iomapDioBioOpflags(dio, useFua);
  let copied = 0;
  while (copied < count) {
    if (dio.error) {
      it.revert(copied);
      return 0;
    }
    const n = Math.min(BIO_MAX_BYTES, count - copied);
    const bio = bioAlloc(bdev, opf, { sector: iomapSector(iomap, pos), size: n, data: it.slice(n), endIo: iomapDioBioEndIo, private: dio });
    it.advance(n);
    dio.size += n;
    copied += n;
    // We can only poll for single bio I/Os.
    if (copied < count) dio.iocb.kiFlags &= ~IOCB_HIPRI;
    pos += n;
    yield* iomapDioSubmitBio(dio, bio);
  }
  // zero the tail of a sub-block write to new/unwritten blocks or past EOF
  if (needZeroout || (dio.flags & IOMAP_DIO_WRITE && pos >= dio.inode.iSize)) {
    const pad = pos & (fsBlockSize - 1);
    if (pad) yield* iomapDioZero(dio, iomap, pos, fsBlockSize - pad);
  }
  return copied;
}

/** A generator that returns `n` at once: the branches of iomapDioIter that need no bio. */
function* bytes(n: number): KGen<number> {
  return n;
}

// fs/iomap/direct-io.c: iomap_dio_iter()
/**
 * Dispatch one mapping by type. Every branch ends in a call: a plain function
 * handing back the generator of the one that may sleep (iomap_dio_bio_iter),
 * called as `yield* iomapDioIter(…)`, so a bio costs no dispatching generator.
 */
export function iomapDioIter(dio: IomapDio, iomap: Iomap, pos: number, length: number): KGen<number> {
  switch (iomap.type) {
    case IOMAP_HOLE:
      if (dio.flags & IOMAP_DIO_WRITE) return bytes(-EIO);
      return bytes(iomapDioHoleIter(dio, length));
    case IOMAP_UNWRITTEN:
      if (!(dio.flags & IOMAP_DIO_WRITE)) return bytes(iomapDioHoleIter(dio, length));
      return iomapDioBioIter(dio, iomap, pos, length);
    case IOMAP_MAPPED:
      return iomapDioBioIter(dio, iomap, pos, length);
    default:
      return bytes(-EIO);
  }
}
