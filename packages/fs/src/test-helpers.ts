/**
 * Helpers shared by this package's tests (not exported from the package).
 * @module
 */
import { type Bio, type BlockDevice, bioAlloc, NullBlk, type NullBlkOptions, REQ_FUA, REQ_OP_READ, REQ_OP_WRITE, REQ_PREFLUSH, submitBioWait } from '@dio/blockdev';
import { type File, type FileOperations, O_DIRECT, O_RDWR } from '@dio/kiocb';
import { type KGen, Simulator } from '@dio/sim';
import { DioFs } from './dio-fs';
import type { FsInode } from './fs-inode';
import { fallocate, fsyncFile } from './space-ops';

export const BS = 4096;

/** One bio the device was asked to do. */
export interface Seen {
  readonly op: number;
  readonly fua: boolean;
  readonly preflush: boolean;
  readonly sector: number;
}

function* nothing(): KGen<number> {
  return 0;
}

/** A memory-backed NullBlk under a DioFs whose fops do no data I/O but route fsync/fallocate to the fs. */
export function mkFs(dev: NullBlkOptions = {}) {
  const sim = new Simulator({ seed: 1 });
  const nb = new NullBlk(sim, { gb: 1, memory_backed: true, ...dev });
  const seen: Seen[] = [];
  const spy: BlockDevice = Object.create(nb) as BlockDevice;
  spy.submitBio = (bio: Bio) => {
    seen.push({ op: bio.biOpf & 0xff, fua: (bio.biOpf & REQ_FUA) !== 0, preflush: (bio.biOpf & REQ_PREFLUSH) !== 0, sector: bio.biSector });
    return nb.submitBio(bio);
  };
  const fops = (fs: DioFs): FileOperations => ({
    writeIter: nothing,
    readIter: nothing,
    fsync: (f, s, e, d) => fsyncFile(fs, f, s, e, d),
    fallocate: (f, m, o, l) => fallocate(fs, f, m, o, l),
  });
  const fs = new DioFs(sim, spy, { fops });
  return { sim, fs, seen };
}

export function openOrThrow(fs: DioFs, path: string, flags = O_RDWR | O_DIRECT): File {
  const f = fs.open(path, flags);
  if (typeof f === 'number') throw new Error(`open ${path}: ${f}`);
  return f;
}

/** The device sector of file block `fb` (which must be mapped). */
export function sectorOf(ino: FsInode, fb: number, bs = BS): number {
  const l = ino.extents.lookup(fb);
  if (l.kind !== 'extent') throw new Error(`block ${fb} is a hole`);
  return ((l.ext.diskBlock + (fb - l.ext.fileBlock)) * bs) / 512;
}

/** Write `data` to device sector `sector` and wait (task context). */
export function* devWrite(dev: BlockDevice, sector: number, data: Uint8Array): KGen<number> {
  return yield* submitBioWait(bioAlloc(dev, REQ_OP_WRITE, { sector, size: data.length, data }));
}

/** Read `len` bytes at device sector `sector` (task context). */
export function* devRead(dev: BlockDevice, sector: number, len: number): KGen<Uint8Array> {
  const buf = new Uint8Array(len);
  const r = yield* submitBioWait(bioAlloc(dev, REQ_OP_READ, { sector, size: len, data: buf }));
  if (r < 0) throw new Error(`read: ${r}`);
  return buf;
}
