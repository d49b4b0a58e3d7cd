/**
 * fio's I/O depth accounting (io_u.c: io_u_mark_depth / io_u_mark_submit /
 * io_u_mark_complete): seven buckets each for the queue depth at submission,
 * the number of I/Os per submit call and per reap call.
 * @module
 */

/** Counters behind "IO depths", "submit" and "complete" (and JSON iodepth_level / _submit / _complete). */
export interface IoDepthCounts {
  /** io_u_map: I/Os by depth at submission, buckets 1, 2, 4, 8, 16, 32, >=64. */
  readonly level: readonly number[];
  /** io_u_submit: submit calls by I/Os submitted, buckets 0, 1–4, 5–8, 9–16, 17–32, 33–64, >64. */
  readonly submit: readonly number[];
  /** io_u_complete: reap calls by I/Os reaped, same buckets as `submit`. */
  readonly complete: readonly number[];
  /** Number of submit calls (total_submit). */
  readonly totalSubmit: number;
  /** Number of reap calls (total_complete). */
  readonly totalComplete: number;
}

function levelIndex(depth: number): number {
  if (depth >= 64) return 6;
  if (depth >= 32) return 5;
  if (depth >= 16) return 4;
  if (depth >= 8) return 3;
  if (depth >= 4) return 2;
  if (depth >= 2) return 1;
  return 0;
}

function mapIndex(nr: number): number {
  if (nr > 64) return 6;
  if (nr > 32) return 5;
  if (nr > 16) return 4;
  if (nr > 8) return 3;
  if (nr > 4) return 2;
  if (nr > 0) return 1;
  return 0;
}

/** Records depth statistics the way fio's engine loop does. */
export class IoDepthCounters implements IoDepthCounts {
  readonly level: number[] = [0, 0, 0, 0, 0, 0, 0];
  readonly submit: number[] = [0, 0, 0, 0, 0, 0, 0];
  readonly complete: number[] = [0, 0, 0, 0, 0, 0, 0];
  totalSubmit = 0;
  totalComplete = 0;

  /** io_u_mark_depth(): `nr` I/Os submitted while `curDepth` were in flight. */
  markDepth(curDepth: number, nr = 1): void {
    const i = levelIndex(curDepth);
    this.level[i] = (this.level[i] ?? 0) + nr;
  }

  /** io_u_mark_submit(): one submit call carrying `nr` I/Os. */
  markSubmit(nr: number): void {
    const i = mapIndex(nr);
    this.submit[i] = (this.submit[i] ?? 0) + 1;
    this.totalSubmit++;
  }

  /** io_u_mark_complete(): one reap call returning `nr` I/Os. */
  markComplete(nr: number): void {
    const i = mapIndex(nr);
    this.complete[i] = (this.complete[i] ?? 0) + 1;
    this.totalComplete++;
  }
}
