/**
 * The device's data path: a volatile write-back cache in front of the durable
 * {@link Media} (null_blk `cache_size`, drivers/block/null_blk/main.c
 * null_make_cache_space / null_flush). Durability follows the dm-log-writes
 * contract: a FUA write is durable when it completes; a flush makes durable
 * every write that completed before the flush was issued; anything else may
 * be lost at a power cut.
 * @module
 */
import type { Rng } from '@dio/sim';
import { SECTOR_SIZE } from './bio';
import type { Media } from './media';

/** One sector of one completed-but-volatile write. */
interface CacheEntry {
  /** Completion order of the write (all sectors of a write share it). */
  readonly seq: number;
  readonly writeId: number;
  readonly sector: number;
  readonly data: Uint8Array;
}

/** What a power cut did. */
export interface PowerCutReport {
  /** Volatile writes (completed, not durable) that were lost, in whole or in part. */
  readonly droppedWrites: number;
  /** Volatile writes that happened to reach the media anyway. */
  readonly keptWrites: number;
  /** Sectors lost. */
  readonly droppedSectors: number;
}

/** A volatile write cache over durable media. */
export class WriteCache {
  /** Entries in completion order (Map keeps insertion order). */
  private readonly entries = new Map<CacheEntry, true>();
  /** Per-sector versions, oldest first. */
  private readonly bySector = new Map<number, CacheEntry[]>();
  private seq = 0;
  private bytes = 0;

  /**
   * @param media the durable store
   * @param capacity bytes the cache holds before it writes back its oldest entries (0 = unlimited)
   */
  constructor(
    readonly media: Media,
    readonly capacity: number,
  ) {}

  /** Bytes of volatile data held. */
  get dirtyBytes(): number {
    return this.bytes;
  }

  /** Completion sequence of the newest cached write: what a flush issued now covers. */
  snapshot(): number {
    return this.seq;
  }

  /** Read `count` sectors (newest cached version, else the media) into `into`. */
  read(sector: number, count: number, into: Uint8Array): void {
    this.media.read(sector, count, into);
    if (this.bySector.size === 0) return;
    for (let i = 0; i < count; i++) {
      const vs = this.bySector.get(sector + i);
      const v = vs?.[vs.length - 1];
      if (v !== undefined) into.set(v.data, i * SECTOR_SIZE);
    }
  }

  /** A write completed into the cache (volatile). */
  write(writeId: number, sector: number, data: Uint8Array): void {
    const seq = ++this.seq;
    const n = data.length / SECTOR_SIZE;
    for (let i = 0; i < n; i++) {
      const e: CacheEntry = { seq, writeId, sector: sector + i, data: data.slice(i * SECTOR_SIZE, (i + 1) * SECTOR_SIZE) };
      this.entries.set(e, true);
      const vs = this.bySector.get(e.sector);
      if (vs === undefined) this.bySector.set(e.sector, [e]);
      else vs.push(e);
      this.bytes += SECTOR_SIZE;
    }
    if (this.capacity > 0) this.makeSpace();
  }

  /** A write that went through to the media (FUA, or no cache): older cached versions are superseded. */
  writeThrough(sector: number, data: Uint8Array): void {
    this.seq++;
    this.drop(sector, data.length / SECTOR_SIZE);
    this.media.write(sector, data);
  }

  /** Discard sectors: gone from cache and media. */
  discard(sector: number, count: number): void {
    this.drop(sector, count);
    this.media.discard(sector, count);
  }

  // drivers/block/null_blk/main.c: null_flush()
  /** Write back every entry that completed at or before `upTo` (a {@link snapshot}); returns sectors written. */
  flush(upTo: number = this.seq): number {
    let n = 0;
    for (const e of this.entries.keys()) {
      if (e.seq > upTo) break;
      this.writeBack(e);
      n++;
    }
    return n;
  }

  // drivers/block/null_blk/main.c: null_make_cache_space()
  private makeSpace(): void {
    for (const e of this.entries.keys()) {
      if (this.bytes <= this.capacity) return;
      this.writeBack(e);
    }
  }

  private writeBack(e: CacheEntry): void {
    this.media.write(e.sector, e.data);
    this.remove(e);
  }

  private remove(e: CacheEntry): void {
    this.entries.delete(e);
    this.bytes -= SECTOR_SIZE;
    const vs = this.bySector.get(e.sector);
    if (vs === undefined) return;
    const i = vs.indexOf(e);
    if (i >= 0) vs.splice(i, 1);
    if (vs.length === 0) this.bySector.delete(e.sector);
  }

  private drop(sector: number, count: number): void {
    if (this.bySector.size === 0) return;
    for (let i = 0; i < count; i++) {
      const vs = this.bySector.get(sector + i);
      if (vs === undefined) continue;
      for (const e of [...vs]) this.remove(e);
    }
  }

  /**
   * Power cut: every volatile write is either lost or reaches the media
   * (FoundationDB DROP_ONLY: never corrupted, only dropped). With `tear`,
   * each sector of a write is kept or dropped on its own. The cache is empty afterwards.
   */
  powerCut(rng: Rng, tear: boolean): PowerCutReport {
    const keepWrite = new Map<number, boolean>();
    let droppedSectors = 0;
    const dropped = new Set<number>();
    const kept = new Set<number>();
    for (const e of this.entries.keys()) {
      let keep: boolean;
      if (tear) keep = rng.chance(0.5);
      else {
        const k = keepWrite.get(e.writeId);
        keep = k ?? rng.chance(0.5);
        keepWrite.set(e.writeId, keep);
      }
      if (keep) {
        this.media.write(e.sector, e.data);
        kept.add(e.writeId);
      } else {
        droppedSectors++;
        dropped.add(e.writeId);
      }
    }
    this.entries.clear();
    this.bySector.clear();
    this.bytes = 0;
    return { droppedWrites: dropped.size, keptWrites: [...kept].filter((w) => !dropped.has(w)).length, droppedSectors };
  }
}
