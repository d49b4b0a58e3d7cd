/**
 * Device options by kind: `null_blk` (the {@link NullBlkOptions}), `nvme`
 * and `virtio-blk`. The models share the blk-mq options (capacity, block
 * size, limits, tags, latency distributions, parallelism, `load_nsec`,
 * write cache, FUA, bad blocks) and add their driver's and device's own.
 * @module
 */
import { NullBlkConfigError, resolveOptions, type NullBlkConfig, type NullBlkOptions } from './options';

/** The device models. */
export type DeviceKind = 'null_blk' | 'nvme' | 'virtio-blk';

/** Every device kind. */
export const DEVICE_KINDS: readonly DeviceKind[] = ['null_blk', 'nvme', 'virtio-blk'];

/** Options of the blk-mq side every kind shares (null_blk's, minus its queue and irqmode knobs). */
export type SharedDeviceOptions = Omit<NullBlkOptions, 'submit_queues' | 'irqmode' | 'completion_nsec' | 'poll_nsec'>;

/** Options of a virtio-blk disk: the guest driver and the host (QEMU with an iothread). */
export interface VirtioBlkOptions extends SharedDeviceOptions {
  /** Virtqueues, one hardware queue each (default 1); CPUs map onto them in contiguous groups. */
  readonly num_queues?: number;
  /** CPU cost of virtqueue_notify(), a VM exit, charged to the submitter per kick (default 8,000 ns). */
  readonly kick_nsec?: number;
  /** Entry cost of the virtio interrupt in the guest (injection, exit and entry; default 3,000 ns) instead of `costs.hardirq`. */
  readonly irq_nsec?: number;
  /** CPU that takes every virtqueue's interrupt (effective affinity; default: the first CPU mapped to the queue). */
  readonly irq_cpu?: number;
  /** Time from the host's injection of an interrupt (irqfd) to its delivery in the guest (default 1,000 ns). */
  readonly irq_delay_nsec?: number;
  /** Wake-up latency of the sleeping iothread after a kick or a backend completion (default 5,000 ns). */
  readonly host_wake_nsec?: number;
  /** How long the iothread polls, notifications still off, after running out of work (default 0: it re-enables them at once). */
  readonly host_poll_nsec?: number;
  /** Iothread time to pop one request and submit it to the backend; the iothread does one thing at a time (default 2,000 ns). */
  readonly host_submit_nsec?: number;
  /**
   * How the iothread uses the backend (default 'async'): 'async' submits every
   * popped request and completes them as they finish (QEMU aio=native/io_uring);
   * 'sync' serves them one at a time and notifies once per round (aio=threads
   * with one worker, Firecracker's sync engine).
   */
  readonly host_io?: 'async' | 'sync';
  /** Iothread time to complete one backend request and push it to the used ring (default 2,000 ns). */
  readonly host_complete_nsec?: number;
}

/** Options of an NVMe drive (drivers/nvme/host/pci.c and the controller). */
export interface NvmeOptions extends SharedDeviceOptions {
  /** I/O SQ/CQ pairs (default: one per CPU); CPUs map onto them in contiguous groups. */
  readonly nr_io_queues?: number;
  /** CPU cost of one SQ tail doorbell write (an MMIO write), per submit batch (default 50 ns). */
  readonly doorbell_nsec?: number;
  /** Entry cost of a CQ's MSI-X interrupt (default: `costs.hardirq`). */
  readonly irq_nsec?: number;
  /** Interrupt Coalescing, aggregation threshold THR (0-based: an interrupt per THR+1 CQEs; 0..255, default 0); needs `intcoal_time`. */
  readonly intcoal_thr?: number;
  /** Interrupt Coalescing, aggregation time TIME in 100 µs units: the longest a CQE waits for its interrupt (0..255, default 0 = no delay: coalescing off). */
  readonly intcoal_time?: number;
  /** Polled I/O queues for REQ_POLLED bios (default 0). */
  readonly poll_queues?: number;
  /** CPU cost of one ->poll() call that finds nothing (default 100 ns). */
  readonly poll_nsec?: number;
}

/**
 * Options of any device, one flat set: `kind` picks the model (default
 * `null_blk`); a field of another kind is rejected when the device is built
 * (and by the profile schema).
 */
export interface DeviceOptions extends NullBlkOptions, Omit<VirtioBlkOptions, keyof NullBlkOptions>, Omit<NvmeOptions, keyof NullBlkOptions> {
  /** The device model (default `null_blk`). */
  readonly kind?: DeviceKind;
}

/** Resolved virtio-blk options. */
export interface VirtioBlkConfig extends NullBlkConfig {
  readonly kickNsec: number;
  readonly irqNsec: number;
  /** null: the first CPU mapped to each queue. */
  readonly irqCpu: number | null;
  readonly irqDelayNsec: number;
  readonly hostWakeNsec: number;
  readonly hostPollNsec: number;
  readonly hostSubmitNsec: number;
  readonly hostCompleteNsec: number;
  readonly hostIo: 'async' | 'sync';
}

/** Resolved NVMe options. */
export interface NvmeConfig extends NullBlkConfig {
  readonly doorbellNsec: number;
  /** null: `costs.hardirq`. */
  readonly irqNsec: number | null;
  readonly intcoalThr: number;
  readonly intcoalTime: number;
}

function int(kind: string, name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new NullBlkConfigError(`${kind}: ${name} must be an integer in ${min}..${max}, got ${v}`);
  return v;
}

/** Fields only null_blk has. */
const NULL_ONLY = ['submit_queues', 'irqmode', 'completion_nsec'] as const;

function rejectForeign(kind: string, o: object, names: readonly string[]): void {
  for (const n of names) if (n in o && (o as Record<string, unknown>)[n] !== undefined) throw new NullBlkConfigError(`${kind}: option ${n} is not a ${kind} option`);
}

function hostIo(v: string | undefined): 'async' | 'sync' {
  if (v === undefined || v === 'async' || v === 'sync') return v ?? 'async';
  throw new NullBlkConfigError(`virtio-blk: host_io must be 'async' or 'sync', got ${v}`);
}

const VIRTIO_ONLY = ['host_io', 'num_queues', 'kick_nsec', 'irq_cpu', 'irq_delay_nsec', 'host_wake_nsec', 'host_poll_nsec', 'host_submit_nsec', 'host_complete_nsec'] as const;
const NVME_ONLY = ['nr_io_queues', 'doorbell_nsec', 'intcoal_thr', 'intcoal_time'] as const;

/** Throw if `o` sets a field the null_blk kind does not have. */
export function checkNullBlkOptions(o: object): void {
  rejectForeign('null_blk', o, [...VIRTIO_ONLY, ...NVME_ONLY, 'irq_nsec']);
}

/** Apply virtio-blk defaults (a 2026 KVM guest disk: `vda`, 256 tags, write back cache without FUA) and validate. */
export function resolveVirtioOptions(o: VirtioBlkOptions): VirtioBlkConfig {
  const k = 'virtio-blk';
  rejectForeign(k, o, [...NULL_ONLY, ...NVME_ONLY, 'poll_queues', 'poll_nsec']);
  const nq = int(k, 'num_queues', o.num_queues ?? 1, 1, 1024);
  const base = resolveOptions({
    name: 'vda',
    hw_queue_depth: 256,
    write_cache: true,
    fua: false,
    latency: { kind: 'lognormal', mean: 20_000, stddev: 8_000 },
    ...o,
    submit_queues: nq,
    irqmode: 'hardirq',
    poll_queues: 0,
  });
  return {
    ...base,
    kickNsec: int(k, 'kick_nsec', o.kick_nsec ?? 8_000, 0),
    irqNsec: int(k, 'irq_nsec', o.irq_nsec ?? 3_000, 0),
    irqCpu: o.irq_cpu === undefined ? null : int(k, 'irq_cpu', o.irq_cpu, 0),
    irqDelayNsec: int(k, 'irq_delay_nsec', o.irq_delay_nsec ?? 1_000, 0),
    hostWakeNsec: int(k, 'host_wake_nsec', o.host_wake_nsec ?? 5_000, 0),
    hostPollNsec: int(k, 'host_poll_nsec', o.host_poll_nsec ?? 0, 0),
    hostSubmitNsec: int(k, 'host_submit_nsec', o.host_submit_nsec ?? 2_000, 0),
    hostCompleteNsec: int(k, 'host_complete_nsec', o.host_complete_nsec ?? 2_000, 0),
    hostIo: hostIo(o.host_io),
  };
}

/**
 * Apply NVMe defaults (an Optane P5800X-class drive: ~4 µs 4 KiB writes, six
 * commands at once ≈ 1.5M IOPS, no volatile cache, 1023 tags per queue) and
 * validate. `cpus` is the machine's CPU count (the default `nr_io_queues`).
 */
export function resolveNvmeOptions(o: NvmeOptions, cpus: number): NvmeConfig {
  const k = 'nvme';
  rejectForeign(k, o, [...NULL_ONLY, ...VIRTIO_ONLY]);
  const nq = int(k, 'nr_io_queues', o.nr_io_queues ?? cpus, 1, 65_535);
  const base = resolveOptions({
    name: 'nvme0n1',
    hw_queue_depth: 1023,
    latency: { kind: 'lognormal', mean: 4_000, stddev: 800 },
    parallelism: 6,
    ...o,
    submit_queues: nq,
    irqmode: 'hardirq',
  });
  return {
    ...base,
    doorbellNsec: int(k, 'doorbell_nsec', o.doorbell_nsec ?? 50, 0),
    irqNsec: o.irq_nsec === undefined ? null : int(k, 'irq_nsec', o.irq_nsec, 0),
    intcoalThr: int(k, 'intcoal_thr', o.intcoal_thr ?? 0, 0, 255),
    intcoalTime: int(k, 'intcoal_time', o.intcoal_time ?? 0, 0, 255),
  };
}
