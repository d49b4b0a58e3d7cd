/**
 * Plugging (block/blk-core.c blk_start_plug / blk_finish_plug): a task
 * collects its requests on an on-stack plug and issues them together when it
 * finishes the plug, when the plug holds BLK_MAX_REQUEST_COUNT requests, or
 * before it sleeps for a tag.
 * @module
 */
import { currentCtx } from '@dio/sim';

/** A plugged request: how to issue it when the plug is flushed. */
export interface PluggedRequest {
  /** Its hardware queue (compared by identity: a flush commits a queue's batch when the next request goes elsewhere). */
  readonly hctx: object;
  /**
   * Issue the request to the driver (block/blk-mq.c: blk_mq_request_issue_directly / ->queue_rq):
   * a plain call, it cannot sleep. `last` is `bd->last`: no request follows on the plug.
   */
  dispatch(last: boolean): void;
  /** ->commit_rqs() of its hardware queue: the driver's batch (issued with `last` false) is complete. */
  commitRqs(): void;
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

// block/blk-core.c: blk_start_plug()
/** Start plugging the current task's I/O. A nested plug does nothing (the outer one stays active). */
export function blkStartPlug(plug: BlkPlug = new BlkPlug()): BlkPlug {
  const t = currentCtx().task;
  if (t === null) throw new Error('blk_start_plug outside task context');
  t.plug ??= plug;
  return plug;
}

// block/blk-core.c: __blk_flush_plug() → block/blk-mq.c: blk_mq_plug_issue_direct()
/**
 * Issue every request on `plug`, in order (one plugged meanwhile is issued
 * after the rest), each with `bd->last` set when the plug is then empty; a
 * change of hardware queue commits the previous queue's batch (->commit_rqs).
 */
export function blkFlushPlug(plug: BlkPlug): void {
  const list = plug.mqList;
  let prev: PluggedRequest | null = null;
  // taken off the list before it is issued: a flush nested in an issue never issues a request twice
  while (list.length > 0) {
    const rq = list.shift() as PluggedRequest;
    if (prev !== null && prev.hctx !== rq.hctx) prev.commitRqs();
    prev = rq;
    rq.dispatch(list.length === 0);
  }
}

// block/blk-core.c: blk_finish_plug()
/** Flush `plug` and stop plugging, if it is the task's active plug. */
export function blkFinishPlug(plug: BlkPlug): void {
  const t = currentCtx().task;
  if (t === null || t.plug !== plug) return;
  blkFlushPlug(plug);
  t.plug = null;
}

// block/blk-mq.c: blk_add_rq_to_plug()
/** Add a request to `plug`, flushing it once it holds BLK_MAX_REQUEST_COUNT. */
export function blkAddRqToPlug(plug: BlkPlug, rq: PluggedRequest): void {
  plug.mqList.push(rq);
  if (plug.mqList.length >= BLK_MAX_REQUEST_COUNT) blkFlushPlug(plug);
}
