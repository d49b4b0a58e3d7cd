/**
 * Plugging (block/blk-core.c blk_start_plug / blk_finish_plug): a task
 * collects its requests on an on-stack plug and issues them together when it
 * finishes the plug, when the plug holds BLK_MAX_REQUEST_COUNT requests, or
 * before it sleeps for a tag.
 * @module
 */
import { clearArray, currentCtx, type KGen, type Task } from '@dio/sim';

/** A plugged request: how to issue it when the plug is flushed. */
export interface PluggedRequest {
  /**
   * Issue the request to the driver (block/blk-mq.c: blk_mq_issue_direct /
   * ->queue_rq). Returns null when it was issued synchronously, or the
   * generator that finishes issuing it.
   */
  dispatch(): KGen<void> | null;
}

/** Requests a plug holds before it is flushed (block/blk-mq.c BLK_MAX_REQUEST_COUNT). */
export const BLK_MAX_REQUEST_COUNT = 32;

/** `struct blk_plug`. */
export class BlkPlug {
  /** Plugged requests, in submit order. */
  readonly mqList: PluggedRequest[] = [];

  /** Requests held. */
  get rqCount(): number {
    return this.mqList.length;
  }
}

/** `current->plug`: the current task's active plug, if any (none in interrupt context). */
export function currentPlug(): BlkPlug | undefined {
  const t = currentCtx().task;
  return t === null ? undefined : ((t.plug as BlkPlug | null) ?? undefined);
}

/** The current task when `plug` is its active plug, else undefined. */
function pluggingTask(plug: BlkPlug): Task | undefined {
  const t = currentCtx().task;
  return t !== null && t.plug === plug ? t : undefined;
}

// block/blk-core.c: blk_start_plug()
/** Start plugging the current task's I/O. A nested plug does nothing (the outer one stays active). */
export function blkStartPlug(plug: BlkPlug = new BlkPlug()): BlkPlug {
  const t = currentCtx().task;
  if (t === null) throw new Error('blk_start_plug outside task context');
  t.plug ??= plug;
  return plug;
}

// block/blk-core.c: __blk_flush_plug()
/** Issue every request on `plug`, in order. */
export function* blkFlushPlug(plug: BlkPlug): KGen<void> {
  while (plug.mqList.length > 0) {
    const rqs = plug.mqList.splice(0);
    for (const rq of rqs) {
      const g = rq.dispatch();
      if (g !== null) yield* g;
    }
  }
}

// block/blk-core.c: blk_finish_plug()
/** Flush `plug` and stop plugging, if it is the task's active plug. */
export function* blkFinishPlug(plug: BlkPlug): KGen<void> {
  const t = pluggingTask(plug);
  if (t === undefined) return;
  yield* blkFlushPlug(plug);
  t.plug = null;
}

/**
 * {@link blkFinishPlug} as a plain call: null when every plugged request
 * issued synchronously (the common case), else the generator that finishes
 * the flush from the request that needs to yield, in the same order.
 */
export function blkFinishPlugNow(plug: BlkPlug): KGen<void> | null {
  const t = pluggingTask(plug);
  if (t === undefined) return null;
  // in order, walking the list itself (no copy): a request plugged meanwhile would be issued after the rest
  const list = plug.mqList;
  for (let i = 0; i < list.length; i++) {
    const g = (list[i] as PluggedRequest).dispatch();
    if (g !== null) {
      const rest = list.slice(i + 1);
      clearArray(list);
      return finishPlugFrom(plug, t, g, rest);
    }
  }
  clearArray(list);
  t.plug = null;
  return null;
}

/** The rest of a flush started by blkFinishPlugNow: `g`, then `rest`, then anything plugged since. */
function* finishPlugFrom(plug: BlkPlug, t: Task, g: KGen<void>, rest: readonly PluggedRequest[]): KGen<void> {
  yield* g;
  for (const rq of rest) {
    const g2 = rq.dispatch();
    if (g2 !== null) yield* g2;
  }
  yield* blkFlushPlug(plug);
  t.plug = null;
}

// block/blk-mq.c: blk_add_rq_to_plug()
/** Add a request to `plug`, flushing it once it holds BLK_MAX_REQUEST_COUNT. */
export function* blkAddRqToPlug(plug: BlkPlug, rq: PluggedRequest): KGen<void> {
  if (blkAddRqToPlugNow(plug, rq)) yield* blkFlushPlug(plug);
}

/** The adding part of {@link blkAddRqToPlug}; true when the plug is now full and must be flushed. */
export function blkAddRqToPlugNow(plug: BlkPlug, rq: PluggedRequest): boolean {
  plug.mqList.push(rq);
  return plug.mqList.length >= BLK_MAX_REQUEST_COUNT;
}
