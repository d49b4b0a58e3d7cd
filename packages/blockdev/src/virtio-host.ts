/**
 * The host side of a virtio-blk disk: QEMU's virtio-blk with an iothread
 * (hw/block/virtio-blk.c, hw/virtio/virtio.c, util/aio-posix.c). One iothread
 * serves the virtqueue and does one thing at a time: woken by a kick (or a
 * backend completion) after `host_wake_nsec`, it turns guest notifications
 * off, pops every available request (`host_submit_nsec` each) and submits it
 * to the backend, and completes finished backend requests (`host_complete_nsec`
 * each), pushing them to the used ring and injecting an interrupt unless the
 * guest suppressed it. Out of work, it polls for `host_poll_nsec` with
 * notifications still off, then turns them back on (checking the ring once
 * more) and sleeps. The backend is a {@link DeviceService}: its own service
 * time distribution, `parallelism` and `load_nsec`.
 * @module
 */
import type { EventHandle, Simulator } from '@dio/sim';
import type { VirtioBlkConfig } from './device-options';
import type { BlkRequest } from './request';
import type { DeviceService } from './service';
import type { VirtQueue } from './virtqueue';

/** What the iothread is doing. */
type IothreadState = 'sleeping' | 'waking' | 'busy' | 'polling';

/** The iothread and the virtqueue it serves. */
export class VirtioHost {
  private state: IothreadState = 'sleeping';
  /** Backend requests finished and not yet completed by the iothread, oldest first. */
  private readonly done: BlkRequest[] = [];
  /** The pending iothread event (wake-up, end of a work item, end of polling). */
  private ev: EventHandle | null = null;
  /** The request of the work item in progress (popped and not yet submitted, or finished and not yet pushed). */
  private inHand: BlkRequest | null = null;
  private readonly runFn = (): void => this.run();
  private readonly pollEndFn = (): void => this.pollEnd();
  private readonly submittedFn = (rq: unknown): void => this.submitted(rq as BlkRequest);
  private readonly completedFn = (rq: unknown): void => this.completed(rq as BlkRequest);

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
      this.inHand = rq;
      this.ev = this.sim.after(this.cfg.hostSubmitNsec, this.submittedFn, rq);
      return;
    }
    const fin = this.done.shift();
    if (fin !== undefined) {
      this.inHand = fin;
      this.ev = this.sim.after(this.cfg.hostCompleteNsec, this.completedFn, fin);
      return;
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
    this.inHand = null;
    this.backend.start(rq);
    this.run();
  }

  // hw/block/virtio-blk.c: virtio_blk_rw_complete() → virtio_blk_req_complete()
  private completed(rq: BlkRequest): void {
    this.inHand = null;
    this.vq.push(rq);
    // hw/virtio/virtio.c: virtio_notify_irqfd() when virtio_should_notify()
    if (this.vq.shouldNotify()) this.inject();
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
    const out = this.inHand === null ? [...this.done] : [this.inHand, ...this.done];
    this.inHand = null;
    this.done.length = 0;
    return out;
  }
}
