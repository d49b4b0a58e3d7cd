/**
 * fs/aio.c: the AIO context (struct kioctx) — io_setup with the kernel's
 * ring sizing, aio_complete posting events from whatever context completes
 * the I/O, io_getevents (min_nr, nr, timeout) and io_destroy.
 * @module
 */
import { EAGAIN, EINTR, EINVAL, type FdTable } from '@dio/kiocb';
import { charge, currentCtx, currentSim, type KGen, type Simulator, syscall, wait, type WakeReason, WaitQueue, waitEvent } from '@dio/sim';
import type { IoEvent } from './abi';

/** /proc/sys/fs/aio-max-nr default: events all contexts may ask for together. */
export const AIO_MAX_NR = 0x10000;
const PAGE_SIZE = 4096;
/** sizeof(struct aio_ring) and sizeof(struct io_event). */
const AIO_RING_HEADER = 32;
const IO_EVENT_SIZE = 32;

/** aio_nr: events reserved by live contexts, per simulation (a system-wide counter in the kernel). */
const aioNr = new WeakMap<Simulator, number>();

// fs/aio.c: ioctx_alloc() + aio_setup_ring()
/**
 * Ring entries the kernel gives a context asked for `nrEvents`: at least
 * 4 per possible CPU, doubled (half may sit in per-CPU caches), plus 2, then
 * rounded up to whole pages of io_events. Returns -EINVAL on overflow.
 */
export function aioRingEvents(nrEvents: number, cpus: number): number {
  let n = Math.max(nrEvents, cpus * 4) * 2;
  if (n > 0x10000000 / IO_EVENT_SIZE) return -EINVAL; // "Prevent overflows"
  n += 2; // "1 is required, 2 for good luck"
  const pages = Math.ceil((AIO_RING_HEADER + IO_EVENT_SIZE * n) / PAGE_SIZE);
  return Math.floor((PAGE_SIZE * pages - AIO_RING_HEADER) / IO_EVENT_SIZE);
}

/** struct kioctx. */
export class Kioctx {
  /** Completed events not yet reaped (the ring, oldest first). */
  readonly ring: IoEvent[] = [];
  /** ctx->wait: io_getevents sleepers. */
  readonly wait = new WaitQueue('aio ctx->wait');
  /** Requests submitted and not yet completed. */
  inflight = 0;
  dead = false;
  private nextObj = 0;
  /**
   * How many completions ran in each context (`hardirq`, `softirq`, or
   * `task:<name>`), for tests and examples: a count per place, so memory
   * stays flat however many I/Os complete.
   */
  readonly completedIn = new Map<string, number>();
  /** The last task label seen by `aioComplete` and its key, so a completion allocates no string. */
  private lastTask: { label: string; key: string } | null = null;
  /** ctx->nr_events: ring entries (see `aioRingEvents`). */
  readonly nrEvents: number;

  constructor(
    readonly sim: Simulator,
    /** ctx->max_reqs: nr_events as passed to io_setup. */
    readonly maxReqs: number,
    readonly files: FdTable,
  ) {
    this.nrEvents = Math.max(2, aioRingEvents(maxReqs, sim.cpus.length));
  }

  /**
   * get_reqs_available(): a request slot is held from io_submit until its
   * event is reaped (reqs_available starts at nr_events - 1).
   */
  get reqsAvailable(): number {
    return this.nrEvents - 1 - this.inflight - this.ring.length;
  }

  /** @internal Count one completion in the current context. */
  countCompletion(kind: string, label: string): void {
    let key = kind;
    if (kind === 'task') {
      if (this.lastTask?.label !== label) this.lastTask = { label, key: `task:${label}` };
      key = this.lastTask.key;
    }
    this.completedIn.set(key, (this.completedIn.get(key) ?? 0) + 1);
  }

  /** @internal */
  obj(): number {
    return this.nextObj++;
  }
}

// fs/aio.c: SYSCALL_DEFINE2(io_setup) → ioctx_alloc()
/** io_setup(nr_events): a new context, or -EINVAL (0, overflow) / -EAGAIN (over aio-max-nr). Run inside a task. */
export function* ioSetup(nrEvents: number, files: FdTable): KGen<Kioctx | number> {
  const sim = currentSim();
  charge(sim.costs.syscall);
  if (!Number.isInteger(nrEvents) || nrEvents <= 0) return -EINVAL;
  if (aioRingEvents(nrEvents, sim.cpus.length) < 0) return -EINVAL;
  const used = aioNr.get(sim) ?? 0;
  if (nrEvents > AIO_MAX_NR || used + nrEvents > AIO_MAX_NR) return -EAGAIN;
  aioNr.set(sim, used + nrEvents);
  return new Kioctx(sim, nrEvents, files);
}

// fs/aio.c: aio_complete_rw() → iocb_put() → aio_complete()
/** Post one event and wake io_getevents sleepers; runs in whatever context completed the I/O. */
export function aioComplete(ctx: Kioctx, data: bigint, obj: number, res: number): void {
  charge(ctx.sim.costs.aioComplete);
  const c = currentCtx();
  ctx.countCompletion(c.kind, c.label);
  ctx.ring.push({ data, obj, res, res2: 0 });
  ctx.inflight--;
  if (ctx.sim.tracing) ctx.sim.trace('aio_complete', { obj, res });
  ctx.wait.wakeUpAll();
}

// fs/aio.c: SYSCALL_DEFINE5(io_getevents) → do_io_getevents() → read_events()
/**
 * io_getevents(): take up to `nr` events, waiting (interruptibly) until at
 * least `minNr` were taken or the relative timeout passes (`null` = no
 * timeout, 0 = don't wait). Events are taken as they arrive, so a timeout
 * returns what arrived meanwhile. -EINVAL for a bad min_nr/nr/timeout or a
 * destroyed context (also when io_destroy ends the wait with nothing read),
 * -EINTR for a signal with nothing read.
 */
export function ioGetevents(ctx: Kioctx, minNr: number, nr: number, timeoutNs: number | null = null): KGen<IoEvent[] | number> {
  return syscall(sysIoGetevents, ctx, minNr, nr, timeoutNs);
}

// fs/aio.c: SYSCALL_DEFINE5(io_getevents)'s body, run by syscall()
function* sysIoGetevents(ctx: Kioctx, minNr: number, nr: number, timeoutNs: number | null): KGen<IoEvent[] | number> {
  if (ctx.dead) return -EINVAL; // lookup_ioctx() fails
  if (!Number.isInteger(minNr) || !Number.isInteger(nr) || minNr < 0 || minNr > nr) return -EINVAL;
  if (timeoutNs !== null && (!Number.isFinite(timeoutNs) || timeoutNs < 0)) return -EINVAL; // timespec64_valid()
  const sim = ctx.sim;
  charge(sim.costs.aioGetevents);
  const out: IoEvent[] = [];
  // aio_read_events(): copy what the ring has (up to nr), then report whether to stop
  const readEvents = (): boolean => {
    const ring = ctx.ring;
    while (out.length < nr && ring.length > 0) out.push(ring.shift() as IoEvent);
    return out.length >= minNr || ctx.dead;
  };
  let why: WakeReason = 'woken';
  if (!readEvents() && timeoutNs !== 0) {
    if (timeoutNs === null) why = yield* waitEvent(ctx.wait, readEvents, { state: 'S' });
    else {
      // wait_event_interruptible_hrtimeout(): an absolute deadline, whatever wakes us meanwhile
      const until = sim.now + timeoutNs;
      while (!readEvents()) {
        if (sim.now >= until) break;
        why = (yield wait(ctx.wait, { state: 'S', timeout: until - sim.now })) as WakeReason;
        if (why === 'signal') {
          readEvents();
          break;
        }
      }
    }
  }
  if (out.length === 0 && ctx.dead) return -EINVAL;
  if (out.length === 0 && why === 'signal') return -EINTR;
  return out;
}

// fs/aio.c: SYSCALL_DEFINE1(io_destroy) → kill_ioctx()
/**
 * io_destroy(): mark the context dead, wake io_getevents sleepers, then
 * wait uninterruptibly until every in-flight request has completed (the
 * kernel keeps using the user's buffers until then). -EINVAL if already
 * destroyed.
 */
export function ioDestroy(ctx: Kioctx): KGen<number> {
  return syscall(
    (function* (): KGen<number> {
      if (ctx.dead) return -EINVAL;
      ctx.dead = true;
      aioNr.set(ctx.sim, Math.max(0, (aioNr.get(ctx.sim) ?? 0) - ctx.maxReqs));
      ctx.wait.wakeUpAll();
      yield* waitEvent(ctx.wait, () => ctx.inflight === 0, { state: 'D' });
      return 0;
    })(),
  );
}
