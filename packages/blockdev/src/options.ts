/**
 * NullBlk configuration, named after null_blk's module parameters and configfs
 * attributes (Documentation/block/null_blk.rst), plus the latency, parallelism
 * and completion-context knobs a model of a real drive needs.
 * @module
 */
import type { DistSpec } from '@dio/sim';
import { DEADLINE_DEFAULTS, type DeadlineTunables } from './mq-deadline';

/**
 * How completions are delivered. null_blk's `irqmode` 0/1/2 are 'none',
 * 'softirq', 'timer'; 'hardirq' is the NVMe-like mode (the driver completes
 * requests in its interrupt handler, on the submitting CPU).
 * - 'none': the request completes inline in submit, in the submitter's task
 *   context, with no device time.
 * - 'hardirq': after the service time, an interrupt on the submitting CPU
 *   completes every request that has finished by the time it runs.
 * - 'softirq': the interrupt moves finished requests to the CPU's done list
 *   and raises BLOCK_SOFTIRQ, which completes them.
 * - 'timer': an hrtimer per request fires (in hardirq context, on the
 *   submitting CPU) after the service time (default `completion_nsec`).
 */
export type IrqMode = 'none' | 'softirq' | 'timer' | 'hardirq';

/** null_blk irqmode numbers (module parameter values). */
export const NULL_IRQ_NONE = 0;
/** irqmode=1. */
export const NULL_IRQ_SOFTIRQ = 1;
/** irqmode=2. */
export const NULL_IRQ_TIMER = 2;

/** Options of a {@link NullBlk} device. Every field is optional. */
export interface NullBlkOptions {
  /** Disk name (default `nullb0`). */
  readonly name?: string;
  /** Capacity in GiB (default 250). */
  readonly gb?: number;
  /** Logical block size in bytes (default 512). */
  readonly bs?: number;
  /** Largest request in sectors; bigger bios are split (default 2560 = 1.25 MiB, BLK_DEF_MAX_SECTORS). */
  readonly max_sectors?: number;
  /**
   * Most segments in one request (queue/max_segments; default 128,
   * BLK_MAX_SEGMENTS). A bio needing more is split.
   */
  readonly max_segments?: number;
  /**
   * Largest segment in bytes (queue/max_segment_size; default 65536,
   * BLK_MAX_SEGMENT_SIZE). A bio's payload is cut into segments of at most
   * this size, so a request carries at most `max_segments * max_segment_size` bytes.
   */
  readonly max_segment_size?: number;
  /** Hardware submission queues (default 1); CPUs map onto them in contiguous groups. */
  readonly submit_queues?: number;
  /** Tags per hardware queue (default 64). */
  readonly hw_queue_depth?: number;
  /** Completion delivery (default 'hardirq'); numbers are null_blk's irqmode values. */
  readonly irqmode?: IrqMode | 0 | 1 | 2;
  /** Default service time in ns when no latency distribution is given (default 10,000). */
  readonly completion_nsec?: number;
  /** Service time of every operation (overridden per operation below). */
  readonly latency?: DistSpec;
  /** Service time of reads. */
  readonly read_latency?: DistSpec;
  /** Service time of writes (and discards). */
  readonly write_latency?: DistSpec;
  /** Service time of a cache flush (default: the write latency). */
  readonly flush_latency?: DistSpec;
  /** Requests the device services at once; more wait inside the device (default 0 = unlimited). */
  readonly parallelism?: number;
  /**
   * ns added to a data step's service time for every other request in service
   * when it starts (default 0): the device slows as it fills, so latency grows
   * linearly with outstanding requests.
   */
  readonly load_nsec?: number;
  /** Bandwidth cap in MiB/s shared by all transfers (default 0 = no limit). */
  readonly mbps?: number;
  /** Polled hardware queues for REQ_POLLED bios (default 0: polled bios complete by interrupt). */
  readonly poll_queues?: number;
  /** CPU cost of one ->poll() call that finds nothing, charged to the poller (default 100 ns). */
  readonly poll_nsec?: number;
  /** Keep data (default true; null_blk's default is 0). */
  readonly memory_backed?: boolean;
  /** Back the data with this file (sync node:fs I/O) instead of memory. */
  readonly backing_file?: string;
  /** Volatile write cache present (default: `cache_size > 0`). */
  readonly write_cache?: boolean;
  /** Write cache size in MiB; when full the oldest data is written back (0 = unlimited). */
  readonly cache_size?: number;
  /** REQ_FUA supported natively (default true); otherwise FUA is emulated with a post-flush. */
  readonly fua?: boolean;
  /** Support REQ_OP_DISCARD (default false: BLK_STS_NOTSUPP). */
  readonly discard?: boolean;
  /** Bad ranges as configfs commands, e.g. `['+100-107']`. */
  readonly badblocks?: readonly string[];
  /** A bad range is cleared after the first I/O that hits it. */
  readonly badblocks_once?: boolean;
  /** Transfer the sectors before the first bad one, then fail (default false: fail the whole I/O). */
  readonly badblocks_partial_io?: boolean;
  /** /sys/block/<dev>/queue/scheduler: `none` (default: requests go straight to the driver) or `mq-deadline`. */
  readonly scheduler?: 'none' | 'mq-deadline';
  /** /sys/block/<dev>/queue/nr_requests with a scheduler: requests it may hold per hardware queue (default 2 × min(hw_queue_depth, 128)). */
  readonly nr_requests?: number;
  /** mq-deadline's iosched/fifo_batch: requests dispatched in sector order before the FIFOs are checked (default 16). */
  readonly fifo_batch?: number;
  /** mq-deadline's iosched/read_expire in ms (default 500). */
  readonly read_expire?: number;
  /** mq-deadline's iosched/write_expire in ms (default 5000). */
  readonly write_expire?: number;
  /** mq-deadline's iosched/writes_starved: read batches that may pass waiting writes (default 2). */
  readonly writes_starved?: number;
}

/** Thrown for options that make no sense. */
export class NullBlkConfigError extends Error {
  /** Always `'NullBlkConfigError'`. */
  override readonly name = 'NullBlkConfigError';
}

/** Options with defaults applied. */
export interface NullBlkConfig {
  /** Disk name (`name`). */
  readonly name: string;
  /** Capacity in GiB (`gb`). */
  readonly gb: number;
  /** Logical block size in bytes (`bs`). */
  readonly bs: number;
  /** Largest request in sectors (`max_sectors`). */
  readonly maxSectors: number;
  /** Most segments per request (`max_segments`). */
  readonly maxSegments: number;
  /** Largest segment in bytes (`max_segment_size`). */
  readonly maxSegmentSize: number;
  /** Hardware submission queues (`submit_queues`). */
  readonly submitQueues: number;
  /** Tags per hardware queue (`hw_queue_depth`). */
  readonly hwQueueDepth: number;
  /** Completion delivery (`irqmode`). */
  readonly irqmode: IrqMode;
  /** Service time of a read. */
  readonly readLatency: DistSpec;
  /** Service time of a write or discard. */
  readonly writeLatency: DistSpec;
  /** Service time of a cache flush. */
  readonly flushLatency: DistSpec;
  /** Requests in service at once (0 = unlimited). */
  readonly parallelism: number;
  /** ns added per other request in service (`load_nsec`). */
  readonly loadNsec: number;
  /** Bandwidth cap in MiB/s (0 = none). */
  readonly mbps: number;
  /** Polled hardware queues (`poll_queues`). */
  readonly pollQueues: number;
  /** CPU cost of one empty ->poll() call, ns. */
  readonly pollNsec: number;
  /** Data is kept (`memory_backed`). */
  readonly memoryBacked: boolean;
  /** Path of the backing file, or null for memory. */
  readonly backingFile: string | null;
  /** A volatile write cache is present (bdev_write_cache). */
  readonly writeCache: boolean;
  /** Write cache size in MiB (`cache_size`, 0 = unlimited). */
  readonly cacheSize: number;
  /** REQ_FUA is native (`fua`, bdev_fua with a cache). */
  readonly fua: boolean;
  /** REQ_OP_DISCARD is supported (`discard`). */
  readonly discard: boolean;
  /** A bad range clears after its first hit (`badblocks_once`). */
  readonly badblocksOnce: boolean;
  /** Transfer up to the first bad block, then fail (`badblocks_partial_io`). */
  readonly badblocksPartialIo: boolean;
  /** The I/O scheduler, with its tag depth and tunables (null: `none`). */
  readonly scheduler: { readonly kind: 'mq-deadline'; readonly nrRequests: number; readonly tunables: DeadlineTunables } | null;
}

const IRQMODES: readonly IrqMode[] = ['none', 'softirq', 'timer', 'hardirq'];

function int(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new NullBlkConfigError(`null_blk: ${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

/** Apply defaults and validate. */
export function resolveOptions(o: NullBlkOptions): NullBlkConfig {
  const bs = int('bs', o.bs ?? 512, 512);
  if ((bs & (bs - 1)) !== 0 || bs > 65536) throw new NullBlkConfigError(`null_blk: bs must be a power of two in 512..65536, got ${bs}`);
  const mode = o.irqmode ?? 'hardirq';
  const irqmode = typeof mode === 'number' ? IRQMODES[mode] : mode;
  if (irqmode === undefined || !IRQMODES.includes(irqmode)) throw new NullBlkConfigError(`null_blk: irqmode must be 0, 1, 2 or one of ${IRQMODES.join(', ')}, got ${String(mode)}`);
  const fixed: DistSpec = { kind: 'fixed', value: int('completion_nsec', o.completion_nsec ?? 10_000, 0) };
  const base = o.latency ?? fixed;
  const writeLatency = o.write_latency ?? base;
  const maxSectors = int('max_sectors', o.max_sectors ?? 2560, 1);
  if ((maxSectors * 512) % bs !== 0) throw new NullBlkConfigError(`null_blk: max_sectors ${maxSectors} is not a multiple of bs ${bs}`);
  const maxSegmentSize = int('max_segment_size', o.max_segment_size ?? 65536, bs);
  if (maxSegmentSize % bs !== 0) throw new NullBlkConfigError(`null_blk: max_segment_size ${maxSegmentSize} is not a multiple of bs ${bs}`);
  const cacheSize = o.cache_size ?? 0;
  if (!(cacheSize >= 0)) throw new NullBlkConfigError(`null_blk: cache_size must be >= 0, got ${cacheSize}`);
  const mbps = o.mbps ?? 0;
  if (!(mbps >= 0)) throw new NullBlkConfigError(`null_blk: mbps must be >= 0, got ${mbps}`);
  const hwQueueDepth = int('hw_queue_depth', o.hw_queue_depth ?? 64, 1);
  return {
    name: o.name ?? 'nullb0',
    gb: o.gb ?? 250,
    bs,
    maxSectors,
    maxSegments: int('max_segments', o.max_segments ?? 128, 1),
    maxSegmentSize,
    submitQueues: int('submit_queues', o.submit_queues ?? 1, 1),
    hwQueueDepth,
    irqmode,
    readLatency: o.read_latency ?? base,
    writeLatency,
    flushLatency: o.flush_latency ?? writeLatency,
    parallelism: int('parallelism', o.parallelism ?? 0, 0),
    loadNsec: int('load_nsec', o.load_nsec ?? 0, 0),
    mbps,
    pollQueues: int('poll_queues', o.poll_queues ?? 0, 0),
    pollNsec: int('poll_nsec', o.poll_nsec ?? 100, 1),
    memoryBacked: o.memory_backed ?? true,
    backingFile: o.backing_file ?? null,
    writeCache: o.write_cache ?? cacheSize > 0,
    cacheSize,
    fua: o.fua ?? true,
    discard: o.discard ?? false,
    badblocksOnce: o.badblocks_once ?? false,
    badblocksPartialIo: o.badblocks_partial_io ?? false,
    scheduler: resolveScheduler(o, hwQueueDepth),
  };
}

/** The scheduler options: `none`, or mq-deadline with nr_requests and its iosched tunables. */
function resolveScheduler(o: NullBlkOptions, hwQueueDepth: number): NullBlkConfig['scheduler'] {
  const kind = o.scheduler ?? 'none';
  if (kind !== 'none' && kind !== 'mq-deadline') throw new NullBlkConfigError(`scheduler must be 'none' or 'mq-deadline', got ${String(kind)}`);
  const tunables = ['nr_requests', 'fifo_batch', 'read_expire', 'write_expire', 'writes_starved'] as const;
  if (kind === 'none') {
    for (const t of tunables) if (o[t] !== undefined) throw new NullBlkConfigError(`${t} needs scheduler 'mq-deadline'`);
    return null;
  }
  const ms = (name: string, v: number): number => int(name, v, 1) * 1_000_000;
  return {
    kind,
    nrRequests: int('nr_requests', o.nr_requests ?? 2 * Math.min(hwQueueDepth, 128), 1),
    tunables: {
      fifoBatch: int('fifo_batch', o.fifo_batch ?? DEADLINE_DEFAULTS.fifoBatch, 1),
      readExpireNs: o.read_expire === undefined ? DEADLINE_DEFAULTS.readExpireNs : ms('read_expire', o.read_expire),
      writeExpireNs: o.write_expire === undefined ? DEADLINE_DEFAULTS.writeExpireNs : ms('write_expire', o.write_expire),
      writesStarved: int('writes_starved', o.writes_starved ?? DEADLINE_DEFAULTS.writesStarved, 0),
    },
  };
}
