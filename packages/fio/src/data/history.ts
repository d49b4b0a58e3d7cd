/**
 * fio's history of written blocks (backend.c / iolog.c: log_io_piece(),
 * get_next_verify()): what the verify phase and verify_backlog read back.
 * Without a random map the pieces are kept sorted by offset and a newer
 * write replaces an older one at the same place (fio's rb-tree); with one
 * (random writes that never overlap) they stay in write order.
 * @module
 */

/** One written block (struct io_piece). */
export interface IoPiece {
  /** Which of the job's files. */
  readonly file: number;
  readonly offset: number;
  readonly len: number;
  /** io_u->rand_seed the block was written with. */
  readonly seed: bigint;
  /** io_u->numberio. */
  readonly numberio: number;
}

/** Sort key: file, then offset (fio's rb-tree compares the file first). */
const keyOf = (p: IoPiece): number => p.file * 2 ** 44 + p.offset;

/** The blocks written and not yet verified. */
export class IoHistory {
  private list: IoPiece[] = [];
  private head = 0;
  private readonly byOffset = new Map<number, IoPiece>();
  /** The offsets in order, built when the verify side first looks after a new offset was logged. */
  private keys: number[] | null = null;
  private pos = 0;

  /** @param sorted fio's rb-tree (no random map): sorted by offset, a rewrite of an offset replaces the older piece */
  constructor(private readonly sorted: boolean) {}

  /** td->io_hist_len. */
  get length(): number {
    return this.sorted ? this.byOffset.size : this.list.length - this.head;
  }

  // iolog.c: log_io_piece()
  /** Remembers a write. */
  log(p: IoPiece): void {
    if (!this.sorted) {
      this.list.push(p);
      return;
    }
    const k = keyOf(p);
    if (!this.byOffset.has(k)) this.keys = null;
    this.byOffset.set(k, p);
  }

  // io_u.c: get_next_verify()
  /** The next block to verify (lowest offset, or oldest), removed; null when none is left. */
  next(): IoPiece | null {
    if (this.sorted) {
      if (this.keys === null) {
        this.keys = [...this.byOffset.keys()].sort((a, b) => a - b);
        this.pos = 0;
      }
      while (this.pos < this.keys.length) {
        const k = this.keys[this.pos++] as number;
        const p = this.byOffset.get(k);
        if (p === undefined) continue;
        this.byOffset.delete(k);
        return p;
      }
      return null;
    }
    if (this.head >= this.list.length) return null;
    const p = this.list[this.head++] as IoPiece;
    if (this.head > 1024 && this.head * 2 > this.list.length) {
      this.list = this.list.slice(this.head);
      this.head = 0;
    }
    return p;
  }
}
