/**
 * The host side of a virtio-blk disk: QEMU's virtio-blk with an iothread
 * (hw/block/virtio-blk.c, hw/virtio/virtio.c, util/aio-posix.c). One iothread
 * serves the virtqueue and does one thing at a time: woken by a kick (or a
 * backend completion) after `host_wake_nsec`, it turns guest notifications
 * off, pops every available request (`host_submit_nsec` each) and submits it
 * to the backend, and completes the backend requests finished so far as one
 * batch (`host_complete_nsec` each), pushing them to the used ring and, at
 * the end of the batch, injecting an interrupt unless the guest suppressed it. Out of work, it polls for `host_poll_nsec` with
 * notifications still off, then turns them back on (checking the ring once
 * more) and sleeps. The backend is a {@link DeviceService}: its own service
 * time distribution, `parallelism` and `load_nsec`.
 *
 * With `host_io: 'sync'` (QEMU's aio=threads with one worker, or
 * Firecracker's default sync engine) the thread serves each popped request
 * itself, waiting for the backend, pushes it, and checks for a notify once
 * per round, when the avail ring is empty: requests that queued up while it
 * worked are served in the next round and completed by one interrupt.
 * @module
 */
import type { EventHandle, Simulator } from '@dio/sim';
import type { VirtioBlkConfig } from './device-options';
import type { BlkRequest } from './request';
import type { DeviceService } from './service';
import type { VirtQueue } from './virtqueue';

/** What the iothread is doing. */
type IothreadState = 'sleeping' | 'waking' | 'busy' | 'serving' | 'polling';

/** The iothread and the virtqueue it serves. */
export class VirtioHost {
  private state: IothreadState = 'sleeping';
  /** Backend requests finished and not yet completed by the iothread, oldest first. */
  private readonly done: BlkRequest[] = [];
  /** The pending iothread event (wake-up, end of a work item, end of polling). */
  private ev: EventHandle | null = null;
  /** Sync mode: requests pushed to the used ring since the last notify check. */
  private unsignalled = false;
  /** The requests of the work item in progress (one popped and not yet submitted, or a batch finished and not yet pushed). */
  private inHand: BlkRequest[] = [];
  private readonly runFn = (): void => this.run();
  private readonly pollEndFn = (): void => this.pollEnd();
  private readonly submittedFn = (rq: unknown): void => this.submitted(rq as BlkRequest);
  private readonly completedFn = (batch: unknown): void => this.completed(batch as BlkRequest[]);

  /**
   * @param backend the host's storage: started with each popped request, it calls {@link backendDone} when one finishes
   * @param inject raise the virtqueue's interrupt in the guest (after `irq_delay_nsec`)
   */
  constructor(
    private readonly sim: Simulator,
    private readonly cfg: VirtioBlkConfig,
    private readonly vq: VirtQueue,
    private readonly backend: DeviceService,
    private readonly inject: () => void,
  ) {}

  // hw/virtio/virtio.c: virtio_queue_host_notifier_read() — the ioeventfd of a kick
  /** The guest kicked: wake the iothread if it sleeps. */
  notify(): void {
    if (this.state === 'sleeping') this.wake();
  }

  /** The guest added a request: a polling iothread sees it at once. */
  availAdded(): void {
    if (this.state === 'polling') this.resume();
  }

  // block/linux-aio.c: qemu_laio_completion_cb() — the backend's completion eventfd
  /** The backend finished `rq`: the iothread completes it (waking up for it if asleep). */
  backendDone(rq: BlkRequest): void {
    if (this.cfg.hostIo === 'sync') {
      // the iothread waited for it: complete it now, its notify deferred to the end of the round
      this.inHand.push(rq);
      this.state = 'busy';
      this.ev = this.sim.after(this.cfg.hostCompleteNsec, this.completedFn, [rq]);
      return;
    }
    this.done.push(rq);
    if (this.state === 'sleeping') this.wake();
    else if (this.state === 'polling') this.resume();
  }

  private wake(): void {
    this.state = 'waking';
    this.ev = this.sim.after(this.cfg.hostWakeNsec, this.runFn);
  }

  /** Polling found work: cancel the end of polling and run. */
  private resume(): void {
    if (this.ev !== null) this.sim.cancel(this.ev);
    this.state = 'busy';
    this.ev = this.sim.after(0, this.runFn);
  }

  // hw/block/virtio-blk.c: virtio_blk_handle_vq() / the iothread's aio_poll() loop
  /** The iothread's next work item: pop a request, else complete one, else poll. */
  private run(): void {
    this.ev = null;
    this.state = 'busy';
    const rq = this.vq.pop();
    if (rq !== null) {
      this.inHand.push(rq);
      this.ev = this.sim.after(this.cfg.hostSubmitNsec, this.submittedFn, rq);
      return;
    }
    if (this.done.length > 0) {
      // every backend completion reaped so far, as one batch (one notify check at its end)
      const batch = this.done.splice(0);
      this.inHand.push(...batch);
      this.ev = this.sim.after(this.cfg.hostCompleteNsec * batch.length, this.completedFn, batch);
      return;
    }
    if (this.unsignalled) {
      // sync mode: the round is over, one notify check for all it completed
      this.unsignalled = false;
      if (this.vq.shouldNotify()) this.inject();
    }
    if (this.cfg.hostPollNsec > 0) {
      this.state = 'polling';
      this.ev = this.sim.after(this.cfg.hostPollNsec, this.pollEndFn);
      return;
    }
    this.pollEnd();
  }

  // hw/block/virtio-blk.c: virtio_blk_handle_request() → virtio_blk_submit_multireq() → blk_aio_pwritev()
  private submitted(rq: BlkRequest): void {
    this.inHand.length = 0;
    this.backend.start(rq);
    if (this.cfg.hostIo === 'sync') this.state = 'serving';
    else this.run();
  }

  // hw/block/virtio-blk.c: virtio_blk_rw_complete() → virtio_blk_req_complete() for each, in one defer_call section
  private completed(batch: BlkRequest[]): void {
    this.inHand.length = 0;
    for (const rq of batch) this.vq.push(rq);
    // hw/virtio/virtio.c: virtio_notify_irqfd(), deferred to the end of the batch (sync: of the round), when virtio_should_notify()
    if (this.cfg.hostIo === 'sync') this.unsignalled = true;
    else if (this.vq.shouldNotify()) this.inject();
    this.run();
  }

  // util/aio-posix.c: poll_set_started(false) → virtio_queue_aio_poll_end() → virtio_queue_set_notification(vq, 1)
  /** Out of work: turn guest notifications back on, look once more, and sleep if nothing came. */
  private pollEnd(): void {
    this.ev = null;
    this.vq.enableNotification();
    if (this.vq.availCount > 0 || this.done.length > 0) {
      this.state = 'busy';
      this.run();
      return;
    }
    this.state = 'sleeping';
  }

  /** Power cut: the iothread stops; returns the requests it held (the backend's are aborted by the device). */
  reset(): BlkRequest[] {
    if (this.ev !== null) this.sim.cancel(this.ev);
    this.ev = null;
    this.state = 'sleeping';
    this.unsignalled = false;
    const out = [...this.inHand, ...this.done];
    this.inHand.length = 0;
    this.done.length = 0;
    return out;
  }
}
