/**
 * The durable store behind a device: what survives a power cut. Memory-backed
 * (null_blk `memory_backed`: a sparse map of sector → 512 bytes, unwritten
 * sectors read as zeroes) or backed by a real file through node:fs sync calls.
 * @module
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { SECTOR_SIZE } from './bio';

/** Durable sector storage. All offsets and lengths are in 512-byte sectors. */
export interface Media {
  /** Copy `count` sectors from `sector` into `into` (at least `count * 512` bytes). */
  read(sector: number, count: number, into: Uint8Array): void;
  /** Store `data` (a whole number of sectors) from `sector`. */
  write(sector: number, data: Uint8Array): void;
  /** Forget `count` sectors from `sector` (they read as zeroes). */
  discard(sector: number, count: number): void;
  /** Release resources (the file descriptor). */
  close(): void;
}

/** A sparse in-memory store (null_blk's radix tree of pages, per sector here). */
export class MemoryMedia implements Media {
  private readonly sectors = new Map<number, Uint8Array>();

  /** Sectors holding data. */
  get size(): number {
    return this.sectors.size;
  }

  /** Copy `count` sectors from `sector` into `into`; unwritten sectors read as zeroes. */
  read(sector: number, count: number, into: Uint8Array): void {
    for (let i = 0; i < count; i++) {
      const s = this.sectors.get(sector + i);
      const off = i * SECTOR_SIZE;
      if (s === undefined) into.fill(0, off, off + SECTOR_SIZE);
      else into.set(s, off);
    }
  }

  /** Store `data` (whole sectors) from `sector`. */
  write(sector: number, data: Uint8Array): void {
    const n = data.length / SECTOR_SIZE;
    for (let i = 0; i < n; i++) this.sectors.set(sector + i, data.slice(i * SECTOR_SIZE, (i + 1) * SECTOR_SIZE));
  }

  /** Forget `count` sectors from `sector`: they read as zeroes afterwards. */
  discard(sector: number, count: number): void {
    for (let i = 0; i < count; i++) this.sectors.delete(sector + i);
  }

  /** Nothing to release. */
  close(): void {}
}

/** A store in a real file, read and written with synchronous node:fs calls. */
export class FileMedia implements Media {
  private fd: number | null;

  /** Opens (creating if needed) `path` for read and write. */
  constructor(
    /** The backing file's path. */
    readonly path: string,
  ) {
    this.fd = openSync(path, 'a+');
    closeSync(this.fd);
    this.fd = openSync(path, 'r+');
  }

  private get handle(): number {
    if (this.fd === null) throw new Error(`backing file '${this.path}' is closed`);
    return this.fd;
  }

  /** Current file size in bytes. */
  get bytes(): number {
    return fstatSync(this.handle).size;
  }

  /** pread(2) `count` sectors at `sector * 512` into `into`; past the end of the file reads as zeroes. */
  read(sector: number, count: number, into: Uint8Array): void {
    const len = count * SECTOR_SIZE;
    into.fill(0, 0, len);
    let done = 0;
    while (done < len) {
      const n = readSync(this.handle, into, done, len - done, sector * SECTOR_SIZE + done);
      if (n <= 0) break; // past EOF: zeroes
      done += n;
    }
  }

  /** pwrite(2) `data` (whole sectors) at `sector * 512`; the file grows as needed. */
  write(sector: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) done += writeSync(this.handle, data, done, data.length - done, sector * SECTOR_SIZE + done);
  }

  /** Write zeroes over `count` sectors from `sector`. */
  discard(sector: number, count: number): void {
    this.write(sector, new Uint8Array(count * SECTOR_SIZE));
  }

  /** Close the file descriptor; later calls throw. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
