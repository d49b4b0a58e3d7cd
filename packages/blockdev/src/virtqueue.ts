/**
 * A split virtqueue with VIRTIO_RING_F_EVENT_IDX (drivers/virtio/virtio_ring.c
 * on the guest side, QEMU hw/virtio/virtio.c on the host side): the avail
 * ring the driver fills, the used ring the device fills, and the two event
 * indices that suppress notifications. The device asks for a kick by setting
 * `avail_event` to the avail index it has seen when it re-enables
 * notifications; the driver kicks only when its batch crosses that index. The
 * driver asks for an interrupt by setting `used_event` to the used index it
 * has consumed; the device interrupts only when a push crosses it.
 * Indices count from 0 and never wrap (no 16-bit arithmetic needed here).
 * @module
 */
import type { BlkRequest } from './request';

// include/uapi/linux/virtio_ring.h: vring_need_event()
/** True when `eventIdx` lies in [old, neu): the other side asked to be told about an entry in this batch. */
export function vringNeedEvent(eventIdx: number, neu: number, old: number): boolean {
  return eventIdx >= old && eventIdx < neu;
}

/** One virtqueue, both sides. */
export class VirtQueue {
  /** Requests the driver made available and the device has not popped, oldest first. */
  private readonly avail: BlkRequest[] = [];
  /** Requests the device used and the driver has not taken, oldest first. */
  private readonly used: BlkRequest[] = [];
  /** Driver: entries added (`avail->idx`). */
  private availIdx = 0;
  /** Driver: `avail->idx` at the last kick_prepare (the start of the next batch). */
  private kickedIdx = 0;
  /** Device: `vring_avail_event` — the kick it wants (stale while notifications are off). */
  private availEvent = 0;
  /** Device: entries pushed (`used->idx`). */
  private usedIdx = 0;
  /** Device: `used->idx` at its last should-notify check (`signalled_used`). */
  private signalledUsed = 0;
  /** Driver: entries taken (`last_used_idx`). */
  private lastUsedIdx = 0;
  /** Driver: `vring_used_event` — the interrupt it wants (stale while callbacks are off). */
  private usedEvent = 0;

  /** Entries the device has not popped. */
  get availCount(): number {
    return this.avail.length;
  }

  /** Entries used and not yet taken by the driver. */
  get usedCount(): number {
    return this.used.length;
  }

  // drivers/virtio/virtio_ring.c: virtqueue_add_split()
  /** Driver: expose `rq` to the device (the avail index moves at once: a polling device sees it). */
  add(rq: BlkRequest): void {
    this.avail.push(rq);
    this.availIdx++;
  }

  // drivers/virtio/virtio_ring.c: virtqueue_kick_prepare_split()
  /** Driver: end a batch; true when the device must be notified (its `avail_event` is in this batch). */
  kickPrepare(): boolean {
    const old = this.kickedIdx;
    const neu = this.availIdx;
    this.kickedIdx = neu;
    return vringNeedEvent(this.availEvent, neu, old);
  }

  // hw/virtio/virtio.c: virtqueue_pop()
  /** Device: take the oldest available request, or null. */
  pop(): BlkRequest | null {
    return this.avail.shift() ?? null;
  }

  // hw/virtio/virtio.c: virtio_queue_set_notification() → vring_set_avail_event()
  /** Device: re-enable notifications: ask for a kick at the next entry after those it has seen. */
  enableNotification(): void {
    this.availEvent = this.availIdx;
  }

  // hw/virtio/virtio.c: virtqueue_push() (virtqueue_fill + virtqueue_flush)
  /** Device: return a finished request to the driver. */
  push(rq: BlkRequest): void {
    this.used.push(rq);
    this.usedIdx++;
  }

  // hw/virtio/virtio.c: virtio_split_should_notify()
  /** Device: after pushing, true when the driver wants an interrupt for the entries pushed since the last check. */
  shouldNotify(): boolean {
    const old = this.signalledUsed;
    this.signalledUsed = this.usedIdx;
    return vringNeedEvent(this.usedEvent, this.usedIdx, old);
  }

  // drivers/virtio/virtio_ring.c: virtqueue_disable_cb_split()
  /** Driver: no interrupts while draining (under EVENT_IDX `used_event` is left behind, so none is asked for). */
  disableCb(): void {
    this.usedEvent = -1;
  }

  // drivers/virtio/virtio_ring.c: virtqueue_get_buf_ctx_split()
  /** Driver: take the oldest used request, or null. */
  getBuf(): BlkRequest | null {
    const rq = this.used.shift();
    if (rq === undefined) return null;
    this.lastUsedIdx++;
    return rq;
  }

  // drivers/virtio/virtio_ring.c: virtqueue_enable_cb() (enable_cb_prepare + virtqueue_poll)
  /** Driver: ask for an interrupt at the next push; false if entries were used meanwhile (drain again). */
  enableCb(): boolean {
    this.usedEvent = this.lastUsedIdx;
    return this.usedIdx === this.lastUsedIdx;
  }

  /** Power cut: every entry is gone; returns the requests that were on either ring. */
  reset(): BlkRequest[] {
    const out = [...this.avail, ...this.used];
    this.avail.length = 0;
    this.used.length = 0;
    this.availIdx = this.kickedIdx = this.availEvent = 0;
    this.usedIdx = this.signalledUsed = this.lastUsedIdx = this.usedEvent = 0;
    return out;
  }
}
